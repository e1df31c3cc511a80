"""Memoised checks where a registry's exemption reads the action's group (Argentina's No
Llame waives a listing for the product of an active contract) answer as the plain check."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.policy_support import FakeRegistries, add_customer, consent

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.policy.check import check_contact
from cortesia.domain.vocabulary import Channel
from cortesia.engine.hub import Engine
from cortesia.engine.policy import ActionRef

NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)  # a Tuesday, midday in Buenos Aires
GROUPS = ["sales/internet", "sales/tv", "retention/discounts", None]


def _engine() -> Engine:
    registries = FakeRegistries()
    listed = {"+5491123456789": date(2025, 1, 1), "+5491187654321": date(2025, 1, 1)}
    registries.snapshot("ar-no-llame", date(2026, 11, 20), listed)
    engine = Engine(MemoryStore(), FrozenClock(NOW), registries=registries)
    add_customer(
        engine,
        "contract",
        "AR",
        phone="+5491123456789",
        contract_active=True,
        contract_product="sales/internet",
    )
    add_customer(engine, "listed", "AR", phone="+5491187654321")
    add_customer(engine, "consented", "AR", phone="+5491155550000")
    consent(engine, "consented", "sms", "opt_in", NOW - timedelta(days=10))
    return engine


questions = st.lists(
    st.tuples(
        st.sampled_from(["contract", "listed", "consented"]),
        st.sampled_from([Channel.SMS, Channel.VOICE, Channel.WHATSAPP, Channel.EMAIL]),
        st.sampled_from(["marketing", "service"]),
        st.sampled_from(GROUPS),
        st.sampled_from(["a", "b"]),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=40, deadline=None)
@given(asked=questions)
def test_memoised_answers_equal_the_plain_check_when_registries_read_the_group(
    asked: list[tuple[str, Channel, str, str | None, str]],
) -> None:
    engine = _engine()
    who_all = ("contract", "listed", "consented")
    contexts = {who: engine.policy.for_customer(who, NOW) for who in who_all}
    for who, channel, purpose, group, variant in asked:
        action = ActionRef(action_id=f"{group}/{variant}" if group else None, action_group=group)
        question = engine.policy.question(channel, purpose, NOW, action)
        context = contexts[who]
        assert context.check(question) == check_contact(context.inputs(question))


def test_the_contracts_product_is_exempt_and_another_product_is_not() -> None:
    engine = _engine()
    context = engine.policy.for_customer("contract", NOW)
    verdicts = {}
    for group in ("sales/tv", "sales/internet", "sales/tv"):  # the memo answers the last
        action = ActionRef(action_id=f"{group}/a", action_group=group)
        verdicts[group] = context.check(
            engine.policy.question(Channel.SMS, "marketing", NOW, action)
        )
    assert verdicts["sales/internet"].allowed
    assert not verdicts["sales/tv"].allowed
    assert "AR-2" in {r.rule for r in verdicts["sales/tv"].denials()}
