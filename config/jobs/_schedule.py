"""When a job runs again: a fixed interval (``every: 5m``) or a cron expression."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._durations import PositiveDuration

__all__ = ["Schedule"]


class Schedule(BaseModel):
    """Exactly one of ``every`` and ``cron``.

    ``every`` counts from the end of the previous run, so a slow run never overlaps the next one.
    ``cron`` follows the wall clock of ``timezone`` (default UTC), because "every night at 2" means the
    warehouse's night, DST included.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    every: PositiveDuration | None = Field(default=None, description="Interval between runs: 30s, 5m, 1h, 1d.")
    cron: str | None = Field(default=None, description="Cron expression, e.g. '*/5 * * * *'.", examples=["*/5 * * * *"])
    timezone: str = Field(default="UTC", description="IANA time zone the cron expression is read in.")

    @field_validator("cron")
    @classmethod
    def _cron_is_valid(cls, value: str | None) -> str | None:
        if value is not None and not croniter.is_valid(value):
            raise ValueError(f"not a valid cron expression: {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as 'Europe/Berlin')") from None
        return value

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> Schedule:
        if (self.every is None) == (self.cron is None):
            raise ValueError("give exactly one of 'every' (e.g. 5m) and 'cron' (e.g. '*/5 * * * *')")
        return self

    def next_after(self, moment: datetime) -> datetime:
        """The next run time strictly after ``moment`` (a naive ``moment`` is taken as UTC).

        The result is in ``moment``'s time zone.
        """
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if self.every is not None:
            return moment + self.every
        assert self.cron is not None
        local = moment.astimezone(ZoneInfo(self.timezone))
        upcoming: datetime = croniter(self.cron, local).get_next(datetime)
        return upcoming.astimezone(moment.tzinfo)
