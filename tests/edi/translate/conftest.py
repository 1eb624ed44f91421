"""Partner profiles for the translation tests: the two shipped examples, loaded as users load them."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossdock.edi.partners import PartnerProfile, load_partners

PARTNER_FOLDER = Path(__file__).resolve().parents[3] / "config" / "partners"


@pytest.fixture(scope="session")
def partners() -> dict[str, PartnerProfile]:
    return load_partners(PARTNER_FOLDER)


@pytest.fixture(scope="session")
def acme(partners: dict[str, PartnerProfile]) -> PartnerProfile:
    """A dropship supplier on 004010VICS (we send 850s; it sends 855/856/846)."""
    return partners["acme-dropship"]


@pytest.fixture(scope="session")
def bigbox(partners: dict[str, PartnerProfile]) -> PartnerProfile:
    """A retailer on 005010 (it sends 850s; we send 855/856/810)."""
    return partners["bigbox-retail"]
