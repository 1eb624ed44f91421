"""Login with Amazon: a refresh token exchanged for hour-long access tokens sent as ``x-amz-access-token``.

SP-API stopped requiring AWS SigV4 signatures in October 2023; the LWA access token alone authorises a
call. An expired or revoked token is answered with **403** (not 401) and an ``Unauthorized`` error whose
text says the token expired, so this auth refreshes once on that 403 as well as on a 401.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Callable
from typing import Any

import httpx

from crossdock.core.errors import FatalError
from crossdock.core.redaction import redact_value, register_secret
from crossdock.runtime.http import IDEMPOTENT_EXTENSION, RAISE_ERRORS_EXTENSION, TokenAuth, raise_for_outcome

__all__ = ["LwaAuth", "ACCESS_TOKEN_HEADER", "is_expired_token_response"]

ACCESS_TOKEN_HEADER = "x-amz-access-token"


def is_expired_token_response(response: httpx.Response) -> bool:
    """A 401, or a 403 whose ``errors[]`` say the access token expired (or was revoked or malformed)."""
    if response.status_code == 401:
        return True
    if response.status_code != 403:
        return False
    try:
        errors = json.loads(response.content).get("errors") or []
    except (ValueError, AttributeError):
        return False
    for error in errors if isinstance(errors, list) else []:
        if not isinstance(error, dict):
            continue
        text = f"{error.get('message', '')} {error.get('details', '')}".lower()
        if "access token" in text and ("expired" in text or "revoked" in text or "invalid" in text):
            return True
    return False


class LwaAuth(TokenAuth):
    """Fetches LWA access tokens with ``grant_type=refresh_token`` and puts them in ``x-amz-access-token``.

    ``token_client`` makes the client the token request goes through (its own, as ``TokenAuth`` asks,
    so a token fetch never queues behind the SP-API client's operation limiters).
    """

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        token_client: Callable[[], httpx.AsyncClient],
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(**({"clock": clock} if clock is not None else {}))
        register_secret(client_secret)
        register_secret(refresh_token)
        self._token_url = token_url
        self._form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self._token_client = token_client
        self._client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        return f"LwaAuth(token_url={self._token_url!r}, client_id={self._form['client_id']!r})"

    def apply(self, request: httpx.Request, token: str) -> None:
        request.headers[ACCESS_TOKEN_HEADER] = token

    async def fetch_token(self) -> tuple[str, float]:
        if self._client is None:
            self._client = self._token_client()
        response = await self._client.post(
            self._token_url,
            data=self._form,
            headers={"Accept": "application/json"},
            extensions={RAISE_ERRORS_EXTENSION: False, IDEMPOTENT_EXTENSION: True},  # a token request changes nothing
        )
        await response.aread()
        if response.status_code in (400, 401):
            raise FatalError(
                "Login with Amazon refused the refresh token or client credentials",
                details={"status": response.status_code, "body": _body(response)},
            )
        raise_for_outcome(response)
        try:
            body = response.json()
        except ValueError:
            body = None
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise FatalError("Login with Amazon answered without an access_token", details={"status": response.status_code})
        register_secret(token)
        expires_in = body.get("expires_in", 3600)
        return token, float(expires_in) if isinstance(expires_in, (int, float)) else 3600.0

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self.token()
        self.apply(request, token)
        response = yield request
        if response.status_code == 403:
            await response.aread()  # its errors[] tell an expired token from a missing role
        if is_expired_token_response(response):
            refreshed = await self.token(replacing=token)
            self.apply(request, refreshed)
            yield request


def _body(response: httpx.Response) -> Any:
    try:
        return redact_value(response.json())
    except ValueError:
        return None

