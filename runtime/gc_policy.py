"""Garbage-collector settings for the duration of a run.

CPython's cyclic collector is tuned for interactive programs: a young-generation pass every 700 new
container objects, and a full pass over every tracked object whenever enough of them have survived
two younger passes. A sync run is the opposite workload. Each record allocates hundreds of short-lived
dicts, lists and models, and a page stays alive across many event-loop turns while its writes are in
flight, so it survives the young passes and keeps triggering full ones. Every full pass walks
everything the process ever imported as well: pydantic's schemas, httpx, the compiled mappings.
Measured on the runtime benchmark, the default settings spent about 65 µs an order in the collector,
a tenth of the runner's own cost. Most of that went on full passes over objects that live as long as
the process.

So, while a run is in progress:

- objects that exist when it starts (modules, schemas, compiled mappings, open connectors) are
  moved to the permanent generation with :func:`gc.freeze`, so full passes skip them;
- the young generation is collected every :data:`YOUNG_THRESHOLD` allocations instead of 700, so a
  page in flight no longer survives several passes and gets promoted.

Memory stays bounded: reference counting still frees almost everything at once, and the collector
still runs, only less often. Both settings are put back when the last run in the process ends, and
a freeze made by someone else (a pre-fork server, say) is left alone.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["YOUNG_THRESHOLD", "run_gc_settings"]

YOUNG_THRESHOLD = 20_000
"""New container objects between young-generation collections while a run is in progress."""

_active = 0
_saved_thresholds: tuple[int, int, int] | None = None
_froze = False


@contextmanager
def run_gc_settings() -> Iterator[None]:
    """Collector settings for a run (see the module docstring); nested and concurrent runs share them."""
    global _active, _saved_thresholds, _froze
    if _active == 0:
        _saved_thresholds = gc.get_threshold()
        _froze = gc.isenabled() and gc.get_freeze_count() == 0
        if _froze:
            gc.freeze()
        if _saved_thresholds[0] and _saved_thresholds[0] < YOUNG_THRESHOLD:
            gc.set_threshold(YOUNG_THRESHOLD, *_saved_thresholds[1:])
    _active += 1
    try:
        yield
    finally:
        _active -= 1
        if _active == 0:
            if _saved_thresholds is not None:
                gc.set_threshold(*_saved_thresholds)
            if _froze:
                gc.unfreeze()
            _saved_thresholds, _froze = None, False
