"""File-system errors as the runtime's typed outcomes: retry what may pass, stop on what will not."""

from __future__ import annotations

import errno

from crossdock.core.errors import ConnectorError, FatalError, RetryableError

__all__ = ["os_error_outcome"]

_TRANSIENT_ERRNOS = frozenset({errno.ENOSPC, errno.EIO, errno.EAGAIN, errno.EDQUOT, errno.ESTALE, errno.EBUSY})


def os_error_outcome(action: str, exc: OSError) -> ConnectorError:
    """``cannot read orders/a.jsonl: Permission denied`` as a fatal error; a full disk or a flaky network
    share as a retryable one (the next run, or the runtime's retry, may succeed)."""
    where = f" {exc.filename}" if exc.filename else ""
    message = f"file connector: cannot {action}{where}: {exc.strerror or exc}"
    if exc.errno in _TRANSIENT_ERRNOS:
        return RetryableError(message)
    return FatalError(message)
