"""pyx12 parses its map XML on every run (about a quarter of a second per document); the comparison
tests keep each parsed map for the duration of a module instead.  A parsed map holds no run state
(pyx12 counts in its walker and files findings in its error handler), so verdicts are unchanged; the
original loader is put back after each module, so no other test sees the cache."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

import pyx12.map_if
import pyx12.params


@pytest.fixture(scope="module", autouse=True)
def pyx12_maps_parsed_once() -> Iterator[None]:
    original = pyx12.map_if.load_map_file

    @cache
    def parsed(map_file: str, map_path: str | None) -> Any:
        return original(map_file, pyx12.params.ParamsBase(), map_path)

    def load_map_file(map_file: str, param: Any, map_path: str | None = None) -> Any:
        return parsed(map_file, map_path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pyx12.map_if, "load_map_file", load_map_file)
        yield
