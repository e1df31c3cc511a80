"""Judges and drafts for the contact-history tests, and the work of their child processes.

Importable under ``spawn``: the children of the concurrency tests run ``hammer`` here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Barrier

from cortesia.domain.contacts import Contact, ContactStatus, Judge, new_contact_id
from cortesia.domain.verdict import Layer, Reason, Verdict
from cortesia.domain.vocabulary import Channel
from cortesia.engine.ports import ContactHistory

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
HOLD = timedelta(minutes=15)
WINDOW = timedelta(days=7)
CUSTOMERS = ("C1", "C2", "C3")


def at_most(limit: int, seen: list[int] | None = None) -> Judge:
    """A judge allowing a contact while fewer than ``limit`` contacts count.

    ``seen`` (when given) collects how many contacts each call was shown.
    """

    def judge(contacts: list[Contact]) -> Verdict:
        if seen is not None:
            seen.append(len(contacts))
        allowed = len(contacts) < limit
        return Verdict.of(
            [Reason(Layer.COMPANY, "cap.test", allowed, f"{len(contacts)} of {limit} in window")]
        )

    return judge


def draft(customer: str = "C1", minutes: float = 0, **changes: object) -> Contact:
    """A reservation draft planned ``minutes`` after T0, lapsing ``HOLD`` later."""
    at = T0 + timedelta(minutes=minutes)
    fields: dict[str, object] = {
        "contact_id": new_contact_id(at),
        "customer_id": customer,
        "channel": Channel.SMS,
        "purpose": "marketing",
        "occurred_at": at,
        "action_id": "A1",
        "action_group": "sales/data_packs",
        "status": ContactStatus.RESERVED,
        "expires_at": at + HOLD,
    }
    fields.update(changes)
    return Contact(**fields)  # type: ignore[arg-type]


def hammer(
    store: ContactHistory, attempts: int, limit: int, worker: int, release_every: int = 0
) -> tuple[int, int, list[int]]:
    """Reserve ``attempts`` times round the customers: (allowed, released, windows seen).

    With ``release_every`` = n, every n-th allowed reservation is released again, so
    slots free up and fill again.
    """
    seen: list[int] = []
    judge = at_most(limit, seen)
    allowed = freed = 0
    for attempt in range(attempts):
        customer = CUSTOMERS[(attempt + worker) % len(CUSTOMERS)]
        _, stored = store.reserve(draft(customer), T0 - WINDOW, T0, judge)
        if stored is None:
            continue
        allowed += 1
        if release_every and allowed % release_every == 0:
            store.release(stored.contact_id, T0)
            freed += 1
    return allowed, freed, seen


def hammer_in_process(
    url: str,
    together: Barrier,
    attempts: int,
    limit: int,
    worker: int,
    release_every: int,
    out: str,
) -> None:
    """``hammer`` a SQL store from a child process; write the tallies to ``out``."""
    from cortesia.adapters.sql.store import SqlStore

    store = SqlStore(url)
    together.wait(60)
    allowed, freed, seen = hammer(store, attempts, limit, worker, release_every)
    store.close()
    with open(out, "w", encoding="utf-8") as tallies:
        tallies.write(f"{allowed} {freed} {max(seen, default=0)}\n")


POLICY_CAP = 4


def policy_engine_over(url: str):  # type: ignore[no-untyped-def]
    """An engine on the SQL store at ``url`` with a company cap of POLICY_CAP a day."""
    from cortesia.adapters.memory import FrozenClock
    from cortesia.adapters.sql.store import SqlStore
    from cortesia.domain.policy.company_parse import parse_company_policy
    from cortesia.engine.hub import Engine
    from cortesia.engine.policy import StaticCompanyPolicy

    policy = parse_company_policy(
        {"cap": [{"id": "daily", "limit": POLICY_CAP, "window": "calendar_day"}]}
    )
    return Engine(SqlStore(url), FrozenClock(T0), company=StaticCompanyPolicy(policy))


def reserve_through_policy(
    url: str, together: Barrier, attempts: int, worker: int, out: str
) -> None:
    """Reserve through the contact policy (consent, pack, company cap) from a child process."""
    engine = policy_engine_over(url)
    together.wait(60)
    allowed = 0
    for attempt in range(attempts):
        customer = CUSTOMERS[(attempt + worker) % len(CUSTOMERS)]
        held = engine.policy.reserve(customer, Channel.EMAIL, "marketing", at=T0)
        allowed += held.contact is not None
    engine.close()
    with open(out, "w", encoding="utf-8") as tallies:
        tallies.write(f"{allowed}\n")
