"""The sandbox's HTTP face: Shopify's Admin GraphQL endpoint and the ``/_sandbox/`` control endpoints.

``POST /admin/api/{version}/graphql.json`` goes through what Shopify does, in its order:

1. the version in the path must look like ``YYYY-MM`` (or ``unstable``), else 404 ``{"errors": "Not Found"}``;
2. ``X-Shopify-Access-Token`` must be the shop's token, else 401 with Shopify's ``[API] Invalid API key
   or access token`` body;
3. the body is ``application/json`` (``query``, ``variables``, ``operationName``) or
   ``application/graphql`` (the query text); a body without a query is a 400;
4. the query is parsed and validated against the schema (errors come back with HTTP 200, Shopify-style:
   ``{"errors": [{"message", "locations", "extensions": {"code"}}]}``);
5. its requested cost is calculated; over 1000 is ``MAX_COST_EXCEEDED``; more than the bucket holds is
   ``THROTTLED`` (HTTP 200, ``actualQueryCost: null``, nothing taken);
6. it runs; the difference between requested and actual cost goes back to the bucket; every response
   carries ``extensions.cost`` with the bucket's ``throttleStatus``.

Every GraphQL call is also recorded in ``operations`` (operation, root fields, costs, whether it was
throttled) so tests can count mutations without parsing request bodies.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    execute,
    parse,
    validate,
    value_from_ast,
)
from graphql.utilities import get_operation_ast, type_from_ast
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ._bucket import CostBucket
from ._connections import PAGINATION_LIMIT
from ._cost import MAX_QUERY_COST, actual_cost, requested_cost
from ._data import ShopStore, iso, parse_time
from ._mutations import attach_mutation_resolvers
from ._resolvers import RequestContext, attach_query_resolvers
from ._schema import schema

__all__ = ["ShopifySandbox", "OperationLogEntry", "INVALID_TOKEN_BODY"]

INVALID_TOKEN_BODY = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
_VERSION = re.compile(r"^(\d{4}-\d{2}|unstable)$")
_RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits"

_VALIDATION_CODES = (
    ("Cannot query field", "undefinedField"),
    ("Unknown argument", "argumentNotAccepted"),
    ("is required, but it was not provided", "missingRequiredArguments"),
    ("must have a selection of subfields", "selectionMismatch"),
    ("must not have a selection since type", "selectionMismatch"),
    ("Unknown type", "undefinedType"),
    ("Unknown directive", "undefinedDirective"),
    ("is never used", "variableNotUsed"),
    ("is not defined", "undefinedVariable"),
    ("Unknown fragment", "undefinedFragment"),
    ("cannot represent", "argumentLiteralsIncompatible"),
    ("Expected value of type", "argumentLiteralsIncompatible"),
)


@dataclass(frozen=True, slots=True)
class OperationLogEntry:
    """One GraphQL call as the sandbox saw it."""

    operation_type: str
    operation_name: str | None
    root_fields: tuple[str, ...]
    requested_cost: int | None
    actual_cost: int | None
    throttled: bool
    error_codes: tuple[str, ...]
    variables: dict[str, Any] = field(default_factory=dict)


def _validation_code(message: str) -> str:
    for fragment, code in _VALIDATION_CODES:
        if fragment in message:
            return code
    return "GRAPHQL_VALIDATION_FAILED"


def _formatted(error: GraphQLError, default_code: str) -> dict[str, Any]:
    formatted = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    extensions.setdefault("code", default_code)
    formatted["extensions"] = extensions
    return formatted


def _public(record: dict[str, Any]) -> dict[str, Any]:
    """A record without the sandbox's own link keys."""
    return {key: value for key, value in record.items() if not key.startswith("_")}


