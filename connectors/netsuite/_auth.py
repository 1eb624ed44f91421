"""Authentication on every request: TBA signatures (OAuth 1.0a) or OAuth 2.0 bearer tokens.

TBA is signed with ``oauthlib``'s RFC 5849 functions (HMAC-SHA256) rather than by hand: a fresh nonce and
timestamp per attempt, so a retried request is a new signed request, never a replay NetSuite would
refuse. The body is left out of the signature (NetSuite signs JSON requests without ``oauth_body_hash``).

OAuth 2.0 uses the refresh-token grant against the account's token endpoint, through its own HTTP
client (the token endpoint does not count against the API's concurrency slots and must not wait on
them); the runtime's ``TokenAuth`` caches the access token, refreshes it early and once on a 401.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Generator
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import httpx
from oauthlib.common import generate_nonce, generate_timestamp
from oauthlib.oauth1.rfc5849 import parameters, signature

from crossdock.core.errors import ConnectorError, FatalError, RetryableError
from crossdock.core.redaction import redact, register_secret
from crossdock.runtime.http import TokenAuth

__all__ = ["RefreshTokenAuth", "TokenBasedAuth"]


class TokenBasedAuth(httpx.Auth):
    """``Authorization: OAuth realm="<account>", oauth_signature_method="HMAC-SHA256", …`` per request.

    ``nonce`` and ``timestamp`` are factories for tests that need a reproducible signature; by default
    oauthlib draws a random nonce and reads the clock.
    """

    def __init__(
        self,
        *,
        realm: str,
        consumer_key: str,
        consumer_secret: str,
        token_id: str,
        token_secret: str,
        nonce: Callable[[], str] | None = None,
        timestamp: Callable[[], str] | None = None,
    ) -> None:
        self._realm = realm
        self._consumer_key = consumer_key
        self._consumer_secret = consumer_secret
        self._token_id = token_id
        self._token_secret = token_secret
        self._nonce = nonce
        self._timestamp = timestamp
        for secret in (consumer_key, consumer_secret, token_id, token_secret):
            register_secret(secret)

    def authorization(self, method: str, url: str) -> str:
        """The ``Authorization`` header value for one request.

        Built from oauthlib's RFC 5849 functions rather than its ``Client``, which logs the signature
        base string (token ID included) at DEBUG level.
        """
        oauth = [
            ("oauth_nonce", self._nonce() if self._nonce else generate_nonce()),
            ("oauth_timestamp", self._timestamp() if self._timestamp else generate_timestamp()),
            ("oauth_version", "1.0"),
            ("oauth_signature_method", "HMAC-SHA256"),
            ("oauth_consumer_key", self._consumer_key),
            ("oauth_token", self._token_id),
        ]
        collected = signature.collect_parameters(uri_query=urlsplit(url).query) + oauth
        base_string = signature.signature_base_string(
            method.upper(), signature.base_string_uri(url), signature.normalize_parameters(collected)
        )
        keys = SimpleNamespace(client_secret=self._consumer_secret, resource_owner_secret=self._token_secret)
        oauth.append(("oauth_signature", signature.sign_hmac_sha256_with_client(base_string, keys)))
        return str(parameters.prepare_headers(oauth, realm=self._realm)["Authorization"])

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self.authorization(request.method, str(request.url))
        yield request

    def __repr__(self) -> str:
        return f"TokenBasedAuth(realm={self._realm!r}, consumer_key='***', token_id='***')"


class RefreshTokenAuth(TokenAuth):
    """OAuth 2.0 access tokens from a refresh token (``grant_type=refresh_token``, client by HTTP Basic).

    NetSuite answers ``{"access_token", "expires_in": "3600", "token_type": "bearer"}``; when the
    integration record rotates refresh tokens the answer carries a new ``refresh_token``, which is used
    from then on (in memory: a rotated token is not written back to the job's secrets).
    """

    def __init__(
        self,
        *,
        token_client: Callable[[], httpx.AsyncClient],
        token_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
    ) -> None:
        super().__init__()
        self._token_client = token_client
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        for secret in (client_secret, refresh_token, base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()):
            register_secret(secret)

    async def fetch_token(self) -> tuple[str, float]:
        try:
            response = await self._token_client().post(
                self._token_url,
                data={"grant_type": "refresh_token", "refresh_token": self._refresh_token},
                auth=httpx.BasicAuth(self._client_id, self._client_secret),
                headers={"Accept": "application/json"},
            )
        except RetryableError:
            raise
        except ConnectorError as exc:
            reason = _oauth_error(exc.details.get("body"))
            raise FatalError(
                redact(f"NetSuite refused the OAuth 2.0 refresh token ({reason}): authorise the integration again"),
                details={k: exc.details[k] for k in ("status", "url", "body") if k in exc.details},
            ) from None
        try:
            body = response.json()
            token = str(body["access_token"])
            expires_in = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise RetryableError("NetSuite's token endpoint answered without a readable access token") from None
        rotated = body.get("refresh_token")
        if isinstance(rotated, str) and rotated and rotated != self._refresh_token:
            register_secret(rotated)
            self._refresh_token = rotated
        return token, expires_in

    def __repr__(self) -> str:
        return f"RefreshTokenAuth(token_url={self._token_url!r}, client_id='***')"


def _oauth_error(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return body["error"]
    return "no reason given"
