"""Full contact-policy checks per second, in-process, every layer on.

Customers in Colombia and Florida, each with ``--contacts`` past contacts (default 100)
over the last 30 days, consent events, a registry snapshot and a company policy with
caps, cool-offs and a window. Each check asks about a random customer, channel, purpose
and action at a random instant of a weekday afternoon. Target: ≥ 50,000 checks/s and
p99 ≤ 1 ms.

    .venv/bin/python bench/policy_check.py --customers 2000 --checks 50000
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import tomllib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.contacts import Contact, Outcome, new_contact_id
from cortesia.domain.policy.company_parse import parse_company_policy
from cortesia.domain.registry import RegistryFinding, RegistryVersion
from cortesia.domain.vocabulary import Channel
from cortesia.engine.hub import Engine
from cortesia.engine.policy import ActionRef, StaticCompanyPolicy

NOW = datetime(2026, 11, 24, 19, tzinfo=UTC)  # Tuesday 14:00 in Bogotá and Miami
POLICY = """
[policy]
name = "bench"
[[cap]]
id = "marketing-week"
limit = 30
window = "calendar_week"
[[cap]]
id = "sms-day"
limit = 5
window = "calendar_day"
channels = ["sms"]
per_channel = true
[[cap]]
id = "newcomers"
limit = 1
window = "calendar_week"
when = { attribute = "customer_since", within_days = 30 }
[[cool_off]]
id = "after-rejection"
after = "rejection"
days = 14
same = "action"
[[cool_off]]
id = "after-opt-out"
after = "opt_out"
days = 7
[[window]]
id = "video-evenings"
action_groups = ["sales/music_video"]
hours = { "mon-fri" = "18:00-22:00" }
"""
GROUPS = ["sales/data_packs", "sales/roaming", "retention/discounts", "sales/music_video"]
CHANNELS = [Channel.SMS, Channel.EMAIL, Channel.VOICE, Channel.WHATSAPP]


class Snapshot:
    """One registry snapshot held in a set (the compact index is measured in bench/dnc_*)."""

    def __init__(self, listed: set[str]) -> None:
        self.listed = listed
        self.version = RegistryVersion(
            "x", 1, date(2026, 11, 20), NOW, "full", len(listed), "b", "0"
        )

    def find(
        self, registry_id: str, number: str, channel: Channel | None, at: datetime
    ) -> RegistryFinding:
        return RegistryFinding(
            registry_id, number, channel, number in self.listed, None, self.version
        )


def build(customers: int, contacts: int, seed: int) -> tuple[Engine, list[str]]:
    rng = random.Random(seed)
    policy = parse_company_policy(tomllib.loads(POLICY))
    listed = {f"+5730{n:08d}" for n in range(0, customers, 7)}
    engine = Engine(
        MemoryStore(),
        FrozenClock(NOW),
        registries=Snapshot(listed),
        company=StaticCompanyPolicy(policy),
    )
    ids = [f"C{n:06d}" for n in range(customers)]
    rows = []
    for n, cid in enumerate(ids):
        florida = n % 2 == 1
        rows.append(
            {
                "customer_id": cid,
                "country": "US" if florida else "CO",
                "subdivision": "US-FL" if florida else None,
                "time_zone": "America/New_York" if florida else None,
                "phone": f"+1305555{n % 10000:04d}" if florida else f"+5730{n:08d}",
                "email": f"{cid.lower()}@example.com",
                "attributes": {"customer_since": "2020-01-01", "last_purchase_on": "2026-06-01"},
            }
        )
    for start in range(0, len(rows), 5000):
        engine.customers.upsert(rows[start : start + 5000])
    events = []
    for cid in ids:
        events.append(
            {
                "customer_id": cid,
                "channel": "all",
                "purpose": "marketing",
                "kind": "opt_in",
                "source": "web",
                "occurred_at": "2026-01-01T00:00:00Z",
            }
        )
        if rng.random() < 0.2:
            events.append(
                {
                    "customer_id": cid,
                    "channel": "sms",
                    "purpose": "music_video",
                    "kind": "opt_out",
                    "source": "web",
                    "occurred_at": "2026-11-01T00:00:00Z",
                }
            )
    for start in range(0, len(events), 1000):
        engine.consent.record_batch(events[start : start + 1000])
    made = []
    for cid in ids:
        for _ in range(contacts):
            at = NOW - timedelta(seconds=rng.randrange(30 * 24 * 3600))
            group = rng.choice(GROUPS)
            made.append(
                Contact(
                    new_contact_id(at),
                    cid,
                    rng.choice(CHANNELS),
                    "marketing",
                    at,
                    action_id=group + "/a",
                    action_group=group,
                    category="sales",
                )
            )
    for start in range(0, len(made), 5000):
        engine.store.record_contacts(made[start : start + 5000])
    for contact in rng.sample(made, len(made) // 20):
        engine.store.record_outcome(contact.contact_id, Outcome.REJECTED, contact.occurred_at)
    return engine, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--contacts", type=int, default=100)
    parser.add_argument("--checks", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--candidates", type=int, default=40, help="questions per loaded customer")
    args = parser.parse_args()
    started = time.perf_counter()
    engine, ids = build(args.customers, args.contacts, args.seed)
    print(
        f"built {len(ids)} customers × {args.contacts} contacts "
        f"in {time.perf_counter() - started:.1f} s"
    )
    rng = random.Random(args.seed + 1)
    asks = [
        (
            rng.choice(ids),
            rng.choice(CHANNELS),
            rng.choice(["marketing", "data_offers", "service"]),
            NOW + timedelta(minutes=rng.randrange(-120, 120)),
            ActionRef(action_id=(g := rng.choice(GROUPS)) + "/a", action_group=g, category="sales"),
        )
        for _ in range(args.checks)
    ]
    cold = _time(lambda a: engine.policy.check(*a), asks)
    print(f"cold (load + check each time): {_summary(cold, args.checks)}")
    per = args.candidates
    sessions = [
        (rng.choice(ids), NOW + timedelta(minutes=rng.randrange(-120, 120)))
        for _ in range(args.checks // per)
    ]
    # One question per candidate action (each its own id, in one of the groups), on a channel.
    questions = [
        engine.policy.question(
            rng.choice(CHANNELS),
            rng.choice(["marketing", "data_offers"]),
            None,
            ActionRef(
                action_id=f"{(g := rng.choice(GROUPS))}/{n}", action_group=g, category="sales"
            ),
        )
        for n in range(per)
    ]
    timings: list[float] = []
    loads, firsts = 0.0, 0.0  # where the time goes: loading, first question of a pair
    # The caller builds its questions; the clock runs for loading and answering them.
    asked_at = [(cid, at, [replace(q, at=at) for q in questions]) for cid, at in sessions]
    begin = time.perf_counter()
    for cid, at, mine in asked_at:
        t0 = time.perf_counter()
        context = engine.policy.for_customer(cid, at)
        load = time.perf_counter() - t0
        pairs: set[tuple[Channel, str]] = set()
        for question in mine:
            t1 = time.perf_counter()
            context.check(question)
            took = time.perf_counter() - t1
            timings.append(took)
            if (question.channel, question.purpose) not in pairs:
                pairs.add((question.channel, question.purpose))
                firsts += took
        timings[-per] += load  # the load counts against the customer's first question
        loads += load
    total = time.perf_counter() - begin
    print(f"loaded once, {per} questions per customer: {_summary((total, timings), len(timings))}")
    asked = len(timings)
    print(
        f"  per question on average: loading {loads / asked * 1e6:.1f} µs, first question of "
        f"each channel × purpose {firsts / asked * 1e6:.1f} µs, the rest "
        f"{(total - loads - firsts) / asked * 1e6:.1f} µs"
    )


def _time(call, asks):  # type: ignore[no-untyped-def]
    timings = []
    begin = time.perf_counter()
    for ask in asks:
        t0 = time.perf_counter()
        call(ask)
        timings.append(time.perf_counter() - t0)
    return time.perf_counter() - begin, timings


def _summary(measured: tuple[float, list[float]], count: int) -> str:
    total, timings = measured
    timings = sorted(timings)
    p50 = statistics.median(timings) * 1e6
    p99 = timings[int(len(timings) * 0.99)] * 1e6
    return f"{count / total:,.0f} checks/s; p50 {p50:.0f} µs, p99 {p99:.0f} µs"


if __name__ == "__main__":
    main()
