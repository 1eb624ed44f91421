"""Where Crossdock keeps its working files by default (relative to the working directory)."""

from pathlib import Path

WORK_DIR = Path(".crossdock")
DEMO_DIR = WORK_DIR / "demo"
