"""Inbound documents for the ack and writer tests, written with Crossdock's own writer."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from crossdock.edi import (
    Interchange,
    OutboundGroup,
    OutboundInterchange,
    OutboundSet,
    Segment,
    Separators,
    read_interchanges,
    render_interchange,
)

WHEN = datetime(2024, 3, 4, 5, 6)
PARTNER = Separators(element="*", component=">", segment="~", repetition="^")

# Same rule as tests/conftest.py: ``shared/`` beside the repository, or CROSSDOCK_SHARED.
REPO = Path(__file__).resolve().parents[3]
SAMPLES_DIR = Path(os.environ.get("CROSSDOCK_SHARED", REPO.parent / "shared")) / "edi-samples"
SAMPLE_FILES = sorted(SAMPLES_DIR.glob("*.edi")) if SAMPLES_DIR.is_dir() else []


def sample_params() -> list[object]:
    """One pytest param per outside sample (a single skipped param when the folder is absent)."""
    if not SAMPLE_FILES:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{SAMPLES_DIR} is absent"), id="no-samples")]
    return [pytest.param(path, id=path.name) for path in SAMPLE_FILES]


def purchase_order(number: str = "PO-1") -> list[Segment]:
    return [
        Segment("BEG", ["00", "SA", number, "", "20240102"]),
        Segment("PO1", ["1", "2", "EA", "9.5", "", "VN", "WIDGET"]),
        Segment("CTT", ["1"]),
    ]


def inbound(
    *,
    sets: int = 1,
    version: str = "00401",
    gs08: str = "004010",
    functional_id: str = "PO",
    set_id: str = "850",
    ack_requested: bool = False,
    separators: Separators = PARTNER,
    line_breaks: bool = False,
) -> bytes:
    """A partner's interchange (sender PARTNER, receiver CROSSDOCK) holding one group."""
    outbound = OutboundInterchange(
        sender_qualifier="ZZ",
        sender_id="PARTNER",
        receiver_qualifier="12",
        receiver_id="CROSSDOCK",
        control_number=4321,
        version=version,
        ack_requested=ack_requested,
        created_at=datetime(2024, 1, 2, 12, 0),
        groups=[
            OutboundGroup(
                functional_id=functional_id,
                application_sender="PARTNERAPP",
                application_receiver="CROSSDOCKAPP",
                control_number=77,
                version=gs08,
                transaction_sets=[
                    OutboundSet(set_id, number, purchase_order(f"PO-{number}")) for number in range(1, sets + 1)
                ],
                created_at=datetime(2024, 1, 2, 12, 0),
            )
        ],
    )
    return render_interchange(outbound, separators, line_breaks=line_breaks).encode("latin-1")


def read_one(data: bytes) -> Interchange:
    [interchange] = read_interchanges(data)
    return interchange


def texts(segments: list[Segment]) -> list[str]:
    return [str(segment) for segment in segments]
