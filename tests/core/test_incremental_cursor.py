"""The incremental cursor: lookback window, boundary de-duplication, resumable unsorted passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crossdock.core.contract import CursorPosition, IncrementalCursor, SourceRecord

T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def rec(key: str, minutes: int) -> SourceRecord:
    return SourceRecord(key=key, payload={}, cursor_value=T0 + timedelta(minutes=minutes))


def test_first_run_starts_at_the_initial_value() -> None:
    cursor = IncrementalCursor(lookback=timedelta(minutes=10), initial_value=T0)
    assert cursor.position() == CursorPosition(since=T0)


def test_next_run_starts_a_lookback_window_behind_the_high_water_mark() -> None:
    cursor = IncrementalCursor(lookback=timedelta(minutes=10))
    cursor.observe([rec("a", 0), rec("b", 30)], resume_token=None, sorted_by_cursor=True)
    assert cursor.position().since == T0 + timedelta(minutes=20)


def test_records_reread_inside_the_window_are_not_taken_twice() -> None:
    cursor = IncrementalCursor(lookback=timedelta(minutes=10))
    cursor.observe([rec("a", 25), rec("b", 30)], resume_token=None, sorted_by_cursor=True)
    reread = [rec("a", 25), rec("b", 30), rec("late", 28)]
    assert [r.key for r in cursor.new_records(reread)] == ["late"]


def test_a_record_updated_again_is_taken_again() -> None:
    cursor = IncrementalCursor(lookback=timedelta(minutes=10))
    cursor.observe([rec("a", 25)], resume_token=None, sorted_by_cursor=True)
    assert cursor.new_records([rec("a", 27)]) == [rec("a", 27)]


def test_keys_outside_the_window_are_forgotten() -> None:
    cursor = IncrementalCursor(lookback=timedelta(minutes=10))
    cursor.observe([rec("old", 0), rec("new", 60)], resume_token=None, sorted_by_cursor=True)
    assert set(cursor.seen) == {"new"}


def test_state_round_trips() -> None:
    cursor = IncrementalCursor(lookback=timedelta(minutes=5))
    cursor.observe([rec("a", 1)], resume_token=None, sorted_by_cursor=True)
    again = IncrementalCursor.from_state(cursor.to_state(), lookback=timedelta(minutes=5))
    assert again.high_water == cursor.high_water and again.seen == cursor.seen


def test_unsorted_stream_keeps_its_page_token_until_the_pass_completes() -> None:
    cursor = IncrementalCursor(lookback=timedelta(0), initial_value=T0)
    cursor.observe([rec("b", 50), rec("a", 10)], resume_token="page-2", sorted_by_cursor=False)
    assert cursor.high_water is None, "the mark must not move before the whole pass is read"
    assert cursor.position() == CursorPosition(since=T0, resume_token="page-2")

    resumed = IncrementalCursor.from_state(cursor.to_state(), lookback=timedelta(0), initial_value=T0)
    resumed.observe([rec("c", 20)], resume_token=None, sorted_by_cursor=False)
    assert resumed.high_water == T0 + timedelta(minutes=50)
    assert resumed.position() == CursorPosition(since=T0 + timedelta(minutes=50))


def test_integer_cursors_work_without_lookback_arithmetic() -> None:
    cursor = IncrementalCursor()
    cursor.observe([SourceRecord(key="x", payload={}, cursor_value=41)], resume_token=None, sorted_by_cursor=True)
    assert cursor.position().since == 41
    assert cursor.new_records([SourceRecord(key="x", payload={}, cursor_value=41)]) == []
