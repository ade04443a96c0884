"""Declared input contracts for tables, and the validator that enforces them.

A :class:`TableSchema` lists columns with a type, whether they are required, whether blank
cells are allowed (and what a blank means), allowed values, ranges and a description. The
same declaration validates a file (:func:`validate_table`) and documents it
(``data/README.md`` is generated from it).

Real exports are messy, so coercion is lenient where the meaning is unambiguous:
flags accept yes/no/true/false/y/n/t/f/1/0 in any case; dates accept ISO 8601 and common
day-first or month-first formats when the whole column agrees on one format; numbers accept
thousands separators and currency symbols. Extra columns are ignored and listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Literal

import numpy as np
import pandas as pd

from .errors import InputError, Problem

DType = Literal["string", "int", "float", "date", "flag", "category"]

TRUE_WORDS = {"yes", "y", "true", "t", "1", "1.0"}
FALSE_WORDS = {"no", "n", "false", "f", "0", "0.0"}

# Formats tried, in order, for date columns that are not ISO 8601.
DATE_FORMATS = (
    "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y", "%Y/%m/%d",
    "%d/%m/%y", "%m/%d/%y", "%d %b %Y", "%d-%b-%Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y",
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


@dataclass(frozen=True)
class Column:
    """One declared column of an input table."""

    name: str
    dtype: DType
    description: str
    required: bool = True
    nullable: bool = False
    blank_means: str = ""  # policy for blank cells, shown in the data dictionary
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    unique: bool = False
    example: str = ""

    def expectation(self) -> str:
        parts = {
            "string": "text",
            "category": "one of " + ", ".join(self.allowed or ()) if self.allowed else "a label",
            "int": "a whole number",
            "float": "a number",
            "date": "a date (ISO 2024-01-31, or one consistent day/month/year format)",
            "flag": "a yes/no flag (yes/no, true/false, y/n, 1/0)",
        }
        text = parts[self.dtype]
        if self.min is not None and self.max is not None:
            text += f" between {self.min:g} and {self.max:g}"
        elif self.min is not None:
            text += f" >= {self.min:g}"
        elif self.max is not None:
            text += f" <= {self.max:g}"
        return text


@dataclass(frozen=True)
class OrderCheck:
    """A row-level rule: ``later`` must not be before ``earlier`` when both are present."""

    earlier: str
    later: str
    fix: str = ""
    strict: bool = False  # True: later must be strictly after earlier


@dataclass(frozen=True)
class TableSchema:
    """A declared input table: columns, row-level rules and documentation."""

    name: str
    description: str
    columns: tuple[Column, ...]
    order_checks: tuple[OrderCheck, ...] = ()
    min_rows: int = 1

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass
class ValidationReport:
    """What validation found that is not an error: the facts a data-checks report shows."""

    file: str
    rows: int
    extra_columns: list[str] = field(default_factory=list)
    renamed_columns: dict[str, str] = field(default_factory=dict)
    blank_counts: dict[str, int] = field(default_factory=dict)
    date_formats: dict[str, str] = field(default_factory=dict)

    def as_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "column": list(self.blank_counts),
                "blank_cells": list(self.blank_counts.values()),
            }
        )


@dataclass
class LoadedTable:
    frame: pd.DataFrame
    report: ValidationReport


def row_label(index: int) -> str:
    """Where data row ``index`` (0-based) sits for the user: spreadsheet/CSV line index + 2 (line 1 is the header)."""
    return f"row {int(index) + 2}"


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype("string").str.strip().fillna("").eq("")


def parse_flags(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (boolean values with NA for blanks, mask of unparseable cells)."""
    text = series.astype("string").str.strip().str.lower()
    out = pd.Series(pd.NA, index=series.index, dtype="boolean")
    out[text.isin(TRUE_WORDS).fillna(False)] = True
    out[text.isin(FALSE_WORDS).fillna(False)] = False
    bad = out.isna() & ~_blank(series)
    return out, bad


def parse_numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers with optional thousands separators, currency symbols or a trailing %."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype("float64")
        return values, pd.Series(False, index=series.index)
    text = series.astype("string").str.strip()
    cleaned = text.str.replace(r"^[$€£¥]|[$€£¥]$|,(?=\d{3}(\D|$))|\s", "", regex=True)
    values = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = values.isna() & ~_blank(series)
    return values, bad


