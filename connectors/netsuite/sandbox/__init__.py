"""The NetSuite sandbox: SuiteTalk REST web services of one seeded account, in process.

What it reproduces (see ``_api`` for the endpoints):

- authentication: TBA (OAuth 1.0a, HMAC-SHA256, ``realm`` = account ID) with signatures recomputed
  from the received request, nonce replay and clock-skew checks; OAuth 2.0 bearer tokens from its own
  token endpoint (refresh-token grant). Failures are ``401 INVALID_LOGIN``, the reason goes to
  ``/_sandbox/login-audit`` as NetSuite's Login Audit Trail would have it;
- the record service for ``salesOrder`` (upsert by external ID, get, ``!transform/itemFulfillment``)
  with NetSuite's error body and ``o:errorPath``;
- the SuiteQL query service over ``transaction``, ``transactionline``, ``item``, ``location``,
  ``customer``, ``shipitem``, ``itemfulfillmentpackage`` and ``aggregateitemlocation``: a real
  (small) SQL engine, so WHERE, JOIN, ORDER BY, ``limit`` and ``offset`` are honoured, date-times in the
  account's time zone;
- concurrency governance (``429 CONCURRENCY_LIMIT_EXCEEDED`` beyond ``concurrency_limit`` requests in
  flight) and ``/system/v1/governanceLimits``; asynchronous requests with idempotency keys;
- the toolkit's fault injection, request log and reset.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from starlette.applications import Starlette

from crossdock.runtime.sandbox import FaultKind, build_sandbox_app

from .._sandbox_credentials import SANDBOX_ACCOUNT_ID, SANDBOX_OAUTH2, SANDBOX_TBA, SANDBOX_TIME_ZONE
from ._api import NetSuiteSandbox
from ._oauth2 import OAuth2Client
from ._tba import TbaCredentials

__all__ = ["NetSuiteSandbox", "create_app"]


def create_app(
    *,
    seed: int = 0,
    faults: float = 0.0,
    concurrency_limit: int = 5,
    items: int | Sequence[str] = 30,
    orders: int = 40,
    latency: float = 0.0,
    time_zone: str = SANDBOX_TIME_ZONE,
    account_id: str = SANDBOX_ACCOUNT_ID,
    tba: Mapping[str, str] | None = None,
    oauth2: Mapping[str, str] | None = None,
    access_token_ttl: int = 3600,
    suiteql_max_results: int = 100_000,
    fault_kinds: Mapping[FaultKind | str, float] | None = None,
    fault_delay: float = 60.0,
    now: Callable[[], datetime] | None = None,
) -> Starlette:
    """A fresh sandbox account.

    ``items``: how many inventory items to seed (``SKU-1001`` …) or the SKUs themselves; ``orders``: how
    many historical web orders (about three in four are shipped); ``latency``: seconds every API request
    takes (so concurrent clients really overlap); ``time_zone``: the integration user's time zone
    preference (SuiteQL date-times); ``tba`` / ``oauth2``: credentials replacing the seeded ones
    (``consumer_key``, ``consumer_secret``, ``token_id``, ``token_secret`` / ``client_id``,
    ``client_secret``, ``refresh_token``); ``now``: the server clock (TBA timestamps, token expiry,
    record timestamps). The :class:`NetSuiteSandbox` is at ``app.state.netsuite``.
    """
    sandbox = NetSuiteSandbox(
        seed=seed,
        account_id=account_id,
        items=items,
        orders=orders,
        time_zone=time_zone,
        concurrency_limit=concurrency_limit,
        latency=latency,
        tba=TbaCredentials(**{**SANDBOX_TBA, **(tba or {})}),
        oauth2=OAuth2Client(**{**SANDBOX_OAUTH2, **(oauth2 or {})}),
        access_token_ttl=access_token_ttl,
        suiteql_max_results=suiteql_max_results,
        now=now or (lambda: datetime.now(UTC)),
    )
    app = build_sandbox_app(
        sandbox.routes(),
        seed=seed,
        faults=faults,
        fault_kinds=fault_kinds,
        fault_delay=fault_delay,
        control_routes=sandbox.control_routes(),
        on_reset=sandbox.reset,
    )
    app.state.netsuite = sandbox
    return app
