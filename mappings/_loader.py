"""Finding mapping files (a path, or a packaged name such as ``shopify/order``) and compiling each once.

Connectors ship default mappings as YAML inside the ``crossdock.mappings`` package
(``mappings/shopify/order.yaml`` is ``shopify/order``); jobs may point at their own files instead.
Compiled mappings are cached by file, modification time and overrides, so every flow of every run
shares one compiled object, and an edited file is picked up without a restart.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from ._compiled import CompiledMapping
from ._compiler import compile_mapping
from ._errors import MappingError

__all__ = ["load_mapping", "resolve_mapping", "clear_mapping_cache", "PACKAGE"]

PACKAGE = "crossdock.mappings"
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*(?:/[A-Za-z0-9_][A-Za-z0-9_\-]*)*$")
_SUFFIXES = (".yaml", ".yml")
_CACHE_SIZE = 256

_cache: OrderedDict[tuple[Any, ...], CompiledMapping] = OrderedDict()
_lock = threading.Lock()


def resolve_mapping(ref: str | os.PathLike[str]) -> tuple[str, Traversable]:
    """Where ``ref`` lives: ``(label for messages, file)``.

    A ``Path`` or text ending in ``.yaml``/``.yml`` is a file; other text is a packaged name
    (``shopify/order`` → ``crossdock/mappings/shopify/order.yaml``).
    """
    if isinstance(ref, os.PathLike) or (isinstance(ref, str) and ref.endswith(_SUFFIXES)):
        path = Path(ref)
        if not path.is_file():
            hint = ""
            if isinstance(ref, str) and not path.is_absolute() and _NAME.match(ref.rsplit(".", 1)[0]):
                hint = f" (a packaged mapping is named without its suffix: '{ref.rsplit('.', 1)[0]}')"
            raise MappingError(f"mapping file not found{hint}", mapping=str(path))
        return str(path), path
    if not isinstance(ref, str) or not _NAME.match(ref):
        raise MappingError(
            f"a mapping reference is a .yaml path or a packaged name such as 'shopify/order', got {ref!r}"
        )
    *folders, stem = ref.split("/")
    base = resources.files(PACKAGE).joinpath(*folders) if folders else resources.files(PACKAGE)
    for suffix in _SUFFIXES:
        candidate = base.joinpath(stem + suffix)
        if candidate.is_file():
            return f"mappings/{ref}{suffix}", candidate
    raise MappingError(f"no packaged mapping named '{ref}' (looked for crossdock/mappings/{ref}.yaml)")


def load_mapping(ref: str | os.PathLike[str], overrides: Mapping[str, Any] | None = None) -> CompiledMapping:
    """Load and compile a mapping, once per (file, modification time, overrides).

    Raises :class:`MappingError` with the file and line when the mapping does not compile.
    """
    label, file = resolve_mapping(ref)
    key = (*_identity(file), _digest(overrides, label))
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"cannot read the mapping: {exc.__class__.__name__}", mapping=label) from None
    compiled = compile_mapping(text, overrides, source=label)
    with _lock:
        _cache[key] = compiled
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def clear_mapping_cache() -> None:
    """Forget every compiled mapping (tests; a process that registers transforms after loading)."""
    with _lock:
        _cache.clear()


def _identity(file: Traversable) -> tuple[Any, ...]:
    if isinstance(file, Path):
        stat = file.stat()
        return (str(file.resolve()), stat.st_mtime_ns, stat.st_size)
    return (str(file), None, None)  # inside a zip: it cannot change under us


def _digest(overrides: Mapping[str, Any] | None, label: str) -> str | None:
    if not overrides:
        return None
    try:
        text = json.dumps(overrides, sort_keys=True, default=str)
    except (TypeError, ValueError):
        raise MappingError("overrides must be plain data (mappings, lists, text, numbers)", mapping=label) from None
    return hashlib.sha256(text.encode()).hexdigest()
