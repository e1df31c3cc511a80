"""The action catalog: actions, their economics, and the versioned documents they come from.

Pure and standard-library only: ``parse_catalog`` validates a document (read from TOML or
YAML by the engine) into a ``Catalog``; ``catalog_document`` gives the normalised document
the store keeps, and ``document_digest`` its identity.
"""

from __future__ import annotations

from cortesia.domain.catalog.actions import (
    Action,
    Category,
    ChannelTreatment,
    ConsentAsk,
    SendWindow,
    Texts,
)
from cortesia.domain.catalog.compiled import Catalog
from cortesia.domain.catalog.document import (
    action_document,
    catalog_document,
    document_digest,
    economics_document,
    rule_document,
)
from cortesia.domain.catalog.economics import Economics
from cortesia.domain.catalog.parse import CatalogRejected, parse_action, parse_catalog

__all__ = [
    "Action",
    "Catalog",
    "CatalogRejected",
    "Category",
    "ChannelTreatment",
    "ConsentAsk",
    "Economics",
    "SendWindow",
    "Texts",
    "action_document",
    "catalog_document",
    "document_digest",
    "economics_document",
    "parse_action",
    "parse_catalog",
    "rule_document",
]
