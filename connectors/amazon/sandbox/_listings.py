"""Processing a JSON_LISTINGS_FEED document into a processing report.

The feed is schemas/feeds/listings-feed-schema-v2.json (header ``{sellerId, version: "2.0", …}`` and
``messages``); the report is listings-feed-processing-report-schema-v2.json (``header`` with the
``feedId``, ``issues`` by ``messageId``, ``summary`` counts). The whole feed is ``FATAL`` when it cannot
be read, its header is wrong, or it holds more than 25,000 messages ("feed messages list beyond allowed
size", as Amazon words it). Otherwise each message is checked on its own:

* against the message schema: issue ``4002008`` "The provided message did not meet the schema
  validation requirements for a feed message." (Amazon's code and text);
* an unknown SKU: the sandbox refuses it (code ``NOT_FOUND``) so that error path can be exercised;
  real Amazon may accept a PATCH for a SKU it does not list (amzn/selling-partner-api-models#4402);
* a ``fulfillment_availability`` quantity that is not a whole number ≥ 0: code ``BAD_REQUEST`` with the
  attribute name (the sandbox's wording).

Accepted PATCH/PARTIAL_UPDATE messages set the SKU's DEFAULT-channel quantity; other attributes and
operation types are accepted and ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .._rates import MAX_LISTINGS_FEED_MESSAGES
from ._data import Listing

__all__ = ["ListingsFeedResult", "process_listings_feed"]

_OPERATIONS = frozenset({"UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE"})
_PATCH_OPS = frozenset({"add", "replace", "merge", "delete"})
_SCHEMA_CODE = "4002008"
_SCHEMA_MESSAGE = "The provided message did not meet the schema validation requirements for a feed message."
_AVAILABILITY = "fulfillment_availability"


@dataclass
class ListingsFeedResult:
    report: dict[str, Any]
    fatal: bool
    quantities: dict[str, int] = field(default_factory=dict)
    """SKU → new DEFAULT quantity, for the accepted messages (applied by the caller)."""


def process_listings_feed(
    content: str | None, *, feed_id: str, seller_id: str, listings: dict[str, Listing]
) -> ListingsFeedResult:
    header = {"sellerId": seller_id, "version": "2.0", "feedId": feed_id}
    if content is None:
        return _fatal(header, "The feed document was never uploaded.")
    try:
        feed = json.loads(content)
    except ValueError:
        return _fatal(header, "The feed document is not valid JSON.")
    if not isinstance(feed, dict) or not isinstance(feed.get("header"), dict) or not isinstance(feed.get("messages"), list):
        return _fatal(header, "The feed document must be an object with a header and messages.")
    if feed["header"].get("version") != "2.0":
        return _fatal(header, "The feed header version must be \"2.0\".")
    if feed["header"].get("sellerId") != seller_id:
        return _fatal(header, "The feed header sellerId does not match the selling partner that submitted the feed.")
    messages = feed["messages"]
    if not messages:
        return _fatal(header, "The feed contains no messages.")
    if len(messages) > MAX_LISTINGS_FEED_MESSAGES:
        return _fatal(header, f"feed messages list beyond allowed size ({len(messages)} > {MAX_LISTINGS_FEED_MESSAGES})")

    issues: list[dict[str, Any]] = []
    quantities: dict[str, int] = {}
    accepted = 0
    for message in messages:
        found = _message_issues(message, listings)
        if found:
            issues += found
        else:
            accepted += 1
            quantity = _new_quantity(message)
            if quantity is not None:
                quantities[message["sku"]] = quantity
    errors = sum(1 for i in issues if i["severity"] == "ERROR")
    invalid = len(messages) - accepted
    report = {
        "header": header,
        "issues": issues,
        "summary": {
            "errors": errors,
            "warnings": len(issues) - errors,
            "messagesProcessed": len(messages),
            "messagesAccepted": accepted,
            "messagesInvalid": invalid,
        },
    }
    return ListingsFeedResult(report, fatal=False, quantities=quantities)


def _fatal(header: dict[str, Any], message: str) -> ListingsFeedResult:
    report = {
        "header": header,
        "issues": [{"code": "FATAL", "severity": "ERROR", "message": message}],
        "summary": {"errors": 1, "warnings": 0, "messagesProcessed": 0, "messagesAccepted": 0, "messagesInvalid": 0},
    }
    return ListingsFeedResult(report, fatal=True)


def _issue(message: dict[str, Any], code: str, text: str, attribute: str | None = None) -> dict[str, Any]:
    issue: dict[str, Any] = {}
    if _is_message_id(message.get("messageId")):
        issue["messageId"] = message["messageId"]
    if isinstance(message.get("sku"), str) and message["sku"]:
        issue["sku"] = message["sku"]
    issue.update({"code": code, "severity": "ERROR", "message": text})
    if attribute:
        issue["attributeName"] = attribute
    return issue


def _is_message_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2_147_483_647


def _schema_valid(message: Any) -> bool:
    if not isinstance(message, dict) or not _is_message_id(message.get("messageId")):
        return False
    if not isinstance(message.get("sku"), str) or not message["sku"] or message.get("operationType") not in _OPERATIONS:
        return False
    operation = message["operationType"]
    if operation == "DELETE":
        return not any(k in message for k in ("requirements", "attributes", "productType", "patches"))
    if not isinstance(message.get("productType"), str) or not message["productType"]:
        return False
    if operation == "PATCH":
        patches = message.get("patches")
        if "attributes" in message or "requirements" in message or not isinstance(patches, list) or not patches:
            return False
        return all(
            isinstance(p, dict) and p.get("op") in _PATCH_OPS and isinstance(p.get("path"), str)
            and ("value" not in p or isinstance(p["value"], list))
            for p in patches
        )  # fmt: skip
    attributes = message.get("attributes")
    if "patches" in message or not isinstance(attributes, dict) or not attributes:
        return False
    return not (operation == "PARTIAL_UPDATE" and "requirements" in message)


def _availability(message: dict[str, Any]) -> list[Any] | None:
    """The ``fulfillment_availability`` values a message sets, or None when it sets none."""
    if message["operationType"] == "PATCH":
        for patch in message["patches"]:
            if patch["path"] == f"/attributes/{_AVAILABILITY}" and patch["op"] in ("add", "replace", "merge"):
                return list(patch.get("value") or [])
        return None
    if message["operationType"] in ("UPDATE", "PARTIAL_UPDATE"):
        value = message["attributes"].get(_AVAILABILITY)
        return list(value) if isinstance(value, list) else None
    return None


def _message_issues(message: Any, listings: dict[str, Listing]) -> list[dict[str, Any]]:
    if not _schema_valid(message):
        return [_issue(message if isinstance(message, dict) else {}, _SCHEMA_CODE, _SCHEMA_MESSAGE)]
    if message["sku"] not in listings:
        return [_issue(message, "NOT_FOUND", f"SKU '{message['sku']}' does not exist in the seller's catalog.")]
    issues = []
    for entry in _availability(message) or []:
        if not isinstance(entry, dict) or entry.get("fulfillment_channel_code") != "DEFAULT":
            continue
        quantity = entry.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            issues.append(_issue(
                message, "BAD_REQUEST",
                f"The value '{quantity}' of 'fulfillment_availability.quantity' must be a whole number of 0 or more.",
                attribute=_AVAILABILITY,
            ))  # fmt: skip
    return issues


def _new_quantity(message: dict[str, Any]) -> int | None:
    for entry in _availability(message) or []:
        if isinstance(entry, dict) and entry.get("fulfillment_channel_code") == "DEFAULT" and "quantity" in entry:
            return int(entry["quantity"])
    return None
