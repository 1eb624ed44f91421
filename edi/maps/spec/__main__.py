"""Rewrite the map folder from the specification: ``python -m crossdock.edi.maps.spec``."""

from __future__ import annotations

import sys
from pathlib import Path

from .render import render_all

MAP_FOLDER = Path(__file__).resolve().parent.parent


def main() -> int:
    for file_name, text in render_all().items():
        (MAP_FOLDER / file_name).write_text(text, encoding="utf-8")
        print(f"wrote {file_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
