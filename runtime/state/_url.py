"""State store URLs: which backend, where, and how to show one without its password.

``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``, ``sqlite:///:memory:``;
``postgresql://user:password@host:5432/db`` (or ``postgres://``), optionally with ``?schema=name`` to keep
Crossdock's tables in their own schema (created if missing; also how tests isolate themselves).
The password never leaves this module in clear text: :func:`mask_url` is what messages and logs use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from crossdock.core.redaction import MASK, is_sensitive_name, redact, register_secret

__all__ = ["SqliteLocation", "PostgresLocation", "parse_store_url", "mask_url", "scrub"]

_SQLITE_PREFIX = "sqlite://"
_POSTGRES_SCHEMES = ("postgresql", "postgres")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


@dataclass(frozen=True, slots=True)
class SqliteLocation:
    path: str
    """A file path, or ``:memory:``."""


@dataclass(frozen=True, slots=True)
class PostgresLocation:
    dsn: str
    """The URL as asyncpg takes it (without Crossdock's own ``schema`` parameter)."""
    schema: str | None
    masked: str


def parse_store_url(url: str) -> SqliteLocation | PostgresLocation:
    """Which backend a state URL names; ``ValueError`` (with the URL masked) when it names none."""
    if url.startswith(_SQLITE_PREFIX):
        rest = url[len(_SQLITE_PREFIX) :]
        if rest.startswith("/"):
            rest = rest[1:]
        path = rest.split("?", 1)[0]
        return SqliteLocation(path or ":memory:")
    scheme = url.split(":", 1)[0].lower()
    if scheme in _POSTGRES_SCHEMES:
        password = _password(url)
        if password:
            register_secret(password)
            register_secret(unquote(password))
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        schema = next((v for k, v in query if k == "schema"), None)
        if schema is not None and not _IDENTIFIER.match(schema):
            raise ValueError(
                f"state store URL {mask_url(url)!r}: schema must be a plain SQL identifier "
                f"(letters, digits, _), not {schema!r}"
            )
        dsn = urlunsplit(parts._replace(query=urlencode([(k, v) for k, v in query if k != "schema"])))
        return PostgresLocation(dsn=dsn, schema=schema, masked=mask_url(url))
    raise ValueError(
        f"unsupported state store URL {mask_url(url)!r}: use sqlite:///path/to/state.db, "
        "sqlite:///:memory: or postgresql://user@host/db"
    )


def _password(url: str) -> str | None:
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        return None
    userinfo = netloc.rpartition("@")[0]
    if ":" not in userinfo:
        return None
    return userinfo.split(":", 1)[1] or None


def mask_url(url: str) -> str:
    """``url`` with its password (in the user part or a query parameter) replaced by ``***``."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        userinfo, at, hostinfo = netloc.rpartition("@")
        if at and ":" in userinfo:
            netloc = f"{userinfo.split(':', 1)[0]}:{MASK}@{hostinfo}"
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if netloc == parts.netloc and not any(is_sensitive_name(k) for k, _ in pairs):
            return redact(url)  # nothing to mask; rebuilding would also mangle sqlite:///:memory:
        query = urlencode([(k, MASK if is_sensitive_name(k) else v) for k, v in pairs], safe="*")
        return redact(urlunsplit(parts._replace(netloc=netloc, query=query)))
    except ValueError:
        scheme = url.split(":", 1)[0] if ":" in url else "?"
        return f"{scheme}://{MASK}"


def scrub(text: str, url: str) -> str:
    """``text`` (a driver's error message) with anything secret from ``url`` masked."""
    secrets = set()
    password = _password(url)
    if password:
        secrets |= {password, unquote(password)}
    try:
        for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
            if is_sensitive_name(key) and value:
                secrets.add(value)
    except ValueError:
        pass
    if url in text:
        text = text.replace(url, mask_url(url))
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return redact(text)
