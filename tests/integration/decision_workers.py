"""SQL-backed decision engines, and the work of the child processes of the decision tests.

Importable under ``forkserver``: each child of ``test_decisions_concurrency`` builds its
own engine on the same SQLite file or PostgreSQL database and decides (or reports
outcomes) as fast as it can, all children starting together.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from multiprocessing.synchronize import Barrier
from typing import Any

from tests.engine.decision_support import NOW
from tests.engine.policy_support import FakeRegistries

from cortesia.adapters.memory import FrozenClock
from cortesia.adapters.sql.store import SqlStore
from cortesia.domain.policy.company import CompanyPolicy
from cortesia.domain.policy.company_parse import parse_company_policy
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.hub import Engine
from cortesia.engine.options import EngineOptions
from cortesia.engine.policy import StaticCompanyPolicy

DAY = date(2026, 3, 3)  # NOW's day in Bogotá: the catalog's day of daily limits
OPTED_IN = datetime(2026, 1, 5, tzinfo=UTC)
WARM_UP = "warm-up"  # the customer of the decisions that warm each child up
CHANNELS = ("sms", "email", "voice", "whatsapp", "push", "in_app")


def sms_cap(limit: int) -> CompanyPolicy:
    """A company policy: at most ``limit`` marketing SMS per customer per calendar day."""
    return parse_company_policy(
        {
            "policy": {"name": "test", "version": f"sms-cap-{limit}"},
            "cap": [
                {
                    "id": "sms_daily",
                    "limit": limit,
                    "window": "calendar_day",
                    "channels": ["sms"],
                    "purposes": ["marketing"],
                }
            ],
        }
    )


def sql_decision_engine(
    url: str,
    *,
    company: CompanyPolicy | None = None,
    refresh_seconds: float = 1.0,
    scoring: str = "beta",
) -> Engine:
    """An engine on the SQL store at ``url`` at NOW, with Colombia's do-not-call list
    scrubbed two days before (the registry snapshot the CO pack asks for)."""
    registries = FakeRegistries()
    registries.snapshot("co-rne", date(2026, 3, 1))
    return Engine(
        SqlStore(url),
        FrozenClock(NOW),
        EngineOptions(shared_state_refresh_seconds=refresh_seconds, scoring=scoring),
        registries=registries,
        company=None if company is None else StaticCompanyPolicy(company),
    )


def reachable_many(engine: Engine, customer_ids: Sequence[str]) -> None:
    """``decision_support.reachable`` for many customers in two batches (SQL writes cost)."""
    engine.customers.upsert(
        [
            {
                "customer_id": c,
                "country": "CO",
                "phone": f"+5730012{zlib.crc32(c.encode()) % 100000:05d}",
                "email": f"{c.lower()}@example.com",
                "language": "es",
                "attributes": {"arpu": 50.0, "internet_service": "Fiber optic"},
            }
            for c in customer_ids
        ]
    )
    engine.consent.record_batch(
        [
            {
                "customer_id": c,
                "channel": channel,
                "purpose": "marketing",
                "kind": "opt_in",
                "source": "web",
                "occurred_at": OPTED_IN.isoformat(),
            }
            for c in customer_ids
            for channel in CHANNELS
        ]
    )


def decide_in_process(
    url: str, together: Barrier, customer_ids: list[str], cap: int | None, out: str
) -> None:
    """Decide by SMS for each of ``customer_ids`` in turn, in step with the other children
    (under a company SMS cap when ``cap`` is given); write ``[[decision_id, [action ids
    chosen]], …]`` to ``out``."""
    engine = sql_decision_engine(url, company=None if cap is None else sms_cap(cap))
    # A first decision loads the packs and compiles the catalog (tens of ms): made a day
    # earlier for a customer of its own, it touches no counter or slot under test, and
    # the decisions that race below start together.
    engine.decisions.decide(DecisionRequest(WARM_UP, Channel.SMS, at=NOW - timedelta(days=1)))
    made: list[list[Any]] = []
    for customer in customer_ids:
        # Every child decides its n-th decision together: each step is a race.
        together.wait(60)
        decision = engine.decisions.decide(DecisionRequest(customer, Channel.SMS))
        made.append([decision.decision_id, [a.action_id for a in decision.actions]])
    engine.close()
    with open(out, "w", encoding="utf-8") as written:
        json.dump(made, written)


def accept_in_process(
    url: str, together: Barrier, decision_ids: list[str], action_id: str, out: str
) -> None:
    """Report ``accepted`` for ``action_id`` of each decision; write how many were new."""
    engine = sql_decision_engine(url)
    together.wait(60)
    fresh = 0
    for decision_id in decision_ids:
        fresh += not engine.outcomes.record(decision_id, action_id, "accepted").replayed
    engine.close()
    with open(out, "w", encoding="utf-8") as written:
        written.write(f"{fresh}\n")
