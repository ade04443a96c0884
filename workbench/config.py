"""The cycle config: which inputs and parameters one pilot cycle runs the suite with."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConfigError, InputError, Problem
from .io import load_yaml, pydantic_problems

CYCLE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class CycleConfig(BaseModel):
    """A cycle config file (YAML). Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field("", description="Title shown on the cycle's index page, e.g. 'Pilot cycle 2 (Q1)'.")
    description: str = Field("", description="Free text shown under the title: scope, data extract date, owner.")
    parameters: dict[str, Any] = Field(
        default_factory=dict,
        description="Parameters passed to every notebook that declares them (e.g. customers_path, as_of, "
                    "pilot_dir). A parameter no notebook declares is an error.",
    )
    notebooks: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per-notebook parameters, keyed by notebook name without .ipynb "
                    "(e.g. 01_churn_survival: {horizons: [3, 6, 12]}); they override 'parameters'.",
    )
    max_parallel: int = Field(2, ge=1, le=16, description="How many notebooks may run at the same time.")
    cell_timeout_seconds: int = Field(1800, ge=10, description="A cell running longer than this fails the notebook.")


def _normalise(value: Any) -> Any:
    """YAML turns 2026-10-31 into a date; notebooks take dates as ISO text."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def load_cycle_config(path: str | Path | None) -> CycleConfig:
    """Load and validate a cycle config; ``None`` gives an empty config (notebook defaults)."""
    if path is None:
        return CycleConfig()
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise InputError([Problem(doc.file, "line 1", "", type(doc.data).__name__,
                                  "a mapping with keys title, parameters, notebooks, ...",
                                  "see templates/cycle.yaml for the layout")], source=doc.file)
    try:
        config = CycleConfig.model_validate(_normalise(doc.data))
    except ValidationError as exc:
        raise InputError(pydantic_problems(exc, doc), source=doc.file) from exc
    return config


def validate_cycle_name(name: str) -> str:
    if not CYCLE_NAME.match(name or "") or ".." in name:
        raise ConfigError(
            f"Invalid cycle name {name!r}: use 1-64 letters, digits, '.', '_' or '-', starting with a "
            "letter or digit, with no path separators and no '..' (e.g. 2026-q4-pilot)."
        )
    return name
