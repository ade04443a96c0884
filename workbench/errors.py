"""The workbench's exception family and the ``Problem`` record used to report bad input.

Every error a user can cause derives from :class:`WorkbenchError`. Input problems are
collected (never raised one at a time) and reported together, each saying which file,
which row or YAML path, which field, what value was found, what was expected and what to do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable

MAX_PROBLEMS_SHOWN = 40


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located precisely enough to fix it."""

    file: str
    location: str  # "row 17", "line 4 (criteria[2].threshold)", "header", "file"
    field: str
    value: Any
    expected: str
    fix: str = ""

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.file, self.location) if part)
        field = f" field '{self.field}'" if self.field else ""
        value = "" if self.value is None else f": got {_short(self.value)}"
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{where}{field}{value}; expected {self.expected}.{fix}"

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["value"] = None if self.value is None else _short(self.value)
        return out


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class WorkbenchError(Exception):
    """Base class of every error the workbench raises on purpose."""


class InputError(WorkbenchError):
    """An input file or table does not meet its contract. Holds every problem found."""

    def __init__(self, problems: Iterable[Problem] | str, *, source: str = ""):
        if isinstance(problems, str):
            problems = [Problem(source, "", "", None, problems)]
        self.problems: list[Problem] = list(problems)
        self.source = source
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {self.source or 'the input'}:"
        lines = [f"  - {p}" for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        if n > MAX_PROBLEMS_SHOWN:
            lines.append(f"  ... and {n - MAX_PROBLEMS_SHOWN} more of the same kinds.")
        return "\n".join([head, *lines])


class ConfigError(WorkbenchError):
    """A parameter, cycle config or command-line option is invalid."""


class InsufficientDataError(WorkbenchError):
    """The data are valid but too few or too uniform for the requested analysis."""


class ModelFitError(WorkbenchError):
    """A statistical model failed to fit (non-convergence, separation, singular design)."""
