"""Keep secrets out of logs, error payloads and exceptions.

Every secret Crossdock resolves (from ``${env:…}``, ``${file:…}`` or a ``SecretStr`` config field) is
registered here once; everything that leaves the process as text (log records, error-queue payloads,
exception messages shown by the CLI) passes through :func:`redact`.  Matching by *value* rather than
by field name is what makes this hold for secrets that end up somewhere unexpected, such as a token
echoed back in an API error body.

Also redacts well-known credential fields by *name* (``access_token``, ``Authorization`` …) so a
secret we never saw (a freshly minted access token) is still hidden.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "MASK",
    "SENSITIVE_NAMES",
    "register_secret",
    "registered_secret_count",
    "redact",
    "redact_value",
    "is_sensitive_name",
    "RedactingFilter",
]

MASK = "***"

#: Field, header and query-parameter names whose values are always masked, whatever they hold.
SENSITIVE_NAMES = re.compile(
    r"(pass(word)?|secret|token|api[-_]?key|authorization|signature|credential|private[-_]?key|"
    r"cookie|session|hmac|client[-_]?secret|refresh|bearer)",
    re.IGNORECASE,
)

_MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words and numbers
_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None


def register_secret(value: str | None) -> None:
    """Remember a secret value so that :func:`redact` masks it wherever it appears."""
    global _pattern
    if not value or len(value) < _MIN_SECRET_LENGTH:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        # Longest first, so a secret that contains another is masked whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def registered_secret_count() -> int:
    """How many distinct secrets are registered (for diagnostics; never the values)."""
    return len(_secrets)


@functools.lru_cache(maxsize=4096)
def is_sensitive_name(name: str) -> bool:
    """Whether a field/header/parameter name conventionally holds a credential.

    Cached: it is asked for every header of every request and every key of every redacted payload,
    and the names repeat (a regex search each time was a visible share of a request's cost).
    """
    return bool(SENSITIVE_NAMES.search(name))


def redact(text: str) -> str:
    """Mask every registered secret in ``text``."""
    pattern = _pattern
    if pattern is None or not text:
        return text
    return pattern.sub(MASK, text)


def redact_value(value: Any) -> Any:
    """Deep-copy ``value`` (JSON-like data) with secrets masked by value and credential fields by name."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {
            k: (MASK if isinstance(k, str) and is_sensitive_name(k) and v not in (None, "") else redact_value(v))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact_value(v) for v in value]
    if hasattr(value, "get_secret_value"):  # pydantic SecretStr / SecretBytes
        return MASK
    return value


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in the message, its arguments and any exception text.

    Installed on the root handlers by the CLI, so no code path has to remember to redact.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if _pattern is None:
            return True
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


