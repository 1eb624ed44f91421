"""What translating one transaction set gives: documents, and the issues that explain what is missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from crossdock.core.models import Invoice, OrderAcknowledgement, PurchaseOrder, Shipment, StockLevel

from ..errors import X12Issue
from ._functional_ack import FunctionalAcknowledgement

__all__ = ["TranslationResult", "TranslatedDocument", "PURPOSE_CANCELLATION"]

TranslatedDocument: TypeAlias = PurchaseOrder | OrderAcknowledgement | Shipment | StockLevel | Invoice | FunctionalAcknowledgement
PURPOSE_CANCELLATION = "01"


@dataclass(slots=True)
class TranslationResult:
    """The canonical documents of one transaction set and every problem met translating it.

    A document is either translated from everything that concerns it or withheld: an error issue
    names what was withheld and why (segment, position in the set, element).  Warnings say what
    was read past or assumed; the documents are complete without it.  ``purpose_code`` is the
    set's transaction purpose (BEG01, BAK01, BSN01, BIA01, BIG08): ``00`` original, ``01``
    cancellation, ``05`` replace … A cancelling 850 still yields the PO it cancels, so the
    caller can find it: act on ``is_cancellation``.
    """

    set_id: str
    control_number: str
    partner_id: str
    documents: list[TranslatedDocument] = field(default_factory=list)
    issues: list[X12Issue] = field(default_factory=list)
    purpose_code: str | None = None

    @property
    def errors(self) -> list[X12Issue]:
        return [issue for issue in self.issues if issue.is_error]

    @property
    def warnings(self) -> list[X12Issue]:
        return [issue for issue in self.issues if not issue.is_error]

    @property
    def ok(self) -> bool:
        """Nothing was withheld (warnings allowed)."""
        return not self.errors

    @property
    def is_cancellation(self) -> bool:
        return self.purpose_code == PURPOSE_CANCELLATION
