"""How SP-API answers: ``errors[]`` bodies, request ids, and the rate-limit header."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

__all__ = ["RequestIds", "amazon_error", "amazon_json", "read_json_body", "BadRequest"]

REQUEST_ID_HEADER = "x-amzn-RequestId"
RATE_LIMIT_HEADER = "x-amzn-RateLimit-Limit"


class RequestIds:
    """``x-amzn-RequestId`` values: UUIDs drawn from the sandbox's seed, so a replayed run matches."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._random = random.Random(f"request-ids:{seed}")

    def next(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def reset(self) -> None:
        self._random = random.Random(f"request-ids:{self._seed}")


def amazon_json(body: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def amazon_error(
    status: int, code: str, message: str, details: str | None = None, *, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """``{"errors": [{"code", "message", "details"}]}``: the ``ErrorList`` of every SP-API model."""
    error: dict[str, str] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return JSONResponse({"errors": [error]}, status_code=status, headers=dict(headers or {}))


class BadRequest(Exception):
    """A request the operation refuses with 400 ``InvalidInput`` (or another code)."""

    def __init__(self, message: str, *, code: str = "InvalidInput", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status

    def response(self, headers: Mapping[str, str]) -> Response:
        return amazon_error(self.status, self.code, self.message, headers=headers)


async def read_json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except ValueError:
        raise BadRequest("The request body is not valid JSON.") from None
