"""Validate every input of a cycle against its contract, and profile the tables.

Used twice with the same code: by the suite runner before any kernel starts (so bad input
stops the cycle with nothing under ``runs/`` changed) and by ``notebooks/00_data_checks.ipynb``
(so the cycle's report starts from known data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .errors import InputError, Problem, WorkbenchError
from .io import read_table
from .schemas import CUSTOMERS, TableSchema, row_label


@dataclass
class InputCheck:
    """The outcome of checking one input (a file or a folder of tables)."""

    parameter: str
    path: str
    kind: str
    status: str  # "ok", "invalid", "not given"
    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # typed tables, for profiling
    schemas: dict[str, TableSchema] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


def _resolve(value: str, root: Path | None) -> Path:
    path = Path(value)
    return path if path.is_absolute() or root is None else root / path


def _guard(check: InputCheck, action: Callable[[], None]) -> InputCheck:
    try:
        action()
    except InputError as exc:
        check.status = "invalid"
        check.problems.extend(exc.problems)
    except WorkbenchError as exc:
        check.status = "invalid"
        check.problems.append(Problem(check.path, "", "", None, str(exc)))
    return check


def _check_customers(values: dict[str, Any], root: Path | None) -> InputCheck:
    path = _resolve(values["customers_path"], root)
    check = InputCheck("customers_path", values["customers_path"], "customer table", "ok")
    maps = values.get("column_maps") or {}

    # The survival notebook names its columns (id_col, start_col, end_col): the same names map the
    # user's columns onto the customer contract here, so one cycle config serves both notebooks.
    implied = {values.get(param): target for param, target in
               (("id_col", "customer_id"), ("start_col", "start_date"), ("end_col", "churn_date"))
               if values.get(param) and values.get(param) != target}
    column_map = {**implied, **(maps.get("customers") or {})}

    def standard() -> None:
        loaded = read_table(path, CUSTOMERS, column_map=column_map or None,
                            date_format=values.get("date_format") or None)
        check.tables["customers"] = loaded.frame
        check.schemas["customers"] = CUSTOMERS
        check.facts.update(rows=loaded.report.rows, extra_columns=loaded.report.extra_columns,
                           date_formats=loaded.report.date_formats)
        as_of = values.get("as_of")
        if as_of:
            stamp = pd.Timestamp(as_of)
            late = loaded.frame["start_date"] > stamp
            late_churn = loaded.frame["churn_date"] > stamp
            problems = [Problem(str(path), row_label(i), "start_date", f"{loaded.frame.at[i, 'start_date']:%Y-%m-%d}",
                                f"a start date on or before the analysis date as_of={as_of}",
                                "check as_of, or drop customers who started after it")
                        for i in late[late].index[:50]]
            problems += [Problem(str(path), row_label(i), "churn_date", f"{loaded.frame.at[i, 'churn_date']:%Y-%m-%d}",
                                 f"a churn date on or before the analysis date as_of={as_of}",
                                 "check as_of: it should be the date of the export")
                         for i in late_churn[late_churn.fillna(False)].index[:50]]
            if problems:
                raise InputError(problems, source=str(path))

    def duration_style() -> None:
        # Another layout (tenure + churn flag): the survival notebook's own preparation is the contract.
        from .survival import load_customers, prepare_survival_data

        columns = [values.get(k) for k in ("id_col", "duration_col", "event_col")]
        frame = load_customers(path, columns=[c for c in columns if c])
        data = prepare_survival_data(frame, duration_col=values["duration_col"], event_col=values.get("event_col"),
                                     event_values=values.get("event_values") or None,
                                     id_col=values.get("id_col") or None, time_unit=values.get("time_unit", "months"),
                                     source=str(path))
        check.facts.update(rows=len(frame), kept=len(data.frame))

    return _guard(check, duration_style if values.get("duration_col") else standard)


def _check_pilot(values: dict[str, Any], root: Path | None, window: tuple | None) -> InputCheck:
    from .pilot import load_pilot
    from .pilot.schemas import SCHEMAS

    folder = _resolve(values["pilot_dir"], root)
    check = InputCheck("pilot_dir", values["pilot_dir"], "pilot tables", "ok")
    maps = {k: v for k, v in (values.get("column_maps") or {}).items() if k != "customers"}

    def action() -> None:
        pilot = load_pilot(folder, window=window, column_maps=maps or None,
                           date_format=values.get("date_format") or None)
        by_name = {schema.name: schema for schema in SCHEMAS}
        for name, frame in pilot.tables.items():
            check.tables[name] = frame
            check.schemas[name] = by_name[name]
        check.facts["tables"] = sorted(pilot.tables)
        check.facts["notes"] = list(pilot.notes)

    return _guard(check, action)


def _check_criteria(values: dict[str, Any], root: Path | None) -> tuple[InputCheck, tuple | None]:
    from .pilot import load_criteria

    path = _resolve(values["criteria_path"], root)
    check = InputCheck("criteria_path", values["criteria_path"], "success criteria", "ok")
    window: list[tuple] = []

    def action() -> None:
        loaded = load_criteria(path)
        check.facts.update(criteria=len(loaded.model.criteria), sha256=loaded.sha256)
        window.append((loaded.model.window.start, loaded.model.window.end))

    _guard(check, action)
    return check, (window[0] if window else None)


def _check_vendors(values: dict[str, Any], root: Path | None) -> list[InputCheck]:
    from .vendors import load_evaluations, load_rubric

    checks = []
    rubric = None
    if values.get("rubric_path"):
        rubric_check = InputCheck("rubric_path", values["rubric_path"], "vendor rubric", "ok")

        def load() -> None:
            nonlocal rubric
            rubric = load_rubric(_resolve(values["rubric_path"], root))
            rubric_check.facts["criteria"] = _count(rubric, "criteria")

        checks.append(_guard(rubric_check, load))
    if values.get("vendor_evals_dir"):
        evals_check = InputCheck("vendor_evals_dir", values["vendor_evals_dir"], "vendor evaluations", "ok")
        if rubric is None:
            evals_check.status = "not checked"
            evals_check.problems.append(Problem(values["vendor_evals_dir"], "", "", None,
                                                "a valid rubric to check the evaluations against",
                                                "fix the rubric first"))
        else:
            def load_evals() -> None:
                evaluations = load_evaluations(_resolve(values["vendor_evals_dir"], root), rubric)
                evals_check.facts["vendors"] = _count(evaluations, "vendors")

            _guard(evals_check, load_evals)
        checks.append(evals_check)
    return checks


def _count(obj: Any, attr: str) -> int | None:
    inner = getattr(obj, attr, obj)
    try:
        return len(inner)
    except TypeError:
        return None


def check_inputs(values: dict[str, Any], *, root: Path | None = None) -> list[InputCheck]:
    """Check every input named in ``values`` (notebook parameters); never raises for bad data."""
    checks: list[InputCheck] = []
    if values.get("customers_path"):
        checks.append(_check_customers(values, root))
    window = None
    if values.get("criteria_path"):
        criteria_check, window = _check_criteria(values, root)
        checks.append(criteria_check)
    if values.get("pilot_dir"):
        checks.append(_check_pilot(values, root, window))
    if values.get("rubric_path") or values.get("vendor_evals_dir"):
        checks.extend(_check_vendors(values, root))
    return checks


def validate_inputs(values: dict[str, Any], *, root: Path | None = None) -> list[InputCheck]:
    """Like :func:`check_inputs` but raise one :class:`InputError` listing every problem found."""
    checks = check_inputs(values, root=root)
    problems = [p for c in checks for p in c.problems]
    if problems:
        names = ", ".join(c.parameter for c in checks if c.problems)
        raise InputError(problems, source=f"the cycle's inputs ({names})")
    return checks


# ---------------------------------------------------------------------------------------
# Profiles (pure: tables in, tables out)
# ---------------------------------------------------------------------------------------

def checks_table(checks: list[InputCheck]) -> pd.DataFrame:
    return pd.DataFrame([
        {"input": c.parameter, "kind": c.kind, "path": c.path, "status": c.status,
         "problems": len(c.problems),
         "rows": sum(len(t) for t in c.tables.values()) if c.tables else c.facts.get("rows")}
        for c in checks
    ], columns=["input", "kind", "path", "status", "problems", "rows"]).astype({"rows": "Int64"})


def problems_table(checks: list[InputCheck]) -> pd.DataFrame:
    rows = [{"input": c.parameter, **p.as_dict()} for c in checks for p in c.problems]
    return pd.DataFrame(rows, columns=["input", "file", "location", "field", "value", "expected", "fix"])


def column_profile(frame: pd.DataFrame, schema: TableSchema, *, table: str) -> pd.DataFrame:
    """Per column: type, filled and blank cells, distinct values, and min/max for numbers and dates."""
    rows = []
    for col in schema.columns:
        series = frame[col.name]
        present = series.dropna()
        row = {"table": table, "column": col.name, "type": col.dtype, "rows": len(series),
               "filled": int(present.shape[0]), "blank": int(series.isna().sum()),
               "blank_share": float(series.isna().mean()) if len(series) else 0.0,
               "distinct": int(present.nunique()), "min": "", "max": ""}
        if col.dtype in ("int", "float") and not present.empty:
            row["min"], row["max"] = f"{present.min():g}", f"{present.max():g}"
        elif col.dtype == "date" and not present.empty:
            row["min"], row["max"] = f"{present.min():%Y-%m-%d}", f"{present.max():%Y-%m-%d}"
        rows.append(row)
    return pd.DataFrame(rows)


def category_counts(frame: pd.DataFrame, schema: TableSchema, *, table: str, max_levels: int = 25) -> pd.DataFrame:
    """Counts per level of every category and flag column (blank shown as '(blank)')."""
    rows = []
    for col in schema.columns:
        if col.dtype not in ("category", "flag"):
            continue
        counts = frame[col.name].astype("object").where(frame[col.name].notna(), "(blank)").astype(str).value_counts()
        for level, count in counts.head(max_levels).items():
            rows.append({"table": table, "column": col.name, "value": level, "count": int(count),
                         "share": float(count / len(frame)) if len(frame) else 0.0})
        if len(counts) > max_levels:
            rows.append({"table": table, "column": col.name, "value": f"({len(counts) - max_levels} more levels)",
                         "count": int(counts.iloc[max_levels:].sum()),
                         "share": float(counts.iloc[max_levels:].sum() / len(frame))})
    return pd.DataFrame(rows, columns=["table", "column", "value", "count", "share"])


def profile_checks(checks: list[InputCheck]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Column profiles and category counts for every table that passed its checks."""
    profiles, counts = [], []
    for check in checks:
        for name, frame in check.tables.items():
            schema = check.schemas[name]
            profiles.append(column_profile(frame, schema, table=name))
            counts.append(category_counts(frame, schema, table=name))
    profile = pd.concat(profiles, ignore_index=True) if profiles else pd.DataFrame()
    category = pd.concat(counts, ignore_index=True) if counts else pd.DataFrame()
    return profile, category


