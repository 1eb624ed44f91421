"""Fixtures every test folder may use: where ``../shared`` (vendor specs, EDI samples) is.

CI clones the repository with ``shared/`` beside it; ``CROSSDOCK_SHARED`` overrides the location. Tests that
need a folder that is absent skip with a reason saying so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CROSSDOCK_SHARED", REPO.parent / "shared"))


def _shared(sub: str) -> Path:
    path = SHARED / sub
    if not path.is_dir():
        pytest.skip(f"{path} is absent: these tests read the shared {sub} (set CROSSDOCK_SHARED to its parent)")
    return path


@pytest.fixture(scope="session")
def edi_samples_dir() -> Path:
    return _shared("edi-samples")


@pytest.fixture(scope="session")
def vendor_specs_dir() -> Path:
    return _shared("vendor-specs")
