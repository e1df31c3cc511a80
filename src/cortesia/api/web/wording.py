"""Where a person stands and what a choice did, in plain words (es/en)."""

from __future__ import annotations

from cortesia.api.web.texts import TEXTS, channel_label, date_label, purpose_label
from cortesia.domain.consent import ConsentEntry
from cortesia.domain.vocabulary import ConsentStatus
from cortesia.engine.unsubscribe import LinkStanding

OUT = ConsentStatus.OPTED_OUT
SNOOZED = ConsentStatus.SNOOZED


def _words(lang: str, standing: LinkStanding, entry: ConsentEntry) -> dict[str, str]:
    claims = standing.claims
    return {
        "channel": channel_label(lang, claims.channel.value),
        "purpose": purpose_label(lang, claims.purpose),
        "date": date_label(lang, entry.until) if entry.until else "",
    }


def scope_line(lang: str, standing: LinkStanding) -> str:
    """The state of the link's channel × purpose."""
    entry = standing.scope
    key = {OUT: "now_out", SNOOZED: "now_snoozed"}.get(entry.status, "now_open")
    return TEXTS[lang][key].format(**_words(lang, standing, entry))


def marketing_line(lang: str, standing: LinkStanding) -> str:
    """The state of all marketing on every channel."""
    entry = standing.all_marketing
    key = {OUT: "all_out", SNOOZED: "all_snoozed"}.get(entry.status, "all_open")
    return TEXTS[lang][key].format(**_words(lang, standing, entry))


def done_message(lang: str, standing: LinkStanding, choice: str) -> str:
    """What a choice did, judged by the state now (a refresh never claims too much)."""
    text = TEXTS[lang]
    scope = standing.scope.status
    if standing.erased:
        return text["erased"]
    if choice == "all_marketing":
        if standing.all_marketing.status is OUT:
            return text["done_all_marketing"]
        return marketing_line(lang, standing)
    words = _words(lang, standing, standing.scope)
    if choice == "topic" and scope is OUT:
        return text["done_topic"].format(**words)
    if choice.startswith("snooze_") and scope is SNOOZED:
        return text["done_snooze"].format(**words)
    if choice.startswith("snooze_") and scope is OUT:
        return text["done_snooze_while_out"].format(**words)
    return scope_line(lang, standing)
