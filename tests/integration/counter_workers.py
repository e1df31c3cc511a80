"""The work of the child processes of the counter concurrency tests.

Importable under ``forkserver``: each child opens its own ``SqlStore`` and runs ``hammer``.
"""

from __future__ import annotations

from datetime import date
from multiprocessing.synchronize import Barrier

from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import ResponseCount, VolumeClaim
from cortesia.engine.ports import Store

DAY = date(2026, 3, 2)
COUNT_LIMIT = 30  # "b|sms": a daily count limit
BUDGET = 10.0  # "a|*": a daily budget, 0.25 a contact, so 40 contacts
COST = 0.25
PER_ATTEMPT = (
    ("a", Channel.SMS, "outbound", ResponseCount(1, 0, 0)),
    ("a", Channel.SMS, "outbound", ResponseCount(0, 1, 0)),
    ("b", Channel.EMAIL, "inbound", ResponseCount(1, 1, 1)),
)


def budget_claims() -> list[VolumeClaim]:
    """One contact of action a by SMS: counted per channel, paid from a's budget."""
    return [
        VolumeClaim("a|sms", DAY, None, COST, None),
        VolumeClaim("a|*", DAY, None, COST, BUDGET),
    ]


def count_claims() -> list[VolumeClaim]:
    """One contact of action b by SMS, under a count limit of its own and of the action."""
    return [
        VolumeClaim("b|sms", DAY, COUNT_LIMIT, 0.0, None),
        VolumeClaim("b|*", DAY, COUNT_LIMIT + 5, 0.0, None),
    ]


def hammer(store: Store, attempts: int, give_back_every: int) -> tuple[int, int, int]:
    """Add responses and take volume ``attempts`` times: (budget takes, count takes, given back).

    With ``give_back_every`` = n, every n-th count take is given back again.
    """
    budget_taken = count_taken = given = 0
    for _ in range(attempts):
        store.add_responses(PER_ATTEMPT)
        budget_taken += store.take_volume(budget_claims())
        if store.take_volume(count_claims()):
            count_taken += 1
            if give_back_every and count_taken % give_back_every == 0:
                store.give_back_volume(count_claims())
                given += 1
    return budget_taken, count_taken, given


def hammer_in_process(
    url: str, together: Barrier, attempts: int, give_back_every: int, out: str
) -> None:
    """``hammer`` a SQL store from a child process; write the tallies to ``out``."""
    from cortesia.adapters.sql.store import SqlStore

    store = SqlStore(url)
    together.wait(60)
    tallies = hammer(store, attempts, give_back_every)
    store.close()
    with open(out, "w", encoding="utf-8") as written:
        written.write(" ".join(str(n) for n in tallies) + "\n")