class ShopifySandbox:
    """State and handlers of one sandbox shop."""

    def __init__(
        self,
        *,
        seed: int,
        orders: int,
        skus: int | Sequence[str],
        token: str,
        bucket_size: float,
        restore_rate: float,
        clock: Callable[[], float],
        now: Callable[[], datetime],
        pagination_limit: int = PAGINATION_LIMIT,
    ) -> None:
        self.token = token
        self.pagination_limit = pagination_limit
        names = None if isinstance(skus, int) else tuple(skus)
        self.store = ShopStore(seed=seed, order_count=orders, sku_count=len(names) if names else int(skus), now=now,
                               sku_names=names)
        self.bucket = CostBucket(bucket_size, restore_rate, clock=clock)
        self.idempotency: dict[str, tuple[str, Any]] = {}
        self.operations: list[OperationLogEntry] = []
        self._requests = 0
        self.schema = schema()
        attach_query_resolvers(self.schema)
        attach_mutation_resolvers(self.schema)

    def reset(self) -> None:
        self.store.reset()
        self.bucket.reset()
        self.idempotency.clear()
        self.operations.clear()

    # -- routing --------------------------------------------------------------------------------
    def routes(self) -> list[Route]:
        return [Route("/admin/api/{version}/graphql.json", self.graphql, methods=["POST"])]

    def control_routes(self) -> list[Route]:
        return [
            Route("/_sandbox/fulfillments", self.list_fulfillments, methods=["GET"]),
            Route("/_sandbox/inventory", self.list_inventory, methods=["GET"]),
            Route("/_sandbox/inventory", self.set_inventory, methods=["POST"]),
            Route("/_sandbox/adjustments", self.list_adjustments, methods=["GET"]),
            Route("/_sandbox/orders", self.list_orders, methods=["GET"]),
            Route("/_sandbox/orders", self.upsert_order, methods=["POST"]),
            Route("/_sandbox/operations", self.list_operations, methods=["GET"]),
            Route("/_sandbox/throttle", self.throttle_status, methods=["GET"]),
            Route("/_sandbox/throttle", self.set_throttle, methods=["POST"]),
        ]

    # -- the GraphQL endpoint -------------------------------------------------------------------
    def _response(self, body: Any, status: int = 200, version: str | None = None) -> JSONResponse:
        self._requests += 1
        headers = {"X-Request-Id": f"sandbox-{self._requests:08d}"}
        if version:
            headers["X-Shopify-API-Version"] = version
        return JSONResponse(body, status_code=status, headers=headers)

    def _cost_extension(self, requested: int | None, actual: int | None) -> dict[str, Any]:
        return {"cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": self.bucket.status().as_json(),
        }}

    def _log(self, operation: OperationDefinitionNode | None, requested: int | None, actual: int | None,
             throttled: bool, codes: list[str], variables: dict[str, Any] | None = None) -> None:
        roots: tuple[str, ...] = ()
        if operation is not None:
            roots = tuple(s.name.value for s in operation.selection_set.selections if hasattr(s, "name"))
        self.operations.append(OperationLogEntry(
            operation_type=operation.operation.value if operation is not None else "unknown",
            operation_name=operation.name.value if operation is not None and operation.name else None,
            root_fields=roots, requested_cost=requested, actual_cost=actual, throttled=throttled,
            error_codes=tuple(codes), variables=dict(variables or {}),
        ))

    async def graphql(self, request: Request) -> Response:
        version = request.path_params["version"]
        if not _VERSION.match(version):
            return self._response({"errors": "Not Found"}, 404)
        given = request.headers.get("x-shopify-access-token", "").encode()
        if not hmac.compare_digest(given, self.token.encode()):
            return self._response(INVALID_TOKEN_BODY, 401)
        raw = await request.body()
        query, variables, operation_name = self._read_body(request, raw)
        if not isinstance(query, str) or not query.strip() or not isinstance(variables, dict):
            return self._response({"errors": {"query": "Required parameter missing or invalid"}}, 400, version)
        try:
            document = parse(query)
        except GraphQLSyntaxError as error:
            self._log(None, None, None, False, ["PARSE_ERROR"])
            return self._response({"errors": [_formatted(error, "PARSE_ERROR")]}, 200, version)
        problems = validate(self.schema, document)
        if problems:
            errors = [_formatted(e, _validation_code(e.message)) for e in problems]
            self._log(None, None, None, False, [e["extensions"]["code"] for e in errors])
            return self._response({"errors": errors}, 200, version)
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            message = (f"No operation named \"{operation_name}\"" if operation_name
                       else "An operation name is required when the document contains several operations")
            return self._response({"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}, 200, version)
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        values = self._variable_values(operation, variables)
        requested = requested_cost(self.schema, operation, fragments, values)
        if requested > MAX_QUERY_COST:
            self._log(operation, requested, None, False, ["MAX_COST_EXCEEDED"], variables)
            return self._response({
                "errors": [{
                    "message": f"Query cost is {requested}, which exceeds the single query max cost limit "
                               f"({MAX_QUERY_COST}).\n\nSee {_RATE_LIMITS_DOC} for more information on how the cost "
                               "of a query is calculated.\n\nTo query larger amounts of data with fewer limits, "
                               "bulk operations should be used instead.",
                    "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": MAX_QUERY_COST},
                }],
                "extensions": self._cost_extension(requested, None),
            }, 200, version)
        if not self.bucket.take(requested):
            self._log(operation, requested, None, True, ["THROTTLED"], variables)
            return self._response({
                "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": _RATE_LIMITS_DOC}}],
                "extensions": self._cost_extension(requested, None),
            }, 200, version)
        context = RequestContext(
            store=self.store, api_version=version, pagination_limit=self.pagination_limit, idempotency=self.idempotency,
        )
        result = execute(
            self.schema, document, context_value=context, variable_values=variables, operation_name=operation_name,
        )
        if hasattr(result, "__await__"):  # pragma: no cover - every resolver is synchronous
            result = await result  # type: ignore[misc]
        spent = actual_cost(self.schema, operation, fragments, result.data) if result.data is not None else 0
        spent = min(spent, requested)
        self.bucket.refund(requested - spent)
        body: dict[str, Any] = {}
        codes: list[str] = []
        if result.errors:
            body["errors"] = [_formatted(e, self._execution_code(e)) for e in result.errors]
            codes = [e["extensions"]["code"] for e in body["errors"]]
        if result.data is not None or not result.errors:
            body["data"] = result.data
        body["extensions"] = self._cost_extension(requested, spent)
        if context.search_warnings:
            body["extensions"]["search"] = context.search_warnings
        self._log(operation, requested, spent, False, codes, variables)
        return self._response(body, 200, version)

    @staticmethod
    def _execution_code(error: GraphQLError) -> str:
        if error.message.startswith("Variable "):
            return "INVALID_VARIABLE"
        return "INTERNAL_SERVER_ERROR" if error.original_error and not isinstance(error.original_error, GraphQLError) \
            else "BAD_REQUEST"

    @staticmethod
    def _read_body(request: Request, raw: bytes) -> tuple[Any, Any, str | None]:
        content_type = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
        if content_type == "application/graphql":
            return raw.decode("utf-8", errors="replace"), {}, None
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            return None, None, None
        if not isinstance(body, dict):
            return None, None, None
        variables = body.get("variables")
        operation_name = body.get("operationName")
        return body.get("query"), {} if variables is None else variables, \
            operation_name if isinstance(operation_name, str) else None

    def _variable_values(self, operation: OperationDefinitionNode, variables: dict[str, Any]) -> dict[str, Any]:
        """Variables as given, plus the defaults the operation declares (the cost needs ``first`` values)."""
        values = dict(variables)
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in values and definition.default_value is not None:
                type_ = type_from_ast(self.schema, definition.type)
                if type_ is not None:
                    values[name] = value_from_ast(definition.default_value, type_)  # type: ignore[arg-type]
        return values

    # -- control endpoints ------------------------------------------------------------------------
    async def list_fulfillments(self, request: Request) -> Response:
        return JSONResponse(self.store.received_fulfillments)

    async def list_adjustments(self, request: Request) -> Response:
        return JSONResponse(self.store.adjustments)

    async def list_operations(self, request: Request) -> Response:
        return JSONResponse([asdict(entry) for entry in self.operations])

    def _inventory_rows(self, sku: str | None = None, location: str | None = None) -> list[dict[str, Any]]:
        rows = []
        for (item_id, location_id), level in self.store.levels.items():
            item = self.store.items[item_id]
            if (sku and item["sku"] != sku) or (location and location_id != location):
                continue
            rows.append({
                "sku": item["sku"], "inventoryItemId": item_id, "locationId": location_id,
                "available": level["available"], "onHand": level["on_hand"], "committed": level["committed"],
                "updatedAt": level["updatedAt"],
            })
        return rows

    async def list_inventory(self, request: Request) -> Response:
        return JSONResponse(self._inventory_rows(request.query_params.get("sku"), request.query_params.get("locationId")))

    async def set_inventory(self, request: Request) -> Response:
        """``{"sku" | "inventoryItemId", "locationId", "available"}``: stock changed outside the app (a POS sale)."""
        body = await request.json()
        item_id = body.get("inventoryItemId")
        if item_id is None and body.get("sku"):
            variant = self.store.variant_by_sku(body["sku"])
            item_id = variant["_itemId"] if variant else None
        level = self.store.level(item_id, body.get("locationId", "")) if item_id else None
        if level is None:
            return JSONResponse({"error": "unknown inventory item or location"}, status_code=404)
        delta = int(body["available"]) - level["available"]
        level["available"] += delta
        level["on_hand"] += delta
        level["updatedAt"] = self.store.stamp()
        return JSONResponse(self._inventory_rows(self.store.items[item_id]["sku"], body["locationId"])[0])

    async def list_orders(self, request: Request) -> Response:
        return JSONResponse([_public(order) for order in self.store.orders.values()])

    async def upsert_order(self, request: Request) -> Response:
        """Create an order (``{"lines": [{"sku", "quantity"}], …}``) or change one (``{"id", field: value}``).

        A change bumps ``updatedAt`` (to ``updatedAt`` when given, else now), as an edit in the admin does.
        """
        body = await request.json()
        store = self.store
        if body.get("id"):
            order = store.orders.get(body["id"])
            if order is None:
                return JSONResponse({"error": f"order {body['id']} does not exist"}, status_code=404)
            for key, value in body.items():
                if key in ("id", "updatedAt") or key.startswith("_"):
                    continue
                if key not in order:
                    return JSONResponse({"error": f"unknown order field '{key}'"}, status_code=400)
                order[key] = value
            order["updatedAt"] = iso(parse_time(body["updatedAt"])) if body.get("updatedAt") else store.stamp()
            return JSONResponse(_public(order))
        stamp = parse_time(body["updatedAt"]) if body.get("updatedAt") else parse_time(store.stamp())
        customer = body.get("customer") or {}
        address = {
            "name": None, "firstName": customer.get("firstName", "Test"), "lastName": customer.get("lastName", "Buyer"),
            "company": None, "address1": "1 Test Way", "address2": None, "city": "Austin", "province": "TX",
            "provinceCode": "TX", "zip": "73301", "country": "United States", "countryCodeV2": "US", "phone": None,
            **(body.get("shippingAddress") or {}),
        }
        lines = [(line["sku"], int(line.get("quantity", 1)), Decimal(str(line.get("discount", "0"))))
                 for line in body.get("lines") or []]
        if not lines:
            return JSONResponse({"error": "an order needs at least one line"}, status_code=400)
        order = store.new_order(
            created=stamp, updated=stamp,
            customer=(customer.get("firstName", "Test"), customer.get("lastName", "Buyer")),
            address=address, lines=lines,
            prices={line["sku"]: Decimal(str(line["price"])) for line in body["lines"] if "price" in line},
            financial=body.get("displayFinancialStatus", "PAID"), shipping=Decimal(str(body.get("shipping", "0"))),
            location_index=int(body.get("locationIndex", 0)), tags=body.get("tags"), note=body.get("note"),
        )
        return JSONResponse(_public(order), status_code=201)

    async def throttle_status(self, request: Request) -> Response:
        return JSONResponse(self.bucket.status().as_json())

    async def set_throttle(self, request: Request) -> Response:
        """``{"currentlyAvailable": n}``: another process of the same app spent the rest of the bucket."""
        body = await request.json()
        self.bucket.set_available(float(body["currentlyAvailable"]))
        return JSONResponse(self.bucket.status().as_json())
