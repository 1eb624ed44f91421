"""Names the partner connector gives things in the state store, and the bytes it sends."""

from __future__ import annotations

import unicodedata

__all__ = ["po_ledger_key", "ack_ledger_key", "x12_bytes"]


def po_ledger_key(partner_id: str, po_number: str) -> str:
    """Ledger key of a PO sent to the partner; its external ID is a digest of what was sent."""
    return f"edi-850:{partner_id}:{po_number}"


def ack_ledger_key(mailbox_name: str, claim_id: str, arrival: int) -> str:
    """Ledger key of the acknowledgments we send for one inbound file (one arrival of it)."""
    return f"edi-ack:{mailbox_name}:{claim_id}:{arrival}"


def x12_bytes(text: str) -> bytes:
    """X12 as bytes: accents folded to ASCII (partners read X12's character set, not UTF-8)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
