"""Memoised checks answer exactly as the plain check does, whatever the questions asked."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.policy_support import FakeRegistries, add_customer, consent, contacted

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.contacts import Outcome
from cortesia.domain.policy.check import check_contact
from cortesia.domain.policy.company_parse import parse_company_policy
from cortesia.domain.vocabulary import Channel
from cortesia.engine.hub import Engine
from cortesia.engine.policy import ActionRef, StaticCompanyPolicy

NOW = datetime(2026, 11, 24, 19, tzinfo=UTC)
POLICY = """
[[cap]]
id = "week"
limit = 4
window = "calendar_week"
[[cap]]
id = "per-channel-day"
limit = 1
window = "calendar_day"
per_channel = true
[[cap]]
id = "group-subject"
limit = 1
window = "rolling_48h"
per_subject = true
action_groups = ["sales/roaming", "sales/tv"]
[[cool_off]]
id = "rejected"
after = "rejection"
days = 14
same = "action"
[[cool_off]]
id = "group-rest"
after = "contact"
hours = 30
same = "action_group"
[[window]]
id = "tv-evenings"
action_groups = ["sales/tv"]
hours = { "mon-fri" = "18:00-22:00" }
"""
GROUPS = ["sales/roaming", "sales/tv", "retention/discounts", None]


def _engine() -> Engine:
    registries = FakeRegistries({"co-rne": date(2026, 11, 23), "us-dnc": date(2026, 11, 20)})
    registries.snapshot("us-dnc", date(2026, 11, 20), {"+13055550123": None})
    policy = parse_company_policy(tomllib.loads(POLICY))
    engine = Engine(
        MemoryStore(), FrozenClock(NOW), registries=registries, company=StaticCompanyPolicy(policy)
    )
    add_customer(engine, "co", "CO", phone="+573001234567", email="a@example.co")
    add_customer(
        engine,
        "fl",
        "US",
        subdivision="US-FL",
        phone="+13055550123",
        time_zone="America/New_York",
        last_purchase_on=date(2026, 1, 5),
    )
    for who in ("co", "fl"):
        consent(engine, who, "sms", "opt_in", NOW - timedelta(days=40))
        consent(engine, who, "email", "opt_out", NOW - timedelta(days=3), purpose="tv_offers")
        for n, group in enumerate(GROUPS * 2):
            contacted(
                engine,
                who,
                [Channel.SMS, Channel.VOICE][n % 2],
                NOW - timedelta(hours=7 * n + 1),
                action_group=group,
                action_id=f"{group}/a" if group else None,
                outcome=Outcome.REJECTED if n == 3 else Outcome.REACHED,
            )
    return engine


questions = st.lists(
    st.tuples(
        st.sampled_from(["co", "fl"]),
        st.sampled_from([Channel.SMS, Channel.VOICE, Channel.EMAIL, Channel.WHATSAPP]),
        st.sampled_from(["marketing", "tv_offers", "service"]),
        st.sampled_from(GROUPS),
        st.sampled_from([None, "b"]),
        st.sampled_from(["outbound", "inbound"]),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=40, deadline=None)
@given(asked=questions)
def test_memoised_answers_equal_the_plain_check(asked: list[tuple[object, ...]]) -> None:
    engine = _engine()
    contexts = {who: engine.policy.for_customer(who, NOW) for who in ("co", "fl")}
    for who, channel, purpose, group, variant, direction in asked:
        action = ActionRef(
            action_id=f"{group}/{variant or 'a'}" if group else None, action_group=group
        )
        question = engine.policy.question(channel, purpose, NOW, action, direction)  # type: ignore[arg-type]
        context = contexts[who]  # type: ignore[index]
        assert context.check(question) == check_contact(context.inputs(question))