def parse_dates(series: pd.Series, date_format: str | None = None) -> tuple[pd.Series, pd.Series, str]:
    """Parse a date column with one format for the whole column.

    Returns (datetime64 values, mask of unparseable cells, format used). ISO 8601 is used
    when every non-blank value looks ISO; otherwise the first of :data:`DATE_FORMATS` that
    parses every value. When both a day-first and a month-first format parse every value
    and disagree, the column is ambiguous: every cell is reported unparseable and the format
    returned says so, so the caller can ask for an explicit ``date_format``.
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        values = pd.to_datetime(series).dt.tz_localize(None) if getattr(series.dt, "tz", None) else series
        return values.astype("datetime64[ns]"), pd.Series(False, index=series.index), "native"
    text = series.astype("string").str.strip()
    blank = _blank(series)
    present = text[~blank]
    if date_format:
        values = pd.to_datetime(text, format=date_format, errors="coerce")
        return values, values.isna() & ~blank, date_format
    if present.empty or present.map(lambda v: bool(_ISO.match(v))).all():
        values = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None)
        return values.astype("datetime64[ns]"), values.isna() & ~blank, "ISO 8601"
    candidates = []
    for fmt in DATE_FORMATS:
        parsed = pd.to_datetime(present, format=fmt, errors="coerce")
        if parsed.notna().all():
            candidates.append((fmt, parsed))
    if not candidates:
        # Report the cells no single format explains: take the format parsing the most.
        best_fmt, best = max(
            ((fmt, pd.to_datetime(text, format=fmt, errors="coerce")) for fmt in ("ISO8601", *DATE_FORMATS)),
            key=lambda item: item[1].notna().sum(),
        )
        return best.astype("datetime64[ns]"), best.isna() & ~blank, best_fmt
    first_fmt, first = candidates[0]
    for fmt, parsed in candidates[1:]:
        if not parsed.equals(first):
            ambiguous = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
            return ambiguous, ~blank, f"ambiguous ({first_fmt} or {fmt})"
    values = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    values[~blank] = first
    return values, values.isna() & ~blank, first_fmt


def validate_table(
    raw: pd.DataFrame,
    schema: TableSchema,
    *,
    file: str,
    column_map: dict[str, str] | None = None,
    date_format: str | None = None,
    extra_problems: Callable[[pd.DataFrame], list[Problem]] | None = None,
) -> LoadedTable:
    """Validate and coerce a raw table (strings as read) against ``schema``.

    ``column_map`` maps the user's column names to the schema's (``{"Customer ID": "customer_id"}``).
    Collects every problem and raises one :class:`InputError`; otherwise returns typed data
    (schema columns only, in schema order) and a :class:`ValidationReport`.
    """
    problems: list[Problem] = []
    column_map = dict(column_map or {})
    for source, target in column_map.items():
        if source not in raw.columns:
            problems.append(Problem(file, "header", source, None,
                                    f"a column named '{source}' (from the column mapping to '{target}')",
                                    f"check the column mapping; columns found: {', '.join(map(str, raw.columns))}"))
        if target not in schema.names:
            problems.append(Problem(file, "column mapping", source, target,
                                    f"a {schema.name} column: {', '.join(schema.names)}",
                                    "map to one of the declared column names"))
    frame = raw.rename(columns={k: v for k, v in column_map.items() if k in raw.columns})
    frame.columns = [str(c).strip() for c in frame.columns]
    duplicated = frame.columns[frame.columns.duplicated()].tolist()
    for name in duplicated:
        problems.append(Problem(file, "header", name, None, "each column name once",
                                "remove or rename the duplicate column"))
    report = ValidationReport(file=file, rows=len(frame),
                              extra_columns=[c for c in frame.columns if c not in schema.names],
                              renamed_columns={k: v for k, v in column_map.items() if k in raw.columns})
    lower_lookup = {c.lower().replace(" ", "_"): c for c in frame.columns}
    for col in schema.columns:
        if col.name not in frame.columns and col.required:
            near = lower_lookup.get(col.name.lower())
            hint = (f"rename '{near}' to '{col.name}' or add it to the column mapping" if near
                    else f"add the column, or map your column to it with column_map (e.g. {{'Your name': '{col.name}'}})")
            problems.append(Problem(file, "header", col.name, None,
                                    f"a column '{col.name}' ({col.description})", hint))
    if problems:
        raise InputError(problems, source=file)
    if len(frame) < schema.min_rows:
        raise InputError([Problem(file, "file", "", f"{len(frame)} data rows",
                                  f"at least {schema.min_rows} data row(s) of {schema.name}",
                                  "check that the export is complete and the right file was given")], source=file)

    out = pd.DataFrame(index=frame.index)
    for col in schema.columns:
        if col.name not in frame.columns:
            out[col.name] = pd.Series(pd.NA, index=frame.index, dtype="object")
            report.blank_counts[col.name] = len(frame)
            continue
        series = frame[col.name]
        blank = _blank(series)
        report.blank_counts[col.name] = int(blank.sum())
        if col.dtype == "flag":
            values, bad = parse_flags(series)
        elif col.dtype in ("int", "float"):
            values, bad = parse_numbers(series)
            if col.dtype == "int":
                fractional = values.notna() & (values % 1 != 0)
                bad = bad | fractional
        elif col.dtype == "date":
            values, bad, fmt = parse_dates(series, date_format)
            report.date_formats[col.name] = fmt
            if fmt.startswith("ambiguous"):
                problems.append(Problem(file, "column", col.name, fmt,
                                        "dates in one unambiguous format",
                                        "set date_format (e.g. '%d/%m/%Y') or export ISO dates (2024-01-31)"))
                out[col.name] = values
                continue
        else:
            values = series.astype("string").str.strip()
            values = values.mask(blank, pd.NA)
            bad = pd.Series(False, index=series.index)
            if col.allowed is not None:
                canon = {a.lower(): a for a in col.allowed}
                lowered = values.str.lower()
                mapped = lowered.map(canon)
                bad = mapped.isna() & ~blank
                values = mapped.astype("string")
        for idx in bad[bad].index[:200]:
            problems.append(Problem(file, row_label(frame.index.get_loc(idx)), col.name, series.loc[idx],
                                    col.expectation(), _fix_for(col)))
        if not col.nullable:
            for idx in blank[blank].index[:200]:
                problems.append(Problem(file, row_label(frame.index.get_loc(idx)), col.name, "",
                                        col.expectation() + " (blank cells are not allowed here)",
                                        "fill the cell or drop the row from the export"))
        if col.dtype in ("int", "float"):
            numeric = values.where(~bad)
            if col.min is not None:
                low = numeric < col.min
                for idx in low[low.fillna(False)].index[:200]:
                    problems.append(Problem(file, row_label(frame.index.get_loc(idx)), col.name, series.loc[idx],
                                            col.expectation(), "correct the value or remove the row"))
            if col.max is not None:
                high = numeric > col.max
                for idx in high[high.fillna(False)].index[:200]:
                    problems.append(Problem(file, row_label(frame.index.get_loc(idx)), col.name, series.loc[idx],
                                            col.expectation(), "correct the value or remove the row"))
            if col.dtype == "int" and not numeric.isna().any():
                values = numeric.astype("int64")
            else:
                values = numeric.astype("Int64") if col.dtype == "int" else numeric
        if col.unique:
            dup = values.notna() & values.duplicated(keep=False)
            firsts: dict = {}
            for idx in dup[dup].index:
                key = values.loc[idx]
                if key in firsts:
                    problems.append(Problem(file, row_label(frame.index.get_loc(idx)), col.name, key,
                                            f"a unique {col.name}",
                                            f"the same value is on {firsts[key]}; remove the duplicate row"))
                else:
                    firsts[key] = row_label(frame.index.get_loc(idx))
        out[col.name] = values
    for rule in schema.order_checks:
        if rule.earlier not in out or rule.later not in out:
            continue
        a, b = out[rule.earlier], out[rule.later]
        if not (pd.api.types.is_datetime64_any_dtype(a) and pd.api.types.is_datetime64_any_dtype(b)):
            continue
        wrong = (b <= a) if rule.strict else (b < a)
        wrong = wrong & a.notna() & b.notna()
        for idx in wrong[wrong].index[:200]:
            problems.append(Problem(file, row_label(frame.index.get_loc(idx)), rule.later,
                                    f"{b.loc[idx]:%Y-%m-%d} (before {rule.earlier} {a.loc[idx]:%Y-%m-%d})",
                                    f"{rule.later} {'after' if rule.strict else 'on or after'} {rule.earlier}",
                                    rule.fix or f"correct {rule.later} or {rule.earlier}"))
    if extra_problems is not None and not problems:
        problems.extend(extra_problems(out))
    if problems:
        raise InputError(problems, source=file)
    return LoadedTable(out.reset_index(drop=True), report)


def _fix_for(col: Column) -> str:
    if col.dtype == "flag":
        return "use yes/no (or true/false, 1/0)"
    if col.dtype == "date":
        return "use ISO dates (2024-01-31) or set date_format"
    if col.allowed is not None:
        return "use one of the allowed values (case does not matter), or map yours before export"
    if col.dtype in ("int", "float"):
        return "remove text from the cell; blanks are handled by the stated blank policy"
    return "correct the value"


def schema_markdown(schema: TableSchema) -> str:
    """The data-dictionary section for one table, generated from its declaration."""
    lines = [f"### `{schema.name}`", "", schema.description, "",
             "| column | type | required | blank cells | allowed / range | description |",
             "|---|---|---|---|---|---|"]
    for c in schema.columns:
        if c.allowed:
            rng = ", ".join(c.allowed)
        elif c.min is not None or c.max is not None:
            rng = f"{'' if c.min is None else f'{c.min:g}'} .. {'' if c.max is None else f'{c.max:g}'}"
        else:
            rng = ""
        blank = c.blank_means or ("allowed" if c.nullable else "not allowed")
        lines.append(f"| `{c.name}` | {c.dtype} | {'yes' if c.required else 'no'} | {blank} | {rng} | {c.description}{' Unique.' if c.unique else ''} |")
    for rule in schema.order_checks:
        lines.append("")
        lines.append(f"Rule: `{rule.later}` is {'after' if rule.strict else 'on or after'} `{rule.earlier}` when both are given.")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# Customer table: the input of the survival analysis (and the data-checks notebook).
# ---------------------------------------------------------------------------------------

CUSTOMERS = TableSchema(
    name="customers",
    description=(
        "One row per customer account. Active customers have no churn date: they are "
        "censored at the analysis date, not counted as non-churners."
    ),
    columns=(
        Column("customer_id", "string", "Account identifier.", unique=True, example="C00001"),
        Column("start_date", "date", "Date the subscription started."),
        Column("churn_date", "date", "Date the customer churned.", nullable=True,
               blank_means="still active (censored at the analysis date)"),
        Column("plan", "category", "Subscription plan (sample: Starter, Growth, Enterprise).",
               required=False, nullable=True, blank_means="unknown; its own level 'unknown' in segments"),
        Column("size_band", "category", "Company size band (sample: SMB, Mid-Market, Large).",
               required=False, nullable=True, blank_means="unknown; its own level 'unknown' in segments"),
        Column("region", "category", "Sales region (sample: NA, EMEA, APAC, LATAM).",
               required=False, nullable=True, blank_means="unknown; its own level 'unknown' in segments"),
        Column("onboarding_cohort", "category",
               "Onboarding programme (sample: self-serve, guided, white-glove).",
               required=False, nullable=True, blank_means="unknown; its own level 'unknown' in segments"),
        Column("arr", "float", "Annual recurring revenue in the account's billing currency.", min=0,
               required=False, nullable=True, blank_means="unknown; excluded from ARR-at-risk sums and counted"),
        Column("seats", "int", "Licensed seats.", min=1, required=False, nullable=True,
               blank_means="unknown; dropped from models using it and counted"),
        Column("weekly_active_share", "float", "Share of seats active in an average week (usage).", required=False,
               nullable=True, min=0, max=1,
               blank_means="usage not tracked; rows are dropped from models using it and counted"),
        Column("features_adopted", "int", "Number of core features used in the last 90 days (of 12).", required=False,
               nullable=True, min=0, max=12, blank_means="not tracked; dropped from models using it and counted"),
        Column("support_tickets_90d", "int", "Support tickets opened in the last 90 days.", required=False,
               nullable=True, min=0, blank_means="not tracked; dropped from models using it and counted"),
        Column("has_exec_sponsor", "flag", "Whether the account has a named executive sponsor.", required=False,
               nullable=True, blank_means="unknown; dropped from models using it and counted"),
    ),
    order_checks=(OrderCheck("start_date", "churn_date",
                             "a churn date before the start date is an export error: correct or drop the row"),),
)
