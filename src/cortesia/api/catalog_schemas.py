"""Request bodies of the catalog endpoints (pydantic, API only).

The fields inside a catalog and its actions are validated by the same parser as catalog
files (``cortesia.domain.catalog``), so an API caller and a file author get the same
errors, named by the same paths (``actions[2].channels.sms.cost``); docs/catalog.md
describes every field.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_STRICT = ConfigDict(strict=True, extra="forbid")

ACTION_EXAMPLE: dict[str, Any] = {
    "id": "data_pack_5gb",
    "name": {"es": "Paquete 5 GB", "en": "5 GB data pack"},
    "text": {"es": "Suma 5 GB por 5 USD.", "en": "Add 5 GB for USD 5."},
    "group": "sales/data_packs",
    "category": "sales",
    "purpose": "marketing",
    "value": "0.2 * monthly_charges * 12",
    "eligibility": 'internet_service != "No" and contacts_7d < 3',
    "levers": 1.2,
    "cool_off_days": 7,
    "channels": {
        "sms": {
            "treatment": "sms_data_pack_5gb",
            "cost": 0.02,
            "window": "09:00-20:00",
            "daily_limit": 5000,
        }
    },
}
SETTINGS_EXAMPLE: dict[str, Any] = {
    "name": "Telco",
    "time_zone": "America/Bogota",
    "threshold": 0.0,
    "default_eroded_value": 150.0,
    "eroded_value": {"premium": 900.0},
    "accept_prior": [1, 49],
    "opt_out_prior": [1, 999],
}


class CatalogIn(BaseModel):
    """A whole catalog: its settings and every action; saved as a new version."""

    model_config = _STRICT
    catalog: dict[str, Any] = Field(
        default_factory=dict,
        description="catalog-wide settings: name, time_zone, threshold, eroded values, priors",
        examples=[SETTINGS_EXAMPLE],
    )
    actions: list[Any] = Field(
        default_factory=list,
        description="the actions, each as in a catalog file's [[actions]] table",
        examples=[[ACTION_EXAMPLE]],
    )

    def document(self) -> dict[str, Any]:
        """The catalog document the engine validates."""
        return {"catalog": self.catalog, "actions": self.actions}
