"""Login with Amazon: ``POST /auth/o2/token`` and the access tokens it hands out.

Form-encoded ``grant_type=refresh_token&refresh_token=…&client_id=…&client_secret=…``; answers
``{"access_token": "Atza|…", "refresh_token": …, "token_type": "bearer", "expires_in": 3600}``. Wrong client
credentials are a 401 ``invalid_client``, a wrong refresh token a 400 ``invalid_grant``, as LWA words them.
"""

from __future__ import annotations

import hmac
import json
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse

__all__ = ["LoginWithAmazon", "TokenState", "ACCESS_TOKEN_LIFETIME"]

ACCESS_TOKEN_LIFETIME = timedelta(seconds=3600)


class TokenState(StrEnum):
    VALID = "valid"
    MISSING = "missing"
    INVALID = "invalid"
    EXPIRED = "expired"


class LoginWithAmazon:
    """The token endpoint and the registry of issued access tokens (with their expiry)."""

    def __init__(
        self, *, seed: int, client_id: str, client_secret: str, refresh_token: str, clock: Callable[[], datetime]
    ) -> None:
        self._seed = seed
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self._clock = clock
        self._random = random.Random(f"lwa:{seed}")
        self._tokens: dict[str, datetime] = {}
        self.issued = 0
        """Access tokens handed out (tests count refreshes)."""

    def reset(self) -> None:
        self._random = random.Random(f"lwa:{self._seed}")
        self._tokens.clear()
        self.issued = 0

    def expire_all(self) -> None:
        """Every token handed out so far is now expired (what an hour passing does)."""
        past = self._clock() - timedelta(seconds=1)
        self._tokens = {token: past for token in self._tokens}

    def state_of(self, token: str | None) -> TokenState:
        if not token:
            return TokenState.MISSING
        expires_at = self._tokens.get(token)
        if expires_at is None:
            return TokenState.INVALID
        return TokenState.VALID if self._clock() < expires_at else TokenState.EXPIRED

    async def token_endpoint(self, request: Request) -> JSONResponse:
        form = await _form(request)
        grant_type = str(form.get("grant_type", ""))
        if grant_type != "refresh_token":
            return _oauth_error(
                400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server"
            )
        client_ok = hmac.compare_digest(str(form.get("client_id", "")), self._client_id) and hmac.compare_digest(
            str(form.get("client_secret", "")), self._client_secret
        )
        if not client_ok:
            return _oauth_error(401, "invalid_client", "Client authentication failed")
        if not hmac.compare_digest(str(form.get("refresh_token", "")), self._refresh_token):
            return _oauth_error(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
        token = "Atza|" + "".join(self._random.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", k=96))
        self._tokens[token] = self._clock() + ACCESS_TOKEN_LIFETIME
        self.issued += 1
        return JSONResponse(
            {
                "access_token": token,
                "refresh_token": self._refresh_token,
                "token_type": "bearer",
                "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            },
            headers={"Cache-Control": "no-store"},
        )


async def _form(request: Request) -> dict[str, str]:
    """The request's parameters: form-encoded as OAuth specifies (LWA also takes a JSON object)."""
    raw = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = json.loads(raw)
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in body.items()} if isinstance(body, dict) else {}
    return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", errors="replace")).items()}


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error_description": description, "error": error}, status_code=status)
