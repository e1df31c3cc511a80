"""How a decision is kept: compact when written, whole again when read.

Every decision is stored, so its body must be small: a trace row is
``[action, stage, reason, scores]`` where ``scores`` lists the seven inputs of the
expected net value (or null) and ``reason`` is null for a reason the catalog version can
say again (an eligibility rule that was false or unknown). Action names are not stored
either: the catalog version the decision records holds them.

>>> from datetime import UTC, datetime
>>> from cortesia.domain.decisions import CandidateTrace, Decision, Stage, Versions
>>> from cortesia.domain.vocabulary import Channel
>>> trace = (CandidateTrace("a", Channel.SMS, Stage.ELIGIBILITY, False, "…", code=RULE_FALSE),)
>>> decision = Decision("d1", "C1", datetime(2026, 3, 2, tzinfo=UTC), Channel.SMS, "outbound",
...                     {}, (), "no action", trace, Versions(1, "default", "beta-prior:0"))
>>> kept = compact_body(decision)
>>> kept["trace"]
[['a', 'eligibility', 'rule:false', None]]
>>> whole = expand_body(kept, {"a": "tenure > 12"}, {"a": "5 GB pack"})
>>> whole["trace"][0]["reason"], whole["names"]
('eligibility rule `tenure > 12` is false', {'a': '5 GB pack'})
"""

from __future__ import annotations

from collections.abc import Mapping

from cortesia.domain.decisions import Decision, Scores

FORMAT = 1
RULE_FALSE = "rule:false"
RULE_UNKNOWN = "rule:unknown"
_SCORE_FIELDS = Scores._fields  # the seven inputs of the expected net value, in order


def rule_reason(code: str, rule_text: str | None) -> str:
    """The words of a rule stop, from its code and the rule's text."""
    shown = f"`{rule_text}`" if rule_text else "(rule no longer known)"
    verdict = "false" if code == RULE_FALSE else "unknown (a value it reads is missing)"
    return f"eligibility rule {shown} is {verdict}"


def compact_body(
    decision: Decision, features: Mapping[str, object] | None = None
) -> dict[str, object]:
    """The decision as stored; ``features`` are what a learning scorer needs kept so that
    the decision's outcome can teach it."""
    whole = decision.header()
    whole.pop("names", None)
    if features is not None:
        whole["features"] = dict(features)
    whole["format"] = FORMAT
    # One row per candidate of every decision, so unpacked in place: a reason the catalog
    # can say again is kept as its code; str() of a StrEnum member is its value; a Scores
    # lists _SCORE_FIELDS in order.
    whole["trace"] = [
        [action, str(stage), reason if code is None else code, None if sc is None else list(sc)]
        for action, _channel, stage, _passed, reason, sc, code in decision.trace
    ]
    return whole


def expand_body(
    body: Mapping[str, object], rules: Mapping[str, str], names: Mapping[str, str]
) -> dict[str, object]:
    """The stored decision as the API shows it; ``rules`` and ``names`` by action id come
    from the catalog version the decision was made with."""
    whole = dict(body)
    if body.get("format") != FORMAT:
        return whole
    trace = body.get("trace")
    rows = trace if isinstance(trace, list) else []
    whole["trace"] = [_expanded(row, str(body.get("channel")), rules) for row in rows]
    whole["names"] = dict(names)
    whole.pop("format", None)
    return whole


def _expanded(row: object, channel: str, rules: Mapping[str, str]) -> dict[str, object]:
    if not isinstance(row, list) or len(row) != 4:
        return {"action": None, "stage": None, "passed": False, "reason": str(row)}
    action, stage, reason, scores = row
    if reason in (RULE_FALSE, RULE_UNKNOWN):
        reason = rule_reason(str(reason), rules.get(str(action)))
    found: dict[str, object] = {
        "action": action,
        "channel": channel,
        "stage": stage,
        "passed": stage == "chosen",
        "reason": reason,
    }
    if isinstance(scores, list) and len(scores) == len(_SCORE_FIELDS):
        found["scores"] = Scores(*(float(s) for s in scores)).as_dict()
    return found
