"""The file connector's sandbox: seeded sample folders, and a small HTTP view of one.

Unlike the other connectors, this one talks to a folder, not to an API, so its sandbox is mostly
:func:`seed_folder`, which writes realistic, deterministic order exports and 3PL stock files for the
examples, the demo and the tests.

:func:`create_app` exists so ``crossdock sandbox serve file`` works like every other sandbox: it is a
*helper* that serves a seeded folder over plain HTTP (list, download, upload), handy for poking at
the sample files or letting a script drop files in. It does not emulate any third party's API (no
SFTP server, no vendor file-exchange portal), and the connector itself never calls it: its sandbox
configuration (:meth:`FileConnector.sandbox_config`) points at a temporary folder seeded the same way.

Endpoints (plus the shared ``/_sandbox/`` control endpoints and fault injection):

- ``GET /files``: ``{"files": [{"name", "size", "modified"}]}``, every file under the folder;
- ``GET /files/{name}``: the file's bytes (``name`` may contain ``/``);
- ``PUT /files/{name}``: store the request body as that file, atomically (201 new, 200 replaced);
- ``GET /_sandbox/folder``: where the folder is on disk.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import uuid
import weakref
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from crossdock.runtime.files import fsync_directory
from crossdock.runtime.sandbox import CONTROL_PREFIX, build_sandbox_app

from ._folder import IN_PROGRESS_SUFFIXES
from ._samples import SeededFolder, write_samples

__all__ = [
    "seed_folder",
    "seeded_temporary_folder",
    "create_app",
    "SeededFolder",
    "SANDBOX_ORDERS_FORMAT",
    "SANDBOX_STOCK_FORMAT",
]

SANDBOX_ORDERS_FORMAT = "jsonl"
"""The seeded storefront exports orders as JSONL…"""
SANDBOX_STOCK_FORMAT = "csv"
"""…and the seeded 3PL drops stock as CSV, so the sandbox shows both formats."""


def seed_folder(
    path: str | Path,
    *,
    orders: int = 40,
    skus: int = 12,
    seed: int = 0,
    orders_format: str = SANDBOX_ORDERS_FORMAT,
    stock_format: str = SANDBOX_STOCK_FORMAT,
    orders_per_file: int = 20,
    bad_lines: int = 0,
    stock_snapshots: int = 1,
) -> SeededFolder:
    """Write sample files into ``path`` (created if missing) and say what was written.

    ``orders/<time>__orders.<fmt>`` hold ``orders`` orders, ``orders_per_file`` per file, one to four
    lines each, with exact totals (subtotal − discount + shipping + tax); ``stock/<time>__stock.<fmt>``
    are ``stock_snapshots`` snapshots (06:00, then every 12 hours) of ``skus`` SKUs at two warehouses,
    each a full list, so a second snapshot repeats every SKU and location with new figures.
    ``bad_lines`` damages one line in each of that many order files (a truncated JSON object, or a
    CSV row without its order number), to show the error queue at work. The same arguments always
    write the same bytes, with the same modification times.
    """
    if orders < 0 or skus < 1 or orders_per_file < 1 or bad_lines < 0 or stock_snapshots < 0:
        raise ValueError("orders ≥ 0, skus ≥ 1, orders_per_file ≥ 1, bad_lines ≥ 0 and stock_snapshots ≥ 0")
    for fmt in (orders_format, stock_format):
        if fmt not in ("jsonl", "csv"):
            raise ValueError(f"format must be 'jsonl' or 'csv', not {fmt!r}")
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    return write_samples(
        folder, orders=orders, skus=skus, seed=seed, orders_format=orders_format, stock_format=stock_format,
        orders_per_file=orders_per_file, bad_lines=bad_lines, stock_snapshots=stock_snapshots,
    )


def seeded_temporary_folder(*, seed: int = 0, **options: object) -> Path:
    """A new temporary folder seeded with :func:`seed_folder`; removed when the process exits."""
    folder = Path(tempfile.mkdtemp(prefix="crossdock-file-sandbox-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    seed_folder(folder, seed=seed, **options)  # type: ignore[arg-type]
    return folder


def create_app(
    *,
    seed: int = 0,
    faults: float = 0.0,
    path: str | Path | None = None,
    orders: int = 40,
    skus: int = 12,
    orders_format: str = SANDBOX_ORDERS_FORMAT,
    stock_format: str = SANDBOX_STOCK_FORMAT,
) -> Starlette:
    """An HTTP view of a folder: a fresh seeded temporary folder, or ``path`` served as it is.

    ``POST /_sandbox/reset`` re-seeds a temporary folder; a folder given as ``path`` is never
    deleted or re-seeded (it may hold someone's real files).
    """
    owned = path is None
    folder = Path(tempfile.mkdtemp(prefix="crossdock-file-sandbox-")) if owned else Path(path).resolve()
    options = {"orders": orders, "skus": skus, "seed": seed, "orders_format": orders_format, "stock_format": stock_format}
    if owned:
        seed_folder(folder, **options)  # type: ignore[arg-type]
    elif not folder.is_dir():
        raise ValueError(f"{folder} is not a folder")

    def reset() -> None:
        if owned:
            shutil.rmtree(folder, ignore_errors=True)
            seed_folder(folder, **options)  # type: ignore[arg-type]

    async def list_files(request: Request) -> JSONResponse:
        files = []
        for item in sorted(folder.rglob("*")):
            relative = item.relative_to(folder)
            if item.is_file() and _visible(relative):
                stat = item.stat()
                modified = datetime.fromtimestamp(stat.st_mtime, UTC).isoformat()
                files.append({"name": relative.as_posix(), "size": stat.st_size, "modified": modified})
        return JSONResponse({"files": files})

    async def get_file(request: Request) -> Response:
        target = _resolve(folder, request.path_params["name"])
        if target is None:
            return _error(400, "bad_name", "file names are relative, without '..' or hidden parts")
        if not target.is_file():
            return _error(404, "not_found", f"no file named {request.path_params['name']!r}")
        return FileResponse(target, media_type=_media_type(target))

    async def put_file(request: Request) -> Response:
        target = _resolve(folder, request.path_params["name"])
        if target is None:
            return _error(400, "bad_name", "file names are relative, without '..' or hidden parts")
        if target.is_dir():
            return _error(409, "is_a_folder", f"{request.path_params['name']!r} is a folder")
        existed = target.exists()
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
        size = 0
        try:
            with open(temporary, "wb") as handle:
                async for chunk in request.stream():
                    handle.write(chunk)
                    size += len(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        fsync_directory(target.parent)
        body = {"name": target.relative_to(folder).as_posix(), "size": size}
        return JSONResponse(body, status_code=200 if existed else 201)

    async def where(request: Request) -> JSONResponse:
        return JSONResponse({"path": str(folder), "temporary": owned})

    app = build_sandbox_app(
        [
            Route("/files", list_files, methods=["GET"]),
            Route("/files/{name:path}", get_file, methods=["GET"]),
            Route("/files/{name:path}", put_file, methods=["PUT"]),
        ],
        seed=seed,
        faults=faults,
        control_routes=[Route(f"{CONTROL_PREFIX}/folder", where, methods=["GET"])],
        on_reset=reset,
    )
    app.state.folder = folder
    if owned:
        _remove_when_done(app, folder)
    return app


def _remove_when_done(app: Starlette, folder: Path) -> None:
    """Delete a temporary folder when the app is collected, the process exits, or a server shuts the
    app down (uvicorn ends a SIGTERM by re-raising it, which skips exit handlers; lifespan runs first)."""
    weakref.finalize(app, shutil.rmtree, folder, ignore_errors=True)
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(served: Any) -> AsyncIterator[Any]:
        try:
            async with inner(served) as state:
                yield state
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    app.router.lifespan_context = lifespan


def _visible(relative: Path) -> bool:
    return not any(part.startswith(".") for part in relative.parts) and not relative.name.endswith(IN_PROGRESS_SUFFIXES)


def _resolve(folder: Path, name: str) -> Path | None:
    """``name`` inside ``folder``, or None when it would leave it or touch a hidden or temporary file."""
    relative = Path(name)
    if not name or relative.is_absolute() or ".." in relative.parts or "\\" in name or not _visible(relative):
        return None
    target = (folder / relative).resolve()
    return target if target.is_relative_to(folder.resolve()) else None


def _media_type(path: Path) -> str:
    return {".csv": "text/csv", ".jsonl": "application/x-ndjson", ".json": "application/json"}.get(
        path.suffix.lower(), "application/octet-stream"
    )


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
