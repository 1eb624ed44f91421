"""Token-based authentication (OAuth 1.0a, RFC 5849) checked the way NetSuite checks it.

The sandbox recomputes every signature from the request it received, with its own implementation of
the RFC's signature base string (deliberately not the library the connector signs with), and keys
the HMAC-SHA256 with the seeded consumer and token secrets. A request is refused when:

- the ``Authorization`` header is not ``OAuth …`` or lacks a required parameter,
- ``realm`` is not the account ID, or the signature method is not ``HMAC-SHA256``,
- the consumer key or token is unknown, or the token belongs to another integration,
- ``oauth_timestamp`` is more than five minutes away from the server's clock,
- the nonce was already used with that token (a replayed request),
- ``oauth_body_hash`` is present and does not match the body,
- the signature does not match.

Each refusal is the same 401 ``INVALID_LOGIN`` on the wire; the reason goes to the login audit trail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl, quote, unquote

__all__ = ["TbaCredentials", "TbaRequest", "TbaVerifier", "percent_encode", "signature_base_string"]

TIMESTAMP_TOLERANCE_SECONDS = 300
_REQUIRED = ("oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_timestamp", "oauth_nonce", "oauth_signature")
_HEADER_PARAM = re.compile(r'([A-Za-z0-9_]+)="([^"]*)"')


@dataclass(frozen=True)
class TbaCredentials:
    """One integration record (consumer) and one access token issued to it."""

    consumer_key: str
    consumer_secret: str
    token_id: str
    token_secret: str


@dataclass(frozen=True)
class TbaRequest:
    """What the signature covers, as the server received it."""

    method: str
    scheme: str
    host: str
    raw_path: str
    query_string: str
    body: bytes


def percent_encode(value: str) -> str:
    """RFC 5849 §3.6: UTF-8, then every byte but ALPHA / DIGIT / ``-._~`` as ``%XX`` (upper case)."""
    return quote(value, safe="-._~")


def _base_uri(request: TbaRequest) -> str:
    scheme = request.scheme.lower()
    host = request.host.lower()
    if (scheme == "http" and host.endswith(":80")) or (scheme == "https" and host.endswith(":443")):
        host = host.rsplit(":", 1)[0]
    return f"{scheme}://{host}{request.raw_path or '/'}"


def signature_base_string(request: TbaRequest, oauth_params: dict[str, str]) -> str:
    """RFC 5849 §3.4.1: method, base URI and the normalised query + protocol parameters."""
    params = parse_qsl(request.query_string, keep_blank_values=True)
    params += [(k, v) for k, v in oauth_params.items() if k not in ("oauth_signature", "realm")]
    normalized = "&".join(f"{k}={v}" for k, v in sorted((percent_encode(k), percent_encode(v)) for k, v in params))
    return "&".join((percent_encode(request.method.upper()), percent_encode(_base_uri(request)), percent_encode(normalized)))


def _sign(base_string: str, credentials: TbaCredentials) -> str:
    key = f"{percent_encode(credentials.consumer_secret)}&{percent_encode(credentials.token_secret)}"
    digest = hmac.new(key.encode(), base_string.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def parse_authorization(header: str) -> dict[str, str] | None:
    """The parameters of an ``Authorization: OAuth …`` header, percent-decoded; None when it is not one."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "oauth":
        return None
    return {name: unquote(value) for name, value in _HEADER_PARAM.findall(rest)}


@dataclass
class TbaVerifier:
    account_id: str
    credentials: list[TbaCredentials]
    now: Callable[[], datetime]
    _nonces: dict[tuple[str, str], int] = field(default_factory=dict)

    def verify(self, request: TbaRequest, header: str) -> tuple[str | None, str]:
        """``(None, who)`` when the request is authentic, else ``(reason, who)`` for the audit trail."""
        params = parse_authorization(header)
        if params is None:
            return "NotOAuth", ""
        who = params.get("oauth_token", "")
        missing = [name for name in _REQUIRED if not params.get(name)]
        if missing:
            return f"MissingParameter:{missing[0]}", who
        if params.get("realm", "").upper() != self.account_id.upper():
            return "InvalidRealm", who
        if params["oauth_signature_method"] != "HMAC-SHA256":
            return "UnsupportedSignatureMethod", who
        if params.get("oauth_version", "1.0") != "1.0":
            return "InvalidVersion", who
        consumer = [c for c in self.credentials if hmac.compare_digest(c.consumer_key, params["oauth_consumer_key"])]
        if not consumer:
            return "InvalidConsumerKey", who
        token = next((c for c in consumer if hmac.compare_digest(c.token_id, params["oauth_token"])), None)
        if token is None:
            return "InvalidToken", who
        try:
            timestamp = int(params["oauth_timestamp"])
        except ValueError:
            return "InvalidTimestamp", who
        now = int(self.now().timestamp())
        if abs(now - timestamp) > TIMESTAMP_TOLERANCE_SECONDS:
            return "InvalidTimestamp", who
        if "oauth_body_hash" in params:
            expected_hash = base64.b64encode(hashlib.sha1(request.body).digest()).decode()
            if not hmac.compare_digest(expected_hash, params["oauth_body_hash"]):
                return "InvalidBodyHash", who
        expected = _sign(signature_base_string(request, params), token)
        if not hmac.compare_digest(expected, params["oauth_signature"]):
            return "InvalidSignature", who
        nonce_key = (token.token_id, params["oauth_nonce"])
        if nonce_key in self._nonces:
            return "InvalidNonce", who
        self._forget_old_nonces(now)
        self._nonces[nonce_key] = timestamp
        return None, who

    def _forget_old_nonces(self, now: int) -> None:
        """A nonce older than the timestamp window cannot be replayed anyway (its timestamp is refused)."""
        if len(self._nonces) < 10_000:
            return
        horizon = now - 2 * TIMESTAMP_TOLERANCE_SECONDS
        self._nonces = {key: ts for key, ts in self._nonces.items() if ts >= horizon}

    def reset(self) -> None:
        self._nonces.clear()
