"""The engine: one object that holds a workspace's use cases."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from cortesia.domain.chain_check import Anchor
from cortesia.domain.ledger import ChainHead
from cortesia.engine.access import AccessService
from cortesia.engine.adaptive_scoring import AdaptiveScorer
from cortesia.engine.catalog import CatalogService
from cortesia.engine.consent import ConsentService
from cortesia.engine.contacts import ContactService
from cortesia.engine.customers import CustomerService
from cortesia.engine.decide import DecisionService
from cortesia.engine.dnc import DncService
from cortesia.engine.erasure import erase_customer
from cortesia.engine.eroded_value import LifetimeErodedValue, measure_dependence
from cortesia.engine.jurisdictions import PackLibrary
from cortesia.engine.ledger_audit import VerificationReport, verify_ledger
from cortesia.engine.lifetime_value import ValueParts, ValueService, customer_value_view
from cortesia.engine.options import EngineOptions
from cortesia.engine.outcomes import OutcomeService
from cortesia.engine.policy import (
    CompanyPolicySource,
    JurisdictionPacks,
    PolicyService,
    StaticCompanyPolicy,
)
from cortesia.engine.policy_facts import NoRegistries, RegistryLookup
from cortesia.engine.ports import Clock, DncRegistries, ErasureReceipt, Store
from cortesia.engine.reports import ReportService
from cortesia.engine.scoring import ActionScorer, BetaPropensity
from cortesia.engine.unsubscribe import UnsubscribeService
from cortesia.engine.uplift_book import UpliftBook
from cortesia.engine.uplift_training import UpliftTraining, train_uplift


class Engine:
    """Entry to every use case of one workspace."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        options: EngineOptions | None = None,
        *,
        registries: RegistryLookup | None = None,
        packs: JurisdictionPacks | None = None,
        company: CompanyPolicySource | None = None,
        dnc: DncRegistries | None = None,
        apply_review: bool = False,
        scorer: ActionScorer | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.options = options or EngineOptions()
        self.consent = ConsentService(store, clock)
        self.access = AccessService(store, clock)
        self.customers = CustomerService(store, clock)
        self.contacts = ContactService(store, clock)
        self.unsubscribe = UnsubscribeService(store, clock, self.consent, self.options)
        self.dnc = DncService(dnc, clock)
        self.policy = PolicyService(
            store,
            clock,
            packs if packs is not None else PackLibrary(),
            _first(registries, dnc, default=NoRegistries()),
            company if company is not None else StaticCompanyPolicy(),
            apply_review=apply_review,
        )
        refresh = self.options.shared_state_refresh_seconds
        self.catalog = CatalogService(store, clock, refresh_seconds=refresh)
        chosen, learned = _scorer(scorer, store, clock, self.options, refresh)
        eroded = LifetimeErodedValue(store, refresh)
        self.uplift = UpliftBook(store, refresh)
        self.decisions = DecisionService(
            store, clock, self.catalog, self.policy, chosen, eroded, self.uplift
        )
        # This process sees its own outcomes at once; other processes' within ``refresh``.
        self.outcomes = OutcomeService(
            store, clock, self.consent, learned=learned, catalog=self.catalog
        )
        self.reports = ReportService(store, clock, self.catalog)
        self.values = ValueService(store, clock)
        self._value_parts = ValueParts(store, self.values, eroded, self.catalog)

    def customer_value(self, customer_id: str) -> dict[str, object]:
        """The customer's lifetime value and the L of an opt-out on each channel."""
        return customer_value_view(self._value_parts, customer_id)

    def measure_contactability(
        self, days: int = 90, min_control: int = 30, until: datetime | None = None
    ) -> dict[str, Any]:
        """Measure what being contactable is worth per segment and channel (for L)."""
        return measure_dependence(self.store, self.clock, self.reports, days, min_control, until)

    def train_uplift(self, plan: UpliftTraining) -> dict[str, Any]:
        """Train uplift models per action on the control groups of the period."""
        return train_uplift(self.store, self.clock, self.reports, plan)

    def erase(self, customer_id: str, actor: str | None = None) -> ErasureReceipt:
        """Erase a customer on request; their contact points stay suppressed."""
        return erase_customer(self.store, self.clock, customer_id, actor)

    def verify_ledger(self, anchors: Sequence[Anchor] = ()) -> VerificationReport:
        """Walk the hash chain and report every break (and every anchor no longer held)."""
        return verify_ledger(self.store, anchors)

    def ledger_head(self) -> ChainHead:
        """The end of the chain now: write it down elsewhere to anchor later checks."""
        return self.store.chain_head()

    def close(self) -> None:
        self.store.close()


def _first(*found: RegistryLookup | None, default: RegistryLookup) -> RegistryLookup:
    """The first adapter given (``is not None``, not truthiness: an empty store is still one)."""
    return next((item for item in found if item is not None), default)


def _scorer(
    given: ActionScorer | None,
    store: Store,
    clock: Clock,
    options: EngineOptions,
    refresh: float,
) -> tuple[ActionScorer, Callable[[], None] | None]:
    """The scorer the options name (or the one given), and what tells it of new outcomes."""
    if given is not None:
        return given, None
    if options.scoring == "adaptive":
        adaptive = AdaptiveScorer(store, snapshots=store, refresh_seconds=refresh, now=clock.now)

        def caught_up() -> None:
            adaptive.catch_up(force=True)

        return adaptive, caught_up
    beta = BetaPropensity(store, refresh_seconds=refresh)
    return beta, beta.forget_cache
