"""Inbound dispatch: one transaction set in, canonical documents and issues out, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from ..envelope import FunctionalGroup, Interchange, TransactionSet
from ..partners import PartnerProfile, partner_for_interchange
from ..reader import StreamedTransactionSet
from ..segments import Segment
from ._acknowledgement import translate_855
from ._context import SetContext
from ._functional_ack import translate_functional_ack
from ._inventory import translate_846
from ._invoice import translate_810
from ._purchase_order import translate_850
from ._result import TranslatedDocument, TranslationResult
from ._ship_notice import translate_856

__all__ = ["translate_set", "translate_interchange", "TRANSLATED_SETS"]

logger = logging.getLogger("crossdock.edi.translate")

_Translator = Callable[[SetContext], tuple[Sequence[TranslatedDocument], str | None]]


def _functional(ctx: SetContext) -> tuple[list[TranslatedDocument], str | None]:
    return list(translate_functional_ack(ctx)), None


_TRANSLATORS: dict[str, _Translator] = {
    "850": translate_850,
    "855": translate_855,
    "856": translate_856,
    "846": translate_846,
    "810": translate_810,
    "997": _functional,
    "999": _functional,
}
TRANSLATED_SETS = frozenset(_TRANSLATORS)


def _body(transaction_set: TransactionSet | StreamedTransactionSet) -> tuple[list[Segment], bool]:
    """The segments between ST and SE, and whether they were available at all."""
    if isinstance(transaction_set, StreamedTransactionSet):
        segments = list(transaction_set)
        start = 1 if segments and segments[0].id == "ST" else 0
        end = -1 if segments and segments[-1].id == "SE" and len(segments) > start else None
        return segments[start:end], True
    if transaction_set.streamed and not transaction_set.segments:
        return [], False
    return list(transaction_set.body), True


def translate_set(
    transaction_set: TransactionSet | StreamedTransactionSet,
    *,
    interchange: Interchange | None = None,
    group: FunctionalGroup | None = None,
    partner: PartnerProfile | None = None,
) -> TranslationResult:
    """Translate one set by its ST01: 850, 855, 856, 846, 810, 997 or 999.

    ``interchange`` and ``group`` give the context (dates, control numbers in issues, the release
    for old date formats); a streamed set brings its own.  Without ``partner``, a stand-in with
    default settings named after the sender is used.  Bad partner data gives issues, never an
    exception; an unexpected failure of Crossdock's own is reported as an ``internal-error`` issue.
    """
    if isinstance(transaction_set, StreamedTransactionSet):
        interchange = interchange or transaction_set.interchange
        group = group or transaction_set.group
        header = transaction_set.transaction_set
    else:
        header = transaction_set
    if partner is None:
        if interchange is not None:
            partner = PartnerProfile.anonymous(interchange.sender_qualifier, interchange.sender_id)
        else:
            partner = PartnerProfile.anonymous("ZZ", group.application_sender if group is not None else "unknown")
    body, available = _body(transaction_set)
    ctx = SetContext(
        partner=partner,
        set_id=header.id,
        control_number=header.control_number,
        body=body,
        interchange=interchange,
        group=group,
    )
    result = TranslationResult(set_id=header.id, control_number=header.control_number, partner_id=partner.id)
    translator = _TRANSLATORS.get(header.id)
    if translator is None:
        ctx.issue(None, f"Crossdock does not translate {header.id!r} transaction sets", code="not-translated")
    elif not available:
        ctx.issue(None, "the set was read streamed and its segments were not kept", code="no-segments")
    else:
        if not partner.sends(header.id) and partner.documents.inbound:
            ctx.warn(None, f"partner {partner.id} is not set up to send {header.id} (documents.inbound)", code="unexpected-set")
        try:
            documents, purpose = translator(ctx)
        except Exception as exc:  # noqa: BLE001 - a translator bug must not stop the other sets
            logger.exception("translating %s %s from %s failed", header.id, header.control_number, partner.id)
            ctx.issue(None, f"internal error while translating: {type(exc).__name__}: {exc}", code="internal-error")
            documents, purpose = [], None
        result.documents = list(documents)
        result.purpose_code = purpose
    result.issues = ctx.issues
    return result


def translate_interchange(
    interchange: Interchange,
    partners: PartnerProfile | Mapping[str, PartnerProfile] | Iterable[PartnerProfile] | None = None,
) -> Iterator[TranslationResult]:
    """Every set of a materialised interchange, with the partner found from its ISA sender and receiver.

    ``partners`` is one profile, profiles by id (as :func:`load_partners` gives them) or any
    iterable of profiles; when none matches, the anonymous stand-in is used.
    """
    if isinstance(partners, PartnerProfile):
        partner: PartnerProfile | None = partners
    else:
        candidates = list(partners.values()) if isinstance(partners, Mapping) else list(partners or [])
        partner = partner_for_interchange(candidates, interchange)
    for group in interchange.groups:
        for transaction_set in group.transaction_sets:
            yield translate_set(transaction_set, interchange=interchange, group=group, partner=partner)
