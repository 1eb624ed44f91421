"""OAuth 2.0 in the sandbox: the token endpoint's refresh-token grant and bearer-token checks.

``POST /services/rest/auth/oauth2/v1/token`` with ``grant_type=refresh_token&refresh_token=…`` and the
client authenticated by HTTP Basic (``client_id:client_secret``), as NetSuite documents it, answers
``{"access_token", "expires_in": "3600", "token_type": "bearer"}``. Access tokens are JWTs (signed
here with the sandbox's own HMAC key rather than NetSuite's PS256 certificate) that expire after
``ttl`` seconds; the control endpoint ``/_sandbox/oauth2/expire`` revokes every token issued so far,
so a test can watch a client refresh.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["OAuth2Client", "OAuth2Server"]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class OAuth2Client:
    """An integration record with OAuth 2.0 enabled and one refresh token a user authorised."""

    client_id: str
    client_secret: str
    refresh_token: str


@dataclass
class OAuth2Server:
    account_id: str
    clients: list[OAuth2Client]
    now: Callable[[], datetime]
    ttl: int = 3600
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _issued: set[str] = field(default_factory=set)

    # -- the token endpoint ------------------------------------------------------------------------
    def token(self, authorization: str | None, form: dict[str, str]) -> tuple[int, dict[str, Any], str | None]:
        """``(status, body, audit reason)`` for a token request."""
        client = self._client(authorization)
        if client is None:
            return 401, {"error": "invalid_client"}, "InvalidClient"
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type"}, "UnsupportedGrantType"
        if not hmac.compare_digest(form.get("refresh_token", ""), client.refresh_token):
            return 400, {"error": "invalid_grant"}, "InvalidRefreshToken"
        return 200, {"access_token": self._issue(client), "expires_in": str(self.ttl), "token_type": "bearer"}, None

    def _client(self, authorization: str | None) -> OAuth2Client | None:
        if not authorization or not authorization.lower().startswith("basic "):
            return None
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        client_id, _, client_secret = decoded.partition(":")
        for client in self.clients:
            if hmac.compare_digest(client.client_id, client_id) and hmac.compare_digest(client.client_secret, client_secret):
                return client
        return None

    def _issue(self, client: OAuth2Client) -> str:
        issued_at = int(self.now().timestamp())
        token_id = secrets.token_hex(8)
        header = {"kid": "sandbox.2025_1", "typ": "JWT", "alg": "HS256"}
        payload = {
            "sub": "3;100",
            "aud": [f"SANDBOX-APP;{self.account_id}", client.client_id],
            "scope": ["rest_webservices"],
            "iss": "https://system.netsuite.com",
            "exp": issued_at + self.ttl,
            "iat": issued_at,
            "jti": token_id,
        }
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(payload).encode())}"
        signature = hmac.new(self._key, signing_input.encode(), hashlib.sha256).digest()
        self._issued.add(token_id)
        return f"{signing_input}.{_b64url(signature)}"

    # -- checking bearer tokens --------------------------------------------------------------------
    def verify(self, token: str) -> str | None:
        """None when ``token`` is a live access token this server issued, else the audit reason."""
        parts = token.split(".")
        if len(parts) != 3:
            return "MalformedToken"
        expected = hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(expected, _b64url_decode(parts[2])):
                return "InvalidTokenSignature"
            payload = json.loads(_b64url_decode(parts[1]))
        except (binascii.Error, ValueError):
            return "MalformedToken"
        if payload.get("jti") not in self._issued:
            return "RevokedToken"
        if int(payload.get("exp", 0)) <= self.now().timestamp():
            return "ExpiredToken"
        return None

    def expire_all(self) -> int:
        count = len(self._issued)
        self._issued.clear()
        return count
