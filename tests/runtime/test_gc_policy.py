"""The collector settings a run works under, and that the process gets its own back afterwards."""

from __future__ import annotations

import gc

from crossdock.runtime.gc_policy import YOUNG_THRESHOLD, run_gc_settings


def test_a_run_collects_young_objects_less_often_and_freezes_what_existed_before_it():
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    with run_gc_settings():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_nested_runs_share_the_settings_until_the_last_one_ends():
    before = gc.get_threshold()
    with run_gc_settings():
        with run_gc_settings():
            assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_freeze_made_by_the_host_process_is_left_alone():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with run_gc_settings():
            pass
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


def test_settings_come_back_when_the_run_fails():
    before = gc.get_threshold()
    try:
        with run_gc_settings():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
