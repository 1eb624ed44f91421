"""Finding a connector's sandbox and serving it on a local port."""

from __future__ import annotations

from typing import Any

from crossdock.core.contract import load_connector_class, load_object
from crossdock.core.errors import FatalError

__all__ = ["create_sandbox", "serve"]


def create_sandbox(name: str, **options: Any) -> Any:
    """A fresh instance of connector ``name``'s sandbox (an ASGI app), built with ``options``.

    The connector's ``sandbox`` attribute names its factory as ``"package.module:factory"``; every
    factory takes at least ``seed`` and ``faults`` (see :mod:`crossdock.runtime.sandbox`).
    """
    connector_class = load_connector_class(name)
    if not connector_class.sandbox:
        raise FatalError(f"connector '{name}' declares no sandbox")
    factory = load_object(connector_class.sandbox)
    if not callable(factory):
        raise FatalError(f"sandbox '{connector_class.sandbox}' of connector '{name}' is not a factory")
    return factory(**options)


def serve(app: Any, *, host: str = "127.0.0.1", port: int = 8080, log_level: str = "info") -> None:
    """Serve ``app`` with uvicorn until interrupted. Loopback by default: a sandbox has fake auth."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level=log_level)
