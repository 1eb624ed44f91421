"""crossdock.edi.translate: X12 transaction sets to Crossdock's canonical documents and back.

Inbound, :func:`translate_set` turns one set into documents by its ST01 (850 → PurchaseOrder,
855 → OrderAcknowledgement, 856 → Shipments, 846 → StockLevels, 810 → Invoice, 997/999 →
FunctionalAcknowledgement), reporting untranslatable partner data as located issues, never as an
exception.  Outbound, ``render_850/855/856/846/810`` build set bodies in a partner's codes and
:func:`render_interchange` wraps them in envelopes with control numbers from the state store.
How a partner's documents look is its :class:`~crossdock.edi.partners.PartnerProfile`.
"""

from ._acknowledgement import render_855
from ._build import RenderedSet
from ._functional_ack import AcknowledgedElement, AcknowledgedSegment, FunctionalAcknowledgement, SetAcknowledgement
from ._inbound import TRANSLATED_SETS, translate_interchange, translate_set
from ._interchange import (
    ControlNumbers,
    EnvelopeNumbers,
    SequenceStore,
    SequentialControlNumbers,
    StoreControlNumbers,
    allocate_control_numbers,
    build_interchange,
    interchange_text,
    render_interchange,
)
from ._inventory import render_846
from ._invoice import render_810
from ._order import purchase_order_to_order
from ._purchase_order import render_850
from ._result import TranslatedDocument, TranslationResult
from ._ship_notice import render_856

__all__ = [
    # inbound
    "translate_set",
    "translate_interchange",
    "TranslationResult",
    "TranslatedDocument",
    "TRANSLATED_SETS",
    "FunctionalAcknowledgement",
    "SetAcknowledgement",
    "AcknowledgedSegment",
    "AcknowledgedElement",
    "purchase_order_to_order",
    # outbound
    "RenderedSet",
    "render_850",
    "render_855",
    "render_856",
    "render_846",
    "render_810",
    "render_interchange",
    "interchange_text",
    "build_interchange",
    "allocate_control_numbers",
    "EnvelopeNumbers",
    "ControlNumbers",
    "SequenceStore",
    "StoreControlNumbers",
    "SequentialControlNumbers",
]
