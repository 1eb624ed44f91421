"""Shared configuration and small value types of the canonical models.

Strictness is chosen where coercion could lose or invent data: unknown fields are rejected (a typo in a
mapping must not silently vanish), money is never built from a float, quantities are integers only,
timestamps must carry a time zone, and codes (currency, country) are checked against ISO lists.
Plain strings stay lenient about whitespace because real payloads are messy.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, Strict

from ._codes import COUNTRY_CODES, CURRENCY_CODES

SCHEMA_VERSION = "1.0"
"""Version of the canonical schema; bumped on any change a stored payload or a mapping could notice."""


class CanonicalModel(BaseModel):
    """Base of every canonical model."""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        str_strip_whitespace=True,
        populate_by_name=True,
        use_enum_values=False,
        ser_json_timedelta="iso8601",
    )


class CanonicalDocument(CanonicalModel):
    """Base of the top-level documents (order, shipment, stock level …) that flows carry.

    Only documents carry the private origin key: a private attribute makes pydantic run its post-init on
    every instance, and an order holds dozens of nested values (money, addresses, lines) that need none.
    """

    _origin_key: str | None = PrivateAttr(default=None)
    """The source system's ID of the record this document was read from (not part of the document).

    Set by the runtime before operations run and kept by ``model_copy``, so a record an operation changes
    (routing sets line locations) still carries its trace key to the sink, the ledger and the error queue.
    """


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamp must include a time zone (naive datetimes are ambiguous across systems)")
    return value


def _currency(value: str) -> str:
    code = value.upper()
    if code not in CURRENCY_CODES:
        raise ValueError(f"'{value}' is not an ISO 4217 currency code")
    return code


def _country(value: str) -> str:
    code = value.upper()
    if code not in COUNTRY_CODES:
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return code


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
CurrencyCode = Annotated[str, Field(min_length=3, max_length=3), AfterValidator(_currency)]
CountryCode = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_country)]
Quantity = Annotated[int, Strict(), Field(ge=0)]
"""A count of units: an integer, never negative, never coerced from '3' or 3.0."""
SignedQuantity = Annotated[int, Strict()]
"""A count that may go negative (oversold on-hand, adjustments)."""
Sku = Annotated[str, Field(min_length=1, max_length=255)]
NonEmptyStr = Annotated[str, Field(min_length=1)]


def schema_version_field() -> Any:
    """The ``schema_version`` field every top-level document carries, so stored payloads say what they are."""
    return Field(default=SCHEMA_VERSION, description="Canonical schema version of this document.")
