"""Schedules (intervals and cron), durations, and the JSON Schema kept in the repository."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
import yaml
from pydantic import ValidationError

import crossdock.config
from crossdock.config.jobs import JobOptions, Schedule, format_duration, job_json_schema, parse_duration

SCHEMA_FILE = Path(crossdock.config.__file__).parent / "job.schema.json"


def test_durations_and_cron_schedules() -> None:
    assert parse_duration("30s") == timedelta(seconds=30)
    assert parse_duration("5m") == timedelta(minutes=5)
    assert parse_duration("1h") == timedelta(hours=1)
    assert parse_duration("1d") == timedelta(days=1)
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert format_duration(timedelta(minutes=90)) == "1h30m"

    every = Schedule.model_validate({"every": "5m"})
    assert every.next_after(datetime(2026, 3, 1, 12, 0, 7, tzinfo=UTC)) == datetime(2026, 3, 1, 12, 5, 7, tzinfo=UTC)

    cron = Schedule.model_validate({"cron": "*/15 * * * *"})
    assert cron.next_after(datetime(2026, 3, 1, 12, 7, tzinfo=UTC)) == datetime(2026, 3, 1, 12, 15, tzinfo=UTC)
    assert cron.next_after(datetime(2026, 3, 1, 12, 15, tzinfo=UTC)) == datetime(2026, 3, 1, 12, 30, tzinfo=UTC)

    nightly_berlin = Schedule.model_validate({"cron": "0 2 * * *", "timezone": "Europe/Berlin"})
    assert nightly_berlin.next_after(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == datetime(2026, 7, 2, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("schedule", "complaint"),
    [
        ({"cron": "every five minutes"}, "not a valid cron expression"),
        ({"every": "5 minutes"}, "not a duration"),
        ({"every": 300}, "a duration needs a unit"),
        ({"every": "0s"}, "must be longer than zero"),
        ({}, "exactly one of 'every'"),
        ({"every": "5m", "cron": "* * * * *"}, "exactly one of 'every'"),
        ({"cron": "0 2 * * *", "timezone": "Mars/Olympus"}, "unknown time zone"),
    ],
)
def test_bad_schedules_are_refused_with_a_reason(schedule: dict[str, object], complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        Schedule.model_validate(schedule)


def test_naive_start_from_is_taken_as_utc() -> None:
    options = JobOptions.model_validate({"start_from": "2026-01-01T00:00:00"})

    assert options.start_from == datetime(2026, 1, 1, tzinfo=UTC)


def test_schema_file_is_up_to_date() -> None:
    expected = json.dumps(job_json_schema(), indent=2) + "\n"

    assert SCHEMA_FILE.read_text() == expected, (
        "config/job.schema.json is stale: run `.venv/bin/python -m crossdock.config.jobs > config/job.schema.json`"
    )


def test_schema_accepts_a_valid_job_and_rejects_a_misspelt_key(valid_job: str) -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    document = yaml.safe_load(valid_job)

    jsonschema.validate(document, schema)
    document["flows"][0]["sink"]["mapping_overides"] = {}
    with pytest.raises(jsonschema.ValidationError, match="mapping_overides"):
        jsonschema.validate(document, schema)
