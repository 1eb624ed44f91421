"""Where stock is held or orders are fulfilled from."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from ._base import CanonicalDocument, NonEmptyStr, schema_version_field
from .party import Address

__all__ = ["LocationKind", "Location"]


class LocationKind(StrEnum):
    WAREHOUSE = "warehouse"
    STORE = "store"
    THIRD_PARTY_LOGISTICS = "3pl"
    DROPSHIP_PARTNER = "dropship_partner"


class Location(CanonicalDocument):
    """A stock-holding place. ``id`` is Crossdock's code for it; systems' own IDs live in the xref table."""

    schema_version: str = schema_version_field()
    id: NonEmptyStr
    name: str
    kind: LocationKind
    address: Address | None = None
    partner_id: str | None = Field(default=None, description="The EDI partner profile for dropship partners and 3PLs.")
    active: bool = True