# ---------------------------------------------------------------------------------------
# Notebook 00 parameters and wrap-up
# ---------------------------------------------------------------------------------------

from pydantic import BaseModel, ConfigDict, Field  # noqa: E402


class DataChecksParams(BaseModel):
    """Parameters of ``notebooks/00_data_checks.ipynb``."""

    model_config = ConfigDict(extra="forbid")

    customers_path: str = Field("", description="customer table (CSV or Parquet); empty = not checked")
    as_of: str = Field("", description="analysis date (ISO); start and churn dates must not be after it")
    column_maps: dict[str, dict[str, str]] = Field(default_factory=dict)
    date_format: str = ""
    id_col: str = "customer_id"
    start_col: str = "start_date"
    end_col: str = "churn_date"
    duration_col: str = ""
    event_col: str = ""
    event_values: list = Field(default_factory=list)
    pilot_dir: str = ""
    criteria_path: str = ""
    rubric_path: str = ""
    vendor_evals_dir: str = ""
    output_dir: str


def headline(checks: list[InputCheck]) -> dict[str, Any]:
    """Headline figures of the data checks for the cycle index."""
    out: dict[str, Any] = {
        "title": "Data checks",
        "inputs_checked": len(checks),
        "inputs_ok": sum(c.status == "ok" for c in checks),
        "problems": sum(len(c.problems) for c in checks),
    }
    for check in checks:
        if "customers" in check.tables:
            frame = check.tables["customers"]
            out["customers"] = int(len(frame))
            out["customers_churned_share"] = round(float(frame["churn_date"].notna().mean()), 4)
            out["customers_start_range"] = f"{frame['start_date'].min():%Y-%m-%d} .. {frame['start_date'].max():%Y-%m-%d}"
        if "accounts" in check.tables:
            out["pilot_accounts"] = int(len(check.tables["accounts"]))
        if check.parameter == "vendor_evals_dir" and "vendors" in check.facts:
            out["vendors"] = check.facts["vendors"]
    return out


def finish(checks: list[InputCheck], results: Any) -> None:
    """Save the data-checks results when every input passed; otherwise raise with every problem."""
    problems = [p for c in checks for p in c.problems]
    if problems:
        names = ", ".join(c.parameter for c in checks if c.problems)
        raise InputError(problems, source=f"the cycle's inputs ({names})")
    results.save()


def blank_share_chart(profile: pd.DataFrame):
    """Bar chart of the share of blank cells per table column (columns with any blanks)."""
    import altair as alt

    data = profile[profile["blank"] > 0].assign(name=lambda d: d["table"] + "." + d["column"]) if len(profile) else profile
    if data.empty:
        data = pd.DataFrame({"name": ["(no blank cells)"], "blank_share": [0.0], "blank": [0]})
    return (
        alt.Chart(data)
        .mark_bar(color="#1f4e79")
        .encode(
            x=alt.X("blank_share:Q", title="share of blank cells", axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, max(0.05, float(data["blank_share"].max()))])),
            y=alt.Y("name:N", title=None, sort="-x"),
            tooltip=["name", "blank", alt.Tooltip("blank_share:Q", format=".1%")],
        )
        .properties(title="Blank cells by column", width=480)
    )
