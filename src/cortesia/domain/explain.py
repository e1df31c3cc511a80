"""Decisions told in plain words, for the marketer who asks "why did she get that?".

The explanation is built from the stored decision (its JSON body), so a decision made
months ago reads the same today.

>>> body = {"decision_id": "d1", "customer": "C1", "channel": "sms", "direction": "outbound",
...         "decided_at": "2026-03-02T10:00:00+00:00", "reason": "nothing worth sending",
...         "actions": [], "names": {"a": "5 GB pack"}, "versions": {"catalog": 2,
...         "policy": "default", "model": "beta-prior:0"},
...         "trace": [{"action": "a", "channel": "sms", "stage": "eligibility",
...                    "passed": False, "reason": "eligibility rule `tenure > 12` is false"}]}
>>> for line in explain(body): print(line)
Decision d1 for customer C1 on sms (outbound) at 2026-03-02T10:00:00+00:00: nothing worth sending.
Not offered “5 GB pack” (a): not eligible — eligibility rule `tenure > 12` is false.
Made with catalog version 2, contact policy default and model beta-prior:0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from cortesia.domain.decisions import CandidateTrace, ChosenAction, Stage

_STAGE_WORDS = {
    Stage.CANDIDATES.value: "not on offer now",
    Stage.ELIGIBILITY.value: "not eligible",
    Stage.POLICY.value: "held back by the contact policy",
    Stage.SCORING.value: "could not be scored",
    Stage.ARBITRATION.value: "not worth the contact",
    Stage.SELECTION.value: "no room left",
    Stage.CONTROL.value: "held back as a control (would have been sent)",
}
_COUNT_WORDS = {
    Stage.CANDIDATES: "not on offer now",
    Stage.ELIGIBILITY: "not eligible",
    Stage.POLICY: "held back by the contact policy",
    Stage.SCORING: "could not be scored",
    Stage.ARBITRATION: "not worth the contact",
    Stage.SELECTION: "without room (limit, group, volume or slot)",
    Stage.CONTROL: "held back as controls",
}


def decision_reason(
    chosen: Sequence[ChosenAction],
    trace: Sequence[CandidateTrace],
    candidates: int,
    catalog_version: int,
) -> str:
    """One sentence: what was chosen, or why the best thing is to stay silent."""
    if chosen:
        best = chosen[0]
        more = f" and {len(chosen) - 1} more" if len(chosen) > 1 else ""
        env = best.scores.expected_net_value
        return f"offered {best.action_id}{more}: highest expected net value ({env:.2f})"
    if candidates == 0:
        return f"no action of catalog version {catalog_version} is offered on this channel"
    stops = Counter(t.stage for t in trace if not t.passed)
    parts = [f"{stops[stage]} {words}" for stage, words in _COUNT_WORDS.items() if stops[stage]]
    return "no action: " + ", ".join(parts)


def explain(body: Mapping[str, object]) -> list[str]:
    """The decision as sentences: the verdict, each action offered, each one not, and why."""
    names = _mapping(body.get("names"))
    lines = [
        f"Decision {body.get('decision_id')} for customer {body.get('customer')} on "
        f"{body.get('channel')} ({body.get('direction')}) at {body.get('decided_at')}: "
        f"{body.get('reason')}."
    ]
    for action in _rows(body.get("actions")):
        lines.append(_offered(action, names))
    for step in _rows(body.get("trace")):
        if not step.get("passed"):
            lines.append(_not_offered(step, names))
    versions = _mapping(body.get("versions"))
    lines.append(
        f"Made with catalog version {versions.get('catalog')}, contact policy "
        f"{versions.get('policy')} and model {versions.get('model')}."
    )
    return lines


def _offered(action: Mapping[str, object], names: Mapping[str, object]) -> str:
    got = {k: _number(action.get(k)) for k in _FIGURES}
    return (
        f"Offered {_name(action.get('action'), names)} by {action.get('channel')}: expected "
        f"net value {got['expected_net_value']:.2f} = ({got['propensity']:.2%} chance to accept "
        f"× value {got['value']:.2f}) − ({got['p_optout']:.2%} opt-out risk × "
        f"{got['eroded_value']:.2f} at stake) − cost {got['cost']:.2f}; "
        f"priority {got['priority']:.2f}."
    )


def _not_offered(step: Mapping[str, object], names: Mapping[str, object]) -> str:
    words = _STAGE_WORDS.get(str(step.get("stage")), str(step.get("stage")))
    return f"Not offered {_name(step.get('action'), names)}: {words} — {step.get('reason')}."


_FIGURES = (
    "expected_net_value",
    "propensity",
    "value",
    "p_optout",
    "eroded_value",
    "cost",
    "priority",
)


def _name(action_id: object, names: Mapping[str, object]) -> str:
    name = names.get(str(action_id))
    return f"“{name}” ({action_id})" if name else str(action_id)


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _rows(value: object) -> list[Mapping[str, object]]:
    if not isinstance(value, list):
        return []
    return [row for row in value if isinstance(row, Mapping)]
