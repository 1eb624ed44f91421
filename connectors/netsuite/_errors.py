"""NetSuite's error body, read into the record errors operators see in the error queue.

REST web services explain a refusal in ``o:errorDetails``: a ``detail`` sentence, an ``o:errorCode``
(``USER_ERROR``, ``INVALID_CONTENT`` …) and, for a bad value in the body, ``o:errorPath`` (the JSON
path of the value: ``item.items[1].item``). The record error's message quotes the first detail and
its path; ``details["netsuite_errors"]`` keeps all of them.
"""

from __future__ import annotations

from typing import Any

from crossdock.core.errors import ConnectorError, RecordError
from crossdock.core.redaction import redact, redact_value

__all__ = ["error_details", "record_error"]


def error_details(body: Any) -> list[dict[str, str]]:
    """``[{"detail", "code", "path"?, "query_param"?, "header"?}]`` from a NetSuite error body."""
    if not isinstance(body, dict) or not isinstance(body.get("o:errorDetails"), list):
        return []
    found = []
    for entry in body["o:errorDetails"]:
        if not isinstance(entry, dict):
            continue
        item = {"detail": str(entry.get("detail", "")), "code": str(entry.get("o:errorCode", ""))}
        for source, target in (("o:errorPath", "path"), ("o:errorQueryParam", "query_param"), ("o:errorHeader", "header")):
            if entry.get(source):
                item[target] = str(entry[source])
        found.append(item)
    return found


def record_error(exc: ConnectorError, *, what: str) -> RecordError:
    """A 4xx from NetSuite as this record's error, with NetSuite's own explanation in front."""
    details = redact_value(dict(exc.details))
    errors = error_details(details.get("body"))
    message = f"{what}: NetSuite refused it (HTTP {details.get('status', '?')})"
    if errors:
        first = errors[0]
        where = f" at {first['path']}" if first.get("path") else ""
        message = f"{what}: {first['detail']} [{first['code']}{where}]"
        details["netsuite_errors"] = errors
        if first.get("path"):
            details["error_path"] = first["path"]
        details["error_code"] = first["code"]
    return RecordError(redact(message), details=details)
