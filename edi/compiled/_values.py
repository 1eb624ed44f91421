"""What a single X12 value must look like for its data type, decided with str methods, not regex.

pyx12 4.0.0 decides these with regular expressions and ``int()`` calls on every value; the rules are
restated here as plain string tests with exactly pyx12's outcome (its quirks included: an ``R``
value may be a lone ``-``, a time is compared as text, a two-digit year below 50 is 20xx).

Values are judged as pyx12 sees them after Crossdock's normaliser (``prepare_for_pyx12``): a
character that is not printable ASCII is replaced first (:func:`as_pyx12_text`), so a partner's
``é`` is accepted as pyx12 accepts the ``e`` it is shown, and a tab is a space.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

__all__ = [
    "as_pyx12_text",
    "type_checker",
    "quick_pass",
    "DATE_TYPES",
    "TIME_TYPE",
]

DATE_TYPES = frozenset({"RD8", "DT", "D8", "D6"})
TIME_TYPE = "TM"


def as_pyx12_text(value: str) -> str:
    """The value as the normaliser hands it to pyx12: printable ASCII only.

    Accented letters lose their accent when that leaves one letter, other non-ASCII characters
    become ``?`` and control characters become spaces, one character for one (lengths are kept).
    """
    if value.isascii() and value.isprintable():
        return value
    out: list[str] = []
    for char in value:
        code = ord(char)
        if 0x20 <= code < 0x7F:
            out.append(char)
        elif code < 0x20 or code == 0x7F:
            out.append(" ")
        else:
            base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
            out.append(base if len(base) == 1 and base.isprintable() else "?")
    return "".join(out)


def _digits(value: str) -> bool:
    return value.isdigit() and value.isascii()


def is_number(value: str) -> bool:
    """``N``/``N0``–``N9``: an optional minus sign and ASCII digits (an implied decimal is not checked)."""
    body = value[1:] if value[:1] == "-" else value
    return _digits(body)


def is_decimal(value: str) -> bool:
    """``R``: optional minus, digits, optional ``.digits``; as in pyx12 a lone ``-`` passes."""
    body = value[1:] if value[:1] == "-" else value
    whole, dot, fraction = body.partition(".")
    if whole and not _digits(whole):
        return False
    return not dot or _digits(fraction)


def is_time(value: str) -> bool:
    """``TM``: HHMM[SS[dd]] compared as text (pyx12 does not reject ``1`` or ``12``; lengths do)."""
    if not _digits(value):
        return False
    if value[0:2] > "23" or value[2:4] > "59":
        return False
    if len(value) > 4:
        if len(value) < 6 or value[4:6] > "59" or len(value) > 8:
            return False
    return True


_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_date(value: str, fixed_length: int | None) -> bool:
    if fixed_length is not None and len(value) != fixed_length:
        return False
    if not _digits(value) or len(value) not in (6, 8, 12):
        return False
    full = value
    if len(value) == 6:
        full = ("20" if int(value[0:2]) < 50 else "19") + value
    year, month, day = int(full[0:4]), int(full[4:6]), int(full[6:8])
    if year < 1800 or not 1 <= month <= 12:
        return False
    if month == 2:
        leap = year % 4 == 0 and not (year % 100 == 0 and year % 400 != 0)
        if not 1 <= day <= (29 if leap else 28):
            return False
    elif not 1 <= day <= _DAYS[month]:
        return False
    return len(full) != 12 or is_time(full[8:12])


def is_date(value: str) -> bool:
    """``DT``: CCYYMMDD, YYMMDD or CCYYMMDDHHMM, a real calendar date from 1800."""
    return _is_date(value, None)


def is_date8(value: str) -> bool:
    return _is_date(value, 8)


def is_date6(value: str) -> bool:
    return _is_date(value, 6)


def is_date_range(value: str) -> bool:
    """``RD8``: two CCYYMMDD dates joined by ``-`` (pyx12 crashes on a second ``-``; here it is invalid)."""
    start, dash, end = value.partition("-")
    return bool(dash) and "-" not in end and is_date8(start) and is_date8(end)


def _anything(value: str) -> bool:
    return True


def _nothing(value: str) -> bool:
    return False


def type_checker(data_type: str | None, *, extended_5010: bool) -> Callable[[str], bool] | None:
    """The test a non-empty value of ``data_type`` must pass, or ``None`` when any text passes.

    ``AN``/``ID`` use X12's extended character set; on a 00401 map (``extended_5010`` false) it
    lacks ``^`` and backquote, on a 00501 map every printable ASCII character is allowed, and
    values are already printable ASCII by then (:func:`as_pyx12_text`).  An unknown type fails
    every value, as in pyx12.
    """
    if not data_type:
        return None
    if data_type[0] == "N":
        return is_number
    if data_type == "R":
        return is_decimal
    if data_type in ("ID", "AN"):
        if extended_5010:
            return None
        return lambda value: "^" not in value and "`" not in value
    if data_type == "DT":
        return is_date
    if data_type == "D8":
        return is_date8
    if data_type == "D6":
        return is_date6
    if data_type == "RD8":
        return is_date_range
    if data_type == TIME_TYPE:
        return is_time
    if data_type == "B":
        return _anything
    return _nothing


def quick_pass(data_type: str | None, min_len: int, max_len: int, *, extended_5010: bool) -> Callable[[str], bool] | None:
    """A test that is true only of values that pass every check of an element without a code list:
    the common cases (plain text, digits, a decimal), decided in a few string operations.

    It may say false for a valid value (the full check then runs); it never says true for an invalid
    one.  Callers have already made sure the value is printable ASCII and holds no component separator.
    """
    if not data_type:
        return None
    if data_type in ("AN", "ID"):
        if extended_5010:
            return lambda value: min_len <= len(value) <= max_len and value[-1] != " "
        return lambda value: min_len <= len(value) <= max_len and value[-1] != " " and "^" not in value and "`" not in value
    if data_type[0] == "N":
        return lambda value: value.isdigit() and min_len <= len(value) <= max_len

    if data_type == "R":

        def decimal(value: str) -> bool:
            digits = value.replace(".", "", 1)
            return digits.isdigit() and value[-1] != "." and min_len <= len(digits) <= max_len

        return decimal
    return None
