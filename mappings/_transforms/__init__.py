"""The transform registry with the built-in transforms registered."""

from __future__ import annotations

from . import money, numeric, text, timestamps, units  # noqa: F401 - importing registers the built-ins
from ._registry import RESERVED_STEP_NAMES, Step, build_step, register_transform, registered_transforms, source_aware

__all__ = ["RESERVED_STEP_NAMES", "Step", "build_step", "register_transform", "registered_transforms", "source_aware"]
