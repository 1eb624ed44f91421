"""crossdock.edi: read X12 as partners send it, check its envelopes, write X12 and acknowledge it.

Reading streams in bounded memory and never refuses bytes for their encoding; envelope findings
are :class:`X12Issue` values (X12 codes, so acks are built from them directly); the only
exception for bad input is :class:`X12ReadError`.  pyx12 validation lives in
``crossdock.edi.validation_pyx12`` and is fed by :func:`prepare_for_pyx12`.
"""

from .acks import (
    GroupVerdict,
    SetVerdict,
    ack_separators,
    build_997,
    build_999,
    build_functional_ack,
    build_ta1,
    judge_group,
    ta1_segment,
)
from .envelope import EnvelopeEvent, FunctionalGroup, Interchange, TransactionSet
from .errors import (
    ElementError,
    GroupError,
    InterchangeNote,
    SegmentError,
    SetError,
    X12Issue,
    X12ReadError,
    X12WriteError,
)
from .reader import (
    Pyx12Input,
    StreamedTransactionSet,
    iter_envelope_events,
    iter_interchanges,
    iter_segments,
    iter_transaction_sets,
    normalise_for_pyx12,
    prepare_for_pyx12,
    read_interchanges,
)
from .segments import STANDARD_SEPARATORS, Segment, SegmentPosition, Separators
from .writer import (
    OutboundGroup,
    OutboundInterchange,
    OutboundSet,
    X12Writer,
    envelope,
    iter_interchange_segments,
    render_interchange,
    render_segments,
)

__all__ = [
    # reading
    "iter_segments",
    "iter_transaction_sets",
    "iter_envelope_events",
    "iter_interchanges",
    "read_interchanges",
    "StreamedTransactionSet",
    "EnvelopeEvent",
    "prepare_for_pyx12",
    "normalise_for_pyx12",
    "Pyx12Input",
    # model
    "Segment",
    "SegmentPosition",
    "Separators",
    "STANDARD_SEPARATORS",
    "Interchange",
    "FunctionalGroup",
    "TransactionSet",
    # findings
    "X12Issue",
    "X12ReadError",
    "X12WriteError",
    "InterchangeNote",
    "GroupError",
    "SetError",
    "SegmentError",
    "ElementError",
    # writing
    "X12Writer",
    "OutboundInterchange",
    "OutboundGroup",
    "OutboundSet",
    "envelope",
    "iter_interchange_segments",
    "render_interchange",
    "render_segments",
    # acknowledging
    "build_997",
    "build_999",
    "build_functional_ack",
    "build_ta1",
    "ta1_segment",
    "judge_group",
    "GroupVerdict",
    "SetVerdict",
    "ack_separators",
]
