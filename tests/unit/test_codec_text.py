"""Evidence written out by hand reads as what the JSON encoder would have written."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from cortesia.adapters.sql.codec import _text_map, load_json

ENCODER = json.JSONEncoder(separators=(",", ":"))


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(max_size=20), st.text(max_size=40), min_size=1, max_size=6))
def test_text_evidence_is_the_encoders_text(evidence: dict[str, str]) -> None:
    text = _text_map(evidence)
    assert text == ENCODER.encode(evidence)
    assert list(load_json(text).items()) == list(evidence.items())


def test_other_values_go_through_the_encoder() -> None:
    assert _text_map({"max_per_week": 2, "topics": ["a"]}) == '{"max_per_week":2,"topics":["a"]}'
