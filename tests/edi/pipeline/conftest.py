"""Partner profiles (the shipped examples) and a scratch state store for the pipeline's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from crossdock.edi.partners import PartnerProfile, load_partners
from crossdock.runtime.state import StateStore, open_store

PARTNER_FOLDER = Path(__file__).resolve().parents[3] / "config" / "partners"


@pytest.fixture(scope="session")
def partners() -> dict[str, PartnerProfile]:
    return load_partners(PARTNER_FOLDER)


@pytest.fixture(scope="session")
def acme(partners: dict[str, PartnerProfile]) -> PartnerProfile:
    """A dropship supplier on 004010VICS that answers with 997s within 24 hours."""
    return partners["acme-dropship"]


@pytest.fixture(scope="session")
def bigbox(partners: dict[str, PartnerProfile]) -> PartnerProfile:
    """A retailer on 005010 that wants 997s (not 999s)."""
    return partners["bigbox-retail"]


@pytest.fixture
def state_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'state.db'}"


@pytest.fixture
async def store(state_url: str) -> AsyncIterator[StateStore]:
    opened = await open_store(state_url)
    try:
        yield opened
    finally:
        await opened.close()
