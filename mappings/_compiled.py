"""A compiled mapping: apply it to records, or apply and validate into a model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ._errors import MappingError
from ._codegen import generate_builder
from ._plan import Entry, Failure
from ._values import show, truncate_text

__all__ = ["CompiledMapping"]

M = TypeVar("M", bound=BaseModel)

_MAX_OTHER_PROBLEMS = 3


class CompiledMapping:
    """A mapping ready to run. Immutable and safe to share between jobs, tasks and threads.

    Build one with :func:`crossdock.mappings.load_mapping` or :func:`crossdock.mappings.compile_mapping`.
    ``source`` is what errors point at: the file, or the document's name when compiled from a dict.
    """

    __slots__ = ("name", "direction", "source", "_entries", "_build", "_target_lines")

    def __init__(
        self,
        *,
        name: str,
        direction: str | None,
        source: str,
        entries: tuple[Entry, ...],
        target_lines: dict[tuple[str, ...], int | None],
    ) -> None:
        self.name = name
        self.direction = direction
        self.source = source
        self._entries = entries
        self._build = generate_builder(entries)
        self._target_lines = target_lines

    def __repr__(self) -> str:
        return f"CompiledMapping(name={self.name!r}, source={self.source!r})"

    def apply(self, record: Mapping[str, Any], *, record_key: str | int | None = None) -> dict[str, Any]:
        """Translate one record into a plain dict (Decimal, datetime and date values from transforms).

        ``record_key`` only labels errors: a :class:`MappingError` names the file, the target field,
        the rule's line and this key.
        """
        if type(record) is not dict and not isinstance(record, Mapping):
            raise MappingError(
                f"a record must be a mapping, got {show(record)}", mapping=self.source, record_key=_key(record_key)
            )
        try:
            return self._build(record, record)
        except Failure as failure:
            raise MappingError(
                failure.message,
                mapping=self.source,
                field=failure.field,
                line=failure.line,
                record_key=_key(record_key),
            ) from failure.__cause__

    def apply_to(self, record: Mapping[str, Any], model: type[M], *, record_key: str | int | None = None) -> M:
        """Translate one record and validate it as ``model``.

        A validation failure becomes a :class:`MappingError` naming the first invalid target field
        (``lines[0].quantity``) and the line of the rule that produced it, so the operator fixes the
        mapping or the data without reading a pydantic traceback.
        """
        data = self.apply(record, record_key=record_key)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise self._validation_error(exc, model, record_key) from exc

    def _validation_error(
        self, exc: ValidationError, model: type[BaseModel], record_key: str | int | None
    ) -> MappingError:
        problems = exc.errors(include_url=False, include_context=False)
        first = problems[0]
        loc = tuple(first["loc"])
        message = f"{model.__name__}: {_problem_text(first)}"
        others = [_format_loc(tuple(p["loc"])) or "(record)" for p in problems[1:]]
        if others:
            shown = ", ".join(others[:_MAX_OTHER_PROBLEMS])
            extra = "" if len(others) <= _MAX_OTHER_PROBLEMS else f" and {len(others) - _MAX_OTHER_PROBLEMS} more"
            message += f" (also invalid: {shown}{extra})"
        return MappingError(
            message,
            mapping=self.source,
            field=_format_loc(loc) or None,
            line=self._line_for(loc),
            record_key=_key(record_key),
        )

    def _line_for(self, loc: tuple[Any, ...]) -> int | None:
        """The line of the rule that produced ``loc`` (or its closest mapped parent)."""
        names = tuple(part for part in loc if isinstance(part, str))
        for end in range(len(names), 0, -1):
            line = self._target_lines.get(names[:end])
            if line is not None:
                return line
        return None


def _key(record_key: str | int | None) -> str | None:
    return None if record_key is None else str(record_key)


def _format_loc(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _problem_text(problem: Mapping[str, Any]) -> str:
    text = str(problem.get("msg", "invalid"))
    value = problem.get("input")
    if problem.get("type") != "missing" and "input" in problem and not isinstance(value, Mapping):
        text += f", got {show(value)}"
    return truncate_text(text, 300)
