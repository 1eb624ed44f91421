"""Builders of small X12 inputs and access to the shared outside samples, for the reader tests."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

# Same rule as tests/conftest.py: ``shared/`` beside the repository, or CROSSDOCK_SHARED.
REPO = Path(__file__).resolve().parents[3]
SAMPLES_DIR = Path(os.environ.get("CROSSDOCK_SHARED", REPO.parent / "shared")) / "edi-samples"

SAMPLE_FILES = sorted(SAMPLES_DIR.glob("*.edi")) if SAMPLES_DIR.is_dir() else []

requires_samples = pytest.mark.skipif(
    not SAMPLE_FILES, reason=f"the outside X12 samples folder {SAMPLES_DIR} is absent"
)


def sample_params() -> list[object]:
    """One pytest param per sample file (a single skipped param when the folder is absent)."""
    if not SAMPLE_FILES:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{SAMPLES_DIR} is absent"), id="no-samples")]
    return [pytest.param(path, id=path.name) for path in SAMPLE_FILES]


PURCHASE_ORDER = ["BEG*00*SA*PO-1**20240102", "PO1*1*2*EA*9.5**VN*WIDGET", "CTT*1"]

Group = tuple[str, str, Sequence[tuple[str, Sequence[str]]]]


def isa(
    control: int = 1,
    *,
    version: str = "00401",
    ack_requested: str = "0",
    element: str = "*",
    component: str = ">",
    repetition: str = "U",
    sender: str = "SENDER",
    receiver: str = "RECEIVER",
    usage: str = "P",
) -> str:
    """A fixed-width (106 characters with its terminator) ISA, without the terminator."""
    fields = [
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        sender.ljust(15),
        "ZZ",
        receiver.ljust(15),
        "240102",
        "1200",
        repetition,
        version,
        f"{control:09d}",
        ack_requested,
        usage,
        component,
    ]
    return element.join(["ISA", *fields])


def segments(
    groups: Sequence[Group] = (("PO", "004010", [("850", PURCHASE_ORDER)]),),
    *,
    control: int = 1,
    version: str = "00401",
    ack_requested: str = "0",
    element: str = "*",
    component: str = ">",
    repetition: str = "U",
) -> list[str]:
    """The segments (without terminators) of one interchange with correct counts and control numbers.

    Bodies are written with ``*``; it is swapped for ``element``.
    """
    out = [isa(control, version=version, ack_requested=ack_requested, element=element, component=component, repetition=repetition)]
    for group_number, (functional_id, gs08, sets) in enumerate(groups, start=1):
        body: list[str] = [f"GS*{functional_id}*SENDER*RECEIVER*20240102*1200*{group_number}*X*{gs08}"]
        for set_number, (set_id, set_body) in enumerate(sets, start=1):
            st02 = f"{set_number:04d}"
            body += [f"ST*{set_id}*{st02}", *set_body, f"SE*{len(set_body) + 2}*{st02}"]
        body.append(f"GE*{len(sets)}*{group_number}")
        out += [segment.replace("*", element) for segment in body]
    out.append(f"IEA*{len(groups)}*{control:09d}".replace("*", element))
    return out


def x12(*interchanges: list[str], terminator: str = "~", line_break: str = "") -> bytes:
    """Join interchanges' segments into the bytes a partner would send (latin-1)."""
    if not interchanges:
        interchanges = (segments(),)
    text = "".join(segment + terminator + line_break for interchange in interchanges for segment in interchange)
    return text.encode("latin-1")
