"""One version of the catalog, compiled: its actions indexed for the decision."""

from __future__ import annotations

from dataclasses import dataclass, field

from cortesia.domain.catalog.actions import Action
from cortesia.domain.catalog.economics import Economics
from cortesia.domain.vocabulary import Channel
from cortesia.errors import NotFoundError

_NONE: tuple[Action, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Catalog:
    """The actions and settings of one catalog version.

    The indexes a decision reads on every call (actions by channel, by id, and the
    variables the rules read) are built once, when the version is compiled.

    >>> Catalog(version=0, digest="", actions=(), economics=Economics()).for_channel(
    ...     Channel.SMS)
    ()
    """

    version: int
    digest: str
    actions: tuple[Action, ...]
    economics: Economics
    name: str = "catalog"
    _by_id: dict[str, Action] = field(init=False, repr=False)
    _by_channel: dict[Channel, tuple[Action, ...]] = field(init=False, repr=False)
    _names: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_channel: dict[Channel, list[Action]] = {}
        for action in self.actions:
            for channel in action.channels:
                by_channel.setdefault(channel, []).append(action)
        names = frozenset[str]().union(*(a.names_read() for a in self.actions))
        # Frozen: the indexes are derived once, here, and never change.
        object.__setattr__(self, "_by_id", {a.action_id: a for a in self.actions})
        object.__setattr__(self, "_by_channel", {c: tuple(a) for c, a in by_channel.items()})
        object.__setattr__(self, "_names", names)

    def action(self, action_id: str) -> Action:
        """The action with this id; ``NotFoundError`` when the catalog has none."""
        found = self._by_id.get(action_id)
        if found is None:
            raise NotFoundError("action", action_id)
        return found

    def for_channel(self, channel: Channel) -> tuple[Action, ...]:
        """The actions that offer ``channel``, in catalog order (precomputed)."""
        return self._by_channel.get(channel, _NONE)

    def names_read(self) -> frozenset[str]:
        """Every variable any rule of the catalog reads."""
        return self._names
