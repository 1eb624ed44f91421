"""Where things go and who they belong to: addresses, contacts, references to records in other systems."""

from __future__ import annotations

from pydantic import Field

from ._base import CanonicalModel, CountryCode, NonEmptyStr

__all__ = ["Address", "Contact", "SourceRef"]


class Address(CanonicalModel):
    """A postal address. ``region`` is the state/province code where the country uses one (CA, ON, NSW)."""

    name: str | None = None
    company: str | None = None
    line1: str | None = None
    line2: str | None = None
    line3: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: CountryCode
    phone: str | None = None
    email: str | None = None


class Contact(CanonicalModel):
    """A person or organisation to talk to: the customer of an order, a supplier's contact."""

    name: str | None = None
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    external_id: str | None = Field(default=None, description="The customer's ID in the source system.")


class SourceRef(CanonicalModel):
    """Identifies a record in the system it came from: ``shopify`` / ``gid://shopify/Order/1``."""

    system: NonEmptyStr
    id: NonEmptyStr

    def __str__(self) -> str:
        return f"{self.system}:{self.id}"
