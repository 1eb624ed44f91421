"""From the ``auth`` block to an ``httpx.Auth`` that puts the credential on each request.

The credential is added per request by the auth flow rather than set as a default client header, so
it never sits in a structure that gets logged or copied, and every value is registered for redaction
the moment the connector opens.
"""

from __future__ import annotations

import base64
from collections.abc import Generator

import httpx

from crossdock.core.redaction import register_secret

from ._config import AuthConfig, BasicAuthConfig, BearerAuthConfig, HeaderAuthConfig

__all__ = ["HeaderAuth", "build_auth"]


class HeaderAuth(httpx.Auth):
    """Sets one header to a secret value on every request."""

    def __init__(self, name: str, value: str) -> None:
        self._name = name
        self._value = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self._name] = self._value
        yield request

    def __repr__(self) -> str:
        return f"HeaderAuth(name={self._name!r}, value='***')"


def build_auth(config: AuthConfig) -> httpx.Auth | None:
    """The ``httpx.Auth`` for ``config`` (None for ``type: none``), its secret registered for redaction."""
    if isinstance(config, BearerAuthConfig):
        token = config.token.get_secret_value()
        register_secret(token)
        return HeaderAuth("Authorization", f"Bearer {token}")
    if isinstance(config, HeaderAuthConfig):
        value = config.value.get_secret_value()
        register_secret(value)
        return HeaderAuth(config.name, value)
    if isinstance(config, BasicAuthConfig):
        password = config.password.get_secret_value()
        register_secret(password)
        register_secret(base64.b64encode(f"{config.username}:{password}".encode()).decode())
        return httpx.BasicAuth(config.username, password)
    return None
