"""The sandbox's HTTP surface: SuiteTalk REST endpoints and the ``/_sandbox`` controls.

API (every endpoint but the token endpoint needs TBA or an OAuth 2.0 bearer token, and counts
against the account's concurrency limit):

- ``POST /services/rest/auth/oauth2/v1/token``: refresh-token grant (see ``_oauth2``).
- ``GET  /services/rest/system/v1/governanceLimits``
- ``PUT  /services/rest/record/v1/salesOrder/eid:{externalId}``: upsert; ``Prefer: respond-async`` with
  ``X-NetSuite-Idempotency-Key`` runs it as an async job (see ``_async_jobs``).
- ``GET  /services/rest/record/v1/salesOrder/{id | eid:…}`` (``expandSubResources=true`` for lines)
- ``POST /services/rest/record/v1/salesOrder/{id | eid:…}/!transform/itemFulfillment``
- ``GET  /services/rest/record/v1/itemFulfillment/{id}``
- ``POST /services/rest/query/v1/suiteql?limit=&offset=`` with ``Prefer: transient``: SuiteQL over the
  tables in ``_tables``; ``limit`` 1–1000, ``offset`` a multiple of ``limit``, at most
  ``suiteql_max_results`` rows reachable per query (NetSuite: 100,000): ``hasMore`` turns false at the
  end of that window while ``totalResults`` still counts every row.
- ``GET  /services/rest/async/v1/job/{id}`` (+ ``/task``, ``/task/{id}``, ``/task/{id}/result``)

Controls (no auth, never faulted or governed): ``GET /_sandbox/salesorders`` (orders the API received,
in arrival order), ``GET /_sandbox/salesorders/{id | eid:…}``, ``POST /_sandbox/salesorders/{…}/fulfil``
(``{"tracking_numbers": [...], "lines": {"1": 2}, "ship_method": 10}``: the warehouse ships it),
``POST /_sandbox/stock`` (``{"sku", "location", "on_hand"}``), ``GET /_sandbox/governance``,
``GET /_sandbox/login-audit``, ``POST /_sandbox/oauth2/expire``, plus the toolkit's ``/_sandbox/reset``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ._async_jobs import JOB_PATH, AsyncJobs
from ._errors import NetSuiteError, detail, error_response, invalid_login
from ._governance import ConcurrencyGovernor
from ._oauth2 import OAuth2Client, OAuth2Server
from ._records import RecordService, parse_record_key
from ._sql_engine import SuiteQLError, format_value, run_select
from ._sql_parser import SuiteQLSyntaxError, parse
from ._state import SandboxAccount
from ._tables import AccountCatalog
from ._tba import TbaCredentials, TbaRequest, TbaVerifier

__all__ = ["NetSuiteSandbox"]

REST = "/services/rest"
MAX_LIMIT = 1000
_AUDIT_SIZE = 1000

Handler = Callable[[Request], Awaitable[Response]]
Outcome = tuple[int, dict[str, str], Any]


def _base(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}{REST}"


async def _json_body(request: Request, *, required: bool = True) -> Any:
    raw = await request.body()
    if not raw.strip():
        if required:
            raise NetSuiteError(400, detail("Invalid content: the request body is empty.", "INVALID_CONTENT"))
        return {}
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise NetSuiteError(400, detail(f"Invalid content: the request body is not valid JSON ({exc}).", "INVALID_CONTENT")) from None


def _as_response(outcome: Outcome) -> Response:
    status, headers, body = outcome
    if body is None:
        return Response(status_code=status, headers=headers)
    if status >= 400:
        return error_response(status, body["o:errorDetails"], headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


class NetSuiteSandbox:
    """One sandbox account with its credentials, governance and async jobs; :meth:`reset` reseeds it."""

    def __init__(
        self,
        *,
        seed: int,
        account_id: str,
        items: int | Sequence[str],
        orders: int,
        time_zone: str,
        concurrency_limit: int,
        latency: float,
        tba: TbaCredentials,
        oauth2: OAuth2Client,
        access_token_ttl: int,
        suiteql_max_results: int,
        now: Callable[[], datetime],
    ) -> None:
        self.seed = seed
        self.account_id = account_id
        self.item_spec = items
        self.order_count = orders
        self.zone = ZoneInfo(time_zone)
        self.latency = latency
        self.tba_credentials = tba
        self.oauth2_client = oauth2
        self.access_token_ttl = access_token_ttl
        self.suiteql_max_results = suiteql_max_results
        self.now = now
        self.governor = ConcurrencyGovernor(concurrency_limit)
        self.login_audit: list[dict[str, str]] = []
        self.jobs = AsyncJobs()
        self.reset()

    def reset(self) -> None:
        self.account = SandboxAccount.seeded(
            account_id=self.account_id, seed=self.seed, items=self.item_spec, orders=self.order_count, now=self.now,
        )
        self.records = RecordService(self.account)
        self.tba = TbaVerifier(self.account_id, [self.tba_credentials], self.now)
        self.oauth2 = OAuth2Server(self.account_id, [self.oauth2_client], self.now, ttl=self.access_token_ttl)
        self.jobs.reset()
        self.governor.reset()
        self.login_audit.clear()

    # -- wiring ----------------------------------------------------------------------------------
    def routes(self) -> list[Route]:
        api = self._api
        return [
            Route(f"{REST}/auth/oauth2/v1/token", self.token, methods=["POST"]),
            Route(f"{REST}/system/v1/governanceLimits", api(self.governance_limits), methods=["GET"]),
            Route(f"{REST}/record/v1/salesOrder/{{key}}", api(self.put_sales_order), methods=["PUT"]),
            Route(f"{REST}/record/v1/salesOrder/{{key}}", api(self.get_sales_order), methods=["GET"]),
            Route(f"{REST}/record/v1/salesOrder/{{key}}/!transform/itemFulfillment", api(self.transform), methods=["POST"]),
            Route(f"{REST}/record/v1/itemFulfillment/{{id}}", api(self.get_fulfilment), methods=["GET"]),
            Route(f"{REST}/query/v1/suiteql", api(self.suiteql), methods=["POST"]),
            Route(f"{JOB_PATH}/{{job}}", api(self.get_job), methods=["GET"]),
            Route(f"{JOB_PATH}/{{job}}/task", api(self.get_tasks), methods=["GET"]),
            Route(f"{JOB_PATH}/{{job}}/task/{{task}}", api(self.get_task), methods=["GET"]),
            Route(f"{JOB_PATH}/{{job}}/task/{{task}}/result", api(self.get_task_result), methods=["GET"]),
        ]

    def control_routes(self) -> list[Route]:
        return [
            Route("/_sandbox/salesorders", self.control_received, methods=["GET"]),
            Route("/_sandbox/salesorders/{key}", self.control_sales_order, methods=["GET"]),
            Route("/_sandbox/salesorders/{key}/fulfil", self.control_fulfil, methods=["POST"]),
            Route("/_sandbox/stock", self.control_stock, methods=["POST"]),
            Route("/_sandbox/governance", self.control_governance, methods=["GET"]),
            Route("/_sandbox/login-audit", self.control_login_audit, methods=["GET"]),
            Route("/_sandbox/oauth2/expire", self.control_expire_tokens, methods=["POST"]),
        ]

    def _api(self, handler: Handler) -> Handler:
        """Governance, then authentication, then the handler; NetSuite errors become their bodies."""

        async def endpoint(request: Request) -> Response:
            if not self.governor.try_enter():
                return self.governor.rejection()
            try:
                if self.latency:
                    await asyncio.sleep(self.latency)
                refused = await self._authenticate(request)
                if refused is not None:
                    return refused
                return await handler(request)
            except NetSuiteError as error:
                return error.response()
            finally:
                self.governor.leave()

        return endpoint

    async def _authenticate(self, request: Request) -> Response | None:
        header = request.headers.get("authorization", "")
        scheme = header.split(" ", 1)[0].lower()
        if scheme == "oauth":
            method = "Token-based"
            tba_request = TbaRequest(
                method=request.method,
                scheme=request.url.scheme,
                host=request.headers.get("host", request.url.netloc),
                raw_path=(request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1").split("?")[0],
                query_string=(request.scope.get("query_string") or b"").decode("latin-1"),
                body=await request.body(),
            )
            reason, _ = self.tba.verify(tba_request, header)
        elif scheme == "bearer":
            method = "OAuth 2.0"
            reason = self.oauth2.verify(header[7:].strip())
        else:
            method, reason = "None", "NoCredentials"
        self._audit(method, reason)
        return invalid_login() if reason else None

    def _audit(self, method: str, reason: str | None) -> None:
        self.login_audit.append({
            "date": self.now().astimezone(UTC).isoformat(),
            "method": method,
            "status": "Failure" if reason else "Success",
            "detail": reason or "",
        })
        del self.login_audit[:-_AUDIT_SIZE]

    # -- OAuth 2.0 token endpoint --------------------------------------------------------------------
    async def token(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        status, body, reason = self.oauth2.token(request.headers.get("authorization"), form)
        self._audit("OAuth 2.0 token", reason)
        return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})

    # -- governance --------------------------------------------------------------------------------
    async def governance_limits(self, request: Request) -> Response:
        return JSONResponse({
            "accountConcurrencyLimit": self.governor.limit,
            "accountUnallocatedConcurrencyLimit": self.governor.limit,
            "integrationLimitType": "accountLimit",
        })

    # -- sales orders ------------------------------------------------------------------------------
    async def put_sales_order(self, request: Request) -> Response:
        kind, external_id = parse_record_key(request.path_params["key"])
        if kind != "eid":
            raise NetSuiteError(405, detail(
                "PUT is only allowed with an external ID (upsert): use PATCH to update a record by internal ID.",
                "INVALID_REQUEST",
            ))
        body = await _json_body(request)
        strict = request.headers.get("x-netsuite-propertynamevalidation", "").lower() == "error"
        base = _base(request)

        def upsert() -> Outcome:
            order, _ = self.records.upsert_sales_order(external_id, body, strict_properties=strict)
            return 204, {"Location": f"{base}/record/v1/salesOrder/{order.id}"}, None

        if "respond-async" in request.headers.get("prefer", "").lower():
            return self._run_async(request, upsert)
        return _as_response(upsert())

    async def get_sales_order(self, request: Request) -> Response:
        order = self.records.find_sales_order(request.path_params["key"])
        expand = request.query_params.get("expandSubResources", "").lower() == "true"
        return JSONResponse(self.records.sales_order_json(order, _base(request), expand=expand))

    async def transform(self, request: Request) -> Response:
        body = await _json_body(request, required=False)
        fulfilment = self.records.transform_to_fulfilment(request.path_params["key"], body)
        return Response(status_code=204, headers={"Location": f"{_base(request)}/record/v1/itemFulfillment/{fulfilment.id}"})

    async def get_fulfilment(self, request: Request) -> Response:
        raw = request.path_params["id"]
        fulfilment = self.account.fulfilments.get(int(raw)) if raw.isdigit() else None
        if fulfilment is None:
            raise NetSuiteError(404, detail(
                "The record instance does not exist. Provide a valid record instance ID.", "NONEXISTENT_ID", path="id",
            ))
        expand = request.query_params.get("expandSubResources", "").lower() == "true"
        return JSONResponse(self.records.fulfilment_json(fulfilment, _base(request), expand=expand))

    # -- async jobs --------------------------------------------------------------------------------
    def _run_async(self, request: Request, work: Callable[[], Outcome]) -> Response:
        key = request.headers.get("x-netsuite-idempotency-key")
        applied = {"Preference-Applied": "respond-async"}
        if key is not None and not self.jobs.valid_key(key):
            raise NetSuiteError(400, detail(
                "The idempotency key must be a UUID (RFC 4122).", "INVALID_HEADER", header="X-NetSuite-Idempotency-Key",
            ))
        previous = self.jobs.existing(key)
        if previous is not None:
            return error_response(400, [detail(
                'A request with the same idempotency key is already submitted. See the "Location" header for a '
                "link to the previously submitted job",
                "IDEMPOTENCY_ERROR",
            )], headers={**applied, "Location": previous.location}, title="Conflict")
        started = self.now()
        try:
            status, headers, body = work()
        except NetSuiteError as error:
            status, headers, body = error.status, error.headers, {"o:errorDetails": error.details}
        job = self.jobs.record(key, status, headers, body, started)
        return Response(status_code=202, headers={**applied, "Location": job.location})

    def _job(self, request: Request) -> Any:
        job = self.jobs.jobs.get(request.path_params["job"])
        if job is None:
            raise NetSuiteError(404, detail("The job does not exist.", "NONEXISTENT_ID", path="id"))
        return job

    async def get_job(self, request: Request) -> Response:
        job = self._job(request)
        base = f"{request.url.scheme}://{request.url.netloc}{job.location}"
        return JSONResponse({
            "links": [{"rel": "self", "href": base}],
            "completed": True,
            "id": job.id,
            "progress": "succeeded" if job.succeeded else "failed",
            "task": {"links": [{"rel": "self", "href": f"{base}/task"}]},
        })

    async def get_tasks(self, request: Request) -> Response:
        job = self._job(request)
        base = f"{request.url.scheme}://{request.url.netloc}{job.location}/task"
        return JSONResponse({
            "links": [{"rel": "self", "href": base}],
            "count": 1, "hasMore": False, "offset": 0, "totalResults": 1,
            "items": [{"links": [{"rel": "self", "href": f"{base}/{job.id}"}], "id": job.id}],
        })

    async def get_task(self, request: Request) -> Response:
        job = self._job(request)
        if request.path_params["task"] != job.id:
            raise NetSuiteError(404, detail("The task does not exist.", "NONEXISTENT_ID", path="id"))
        base = f"{request.url.scheme}://{request.url.netloc}{job.location}/task/{job.id}"
        return JSONResponse({
            "links": [{"rel": "related", "href": f"{base}/result"}, {"rel": "self", "href": base}],
            "completed": True,
            "id": job.id,
            "progress": "succeeded" if job.succeeded else "failed",
            "startTime": job.started.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "endTime": job.ended.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        })

    async def get_task_result(self, request: Request) -> Response:
        job = self._job(request)
        if request.path_params["task"] != job.id:
            raise NetSuiteError(404, detail("The task does not exist.", "NONEXISTENT_ID", path="id"))
        return _as_response((job.status, job.headers, job.body))

    # -- SuiteQL -----------------------------------------------------------------------------------
    async def suiteql(self, request: Request) -> Response:
        if "transient" not in request.headers.get("prefer", "").lower():
            raise NetSuiteError(400, detail(
                "The SuiteQL query service requires the header 'Prefer: transient'.", "INVALID_HEADER", header="Prefer",
            ))
        limit = self._paging_param(request, "limit", MAX_LIMIT, low=1, high=MAX_LIMIT)
        offset = self._paging_param(request, "offset", 0, low=0, high=None)
        if offset % limit:
            raise NetSuiteError(400, detail(
                "Invalid value for the offset parameter: the offset must be a multiple of the limit.",
                "INVALID_PARAMETER", query_param="offset",
            ))
        if offset >= self.suiteql_max_results:
            raise NetSuiteError(400, detail(
                f"Invalid search query: a SuiteQL query returns at most {self.suiteql_max_results} results; "
                "narrow the query to read further.",
                "INVALID_PARAMETER", query_param="offset",
            ))
        body = await _json_body(request)
        query = body.get("q") if isinstance(body, dict) else None
        if not isinstance(query, str) or not query.strip():
            raise NetSuiteError(400, detail("Invalid content: the body must be {\"q\": \"<SuiteQL query>\"}.", "INVALID_CONTENT", path="q"))
        try:
            result = run_select(parse(query), AccountCatalog(self.account), self.zone)
        except (SuiteQLSyntaxError, SuiteQLError) as exc:
            raise NetSuiteError(400, detail(
                f"Invalid search query. Detailed unprocessed description follows. Search error occurred: {exc}",
                "INVALID_PARAMETER", query_param="q",
            )) from None
        reachable = result.rows[: self.suiteql_max_results]
        page = reachable[offset : offset + limit]
        has_more = offset + len(page) < len(reachable)
        href = f"{_base(request)}/query/v1/suiteql"
        links = []
        if offset > 0:
            links.append({"rel": "previous", "href": f"{href}?limit={limit}&offset={max(offset - limit, 0)}"})
            links.append({"rel": "first", "href": f"{href}?limit={limit}&offset=0"})
        if has_more:
            links.append({"rel": "next", "href": f"{href}?limit={limit}&offset={offset + limit}"})
            last = max((len(reachable) - 1) // limit * limit, 0)
            links.append({"rel": "last", "href": f"{href}?limit={limit}&offset={last}"})
        links.append({"rel": "self", "href": f"{href}?limit={limit}&offset={offset}"})
        items = [
            {"links": [], **{name: text for name, value in row.items() if (text := format_value(value, self.zone)) is not None}}
            for row in page
        ]
        return JSONResponse({
            "links": links,
            "count": len(items),
            "hasMore": has_more,
            "items": items,
            "offset": offset,
            "totalResults": len(result.rows),
        })

    @staticmethod
    def _paging_param(request: Request, name: str, default: int, *, low: int, high: int | None) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = low - 1
        if value < low or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise NetSuiteError(400, detail(
                f"Invalid value for the {name} parameter: it must be an integer {bounds}.", "INVALID_PARAMETER", query_param=name,
            ))
        return value

    # -- controls ----------------------------------------------------------------------------------
    async def control_received(self, request: Request) -> Response:
        return JSONResponse([
            {"id": str(r.id), "externalId": r.external_id, "action": r.action, "at": r.at.astimezone(UTC).isoformat(), "body": r.body}
            for r in self.account.received
        ])

    async def control_sales_order(self, request: Request) -> Response:
        try:
            order = self.records.find_sales_order(request.path_params["key"])
        except NetSuiteError as error:
            return error.response()
        return JSONResponse(self.records.sales_order_json(order, f"http://sandbox{REST}", expand=True))

    async def control_fulfil(self, request: Request) -> Response:
        try:
            raw = await _json_body(request, required=False)
        except NetSuiteError as error:
            return error.response()
        options: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
        body: dict[str, Any] = {}
        lines = options.get("lines")
        if isinstance(lines, dict):
            body["item"] = {"items": [{"orderLine": int(line), "quantity": qty} for line, qty in lines.items()]}
        tracking = options.get("tracking_numbers") or []
        weight = options.get("weight")
        body["package"] = {"items": [
            {"packageTrackingNumber": number, **({"packageWeight": weight} if weight is not None else {})} for number in tracking
        ]}
        if options.get("ship_method") is not None:
            body["shipMethod"] = {"id": str(options["ship_method"])}
        try:
            fulfilment = self.records.transform_to_fulfilment(request.path_params["key"], body)
        except NetSuiteError as error:
            return error.response()
        return JSONResponse({"id": str(fulfilment.id), "tranId": fulfilment.tranid, "salesOrder": str(fulfilment.salesorder)})

    async def control_stock(self, request: Request) -> Response:
        body = json.loads(await request.body() or b"{}")
        item = self.account.item_by_itemid(str(body.get("sku", "")))
        location = int(body.get("location", 0))
        if item is None or location not in self.account.locations:
            return JSONResponse({"error": "unknown sku or location"}, status_code=400)
        balance = self.account.set_on_hand(item.id, location, Decimal(int(body["on_hand"])))
        return JSONResponse({
            "item": str(item.id), "location": str(location), "on_hand": int(balance.onhand),
            "committed": int(balance.committed), "available": int(balance.available),
        })

    async def control_governance(self, request: Request) -> Response:
        return JSONResponse(self.governor.snapshot())

    async def control_login_audit(self, request: Request) -> Response:
        return JSONResponse(self.login_audit)

    async def control_expire_tokens(self, request: Request) -> Response:
        return JSONResponse({"expired": self.oauth2.expire_all()})
