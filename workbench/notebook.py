"""Helpers the notebooks call in their first cells: parameter checking and display setup.

A notebook's first code cell is its ``parameters`` cell (one typed, commented line per
parameter). Its second cell calls :func:`parameters` with ``globals()`` and a pydantic model
of the same fields: unknown names (for example a misspelled ``-p`` passed to papermill, which
papermill only warns about) and mistyped values become a :class:`~workbench.errors.ConfigError`
before any work is done.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import ConfigError

M = TypeVar("M", bound=BaseModel)

_IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def _user_names(namespace: dict[str, Any]) -> dict[str, Any]:
    import types

    return {
        name: value
        for name, value in namespace.items()
        if not name.startswith("_")
        and name not in _IPYTHON_NAMES
        and not isinstance(value, types.ModuleType)
        and not callable(value)
    }


def parameters(namespace: dict[str, Any], model: type[M], *, notebook: str = "") -> M:
    """Validate the notebook's parameters (its global names so far) against ``model``."""
    values = _user_names(namespace)
    known = set(model.model_fields)
    unknown = sorted(set(values) - known)
    where = f" of {notebook}" if notebook else ""
    if unknown:
        raise ConfigError(
            f"Unknown parameter(s){where}: {', '.join(unknown)}. "
            f"Known parameters: {', '.join(sorted(known))}. Check the spelling in the cycle config or -p option."
        )
    try:
        return model.model_validate({k: v for k, v in values.items() if k in known})
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"])
            got = err.get("input")
            hint = ""
            if isinstance(got, str) and got.strip().startswith(("[", "{")):
                hint = (" (papermill's -p passes lists and mappings as text: use -y 'name: [..]' "
                        "or a parameters YAML file with -f)")
            lines.append(f"  - {name}: {err['msg']}; got {got!r}{hint}")
        raise ConfigError(f"Invalid parameter value(s){where}:\n" + "\n".join(lines)) from exc


def setup() -> None:
    """Display settings shared by every notebook: offline SVG charts, readable tables."""
    import pandas as pd

    from .report.charts import enable_offline_charts

    enable_offline_charts()
    pd.set_option("display.max_columns", 40)
    pd.set_option("display.width", 160)
    pd.set_option("display.precision", 4)
