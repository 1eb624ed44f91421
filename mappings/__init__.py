"""Declarative mappings between a system's payloads and Crossdock's canonical records.

A mapping is a YAML document (see ``mappings/README.md``) compiled once into a
:class:`CompiledMapping`; applying it to a record evaluates precompiled JMESPath getters and typed
transforms and returns a plain dict, which callers validate into canonical models (``apply_to``).
The engine deliberately knows nothing about the canonical models, so one engine serves both
directions: payload → canonical and canonical → payload.

Connectors add transforms with :func:`register_transform` and ship default mappings as YAML in
``mappings/<connector>/``, loaded by name (``load_mapping("shopify/order")``).
"""

from __future__ import annotations

from ._compiled import CompiledMapping
from ._compiler import compile_mapping
from ._errors import MappingError, TransformError
from ._loader import clear_mapping_cache, load_mapping, resolve_mapping
from ._paths import compile_path
from ._transforms import register_transform, registered_transforms

__all__ = [
    "CompiledMapping",
    "MappingError",
    "TransformError",
    "clear_mapping_cache",
    "compile_mapping",
    "compile_path",
    "load_mapping",
    "register_transform",
    "registered_transforms",
    "resolve_mapping",
]
