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


def format_number(value: float) -> str:
    """How a reviewer reads a number in a table: 5,000 and 257,515 (not 5000.0000), 0.7229, 5.068e-16."""
    if value != value:  # NaN
        return ""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.4g}"


def table_html(frame) -> str:
    """HTML of a table for reports: escaped text, readable numbers, no 0..n-1 row labels."""
    import pandas as pd

    show_index = not (isinstance(frame.index, pd.RangeIndex) and frame.index.name is None)
    return frame.to_html(index=show_index, float_format=format_number, na_rep="", escape=True,
                         max_rows=pd.get_option("display.max_rows"), border=0,
                         classes="dataframe")


def setup() -> None:
    """Display settings shared by every notebook: offline SVG charts, readable tables."""
    import pandas as pd

    from .report.charts import enable_offline_charts

    enable_offline_charts()
    pd.set_option("display.max_columns", 40)
    pd.set_option("display.width", 160)
    pd.set_option("display.precision", 4)
    pd.set_option("display.max_rows", 200)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with every kernel
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, table_html)
