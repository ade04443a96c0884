"""Turn a customer table into survival data (duration, event) and say what was kept and why.

Two input styles:

* ``duration_col`` + ``event_col`` + ``event_values``: tenure already computed, the event
  column holds a marker (``"Yes"``, ``1``, ``True``...) for churned customers;
* ``start_col`` + ``end_col`` + ``as_of`` + ``time_unit``: dates; a blank end date means
  still active, censored at ``as_of``.

Durations are in ``time_unit`` (days, weeks, or months of 30.4375 days). Rows with a blank
or non-positive duration are dropped and counted: survival software (R's ``survreg``,
lifelines' parametric fitters) refuses zero durations, and a churn on the start day is
almost always an export error.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputError, InsufficientDataError, Problem
from ..io import read_raw_table, read_table
from ..schemas import CUSTOMERS, parse_dates, parse_flags, parse_numbers, row_label

DAYS_PER_UNIT = {"days": 1.0, "weeks": 7.0, "months": 30.4375}
UNKNOWN_LEVEL = "unknown"


class SurvivalDataWarning(UserWarning):
    """Something was done to the data that the reader must know (rows dropped, levels merged...)."""


def warn(message: str) -> None:
    """Emit a workbench warning (shown in the CLI; the notebook also shows a notes table).

    Attributed to "workbench.survival" rather than a source line, so that reports show the
    message, not an installation path.
    """
    warnings.warn_explicit(message, SurvivalDataWarning, filename="workbench.survival", lineno=0,
                           module="workbench.survival")


@dataclass(frozen=True)
class SurvivalData:
    """Survival data ready for analysis.

    ``frame`` has ``id``, ``duration`` (in ``time_unit``), ``event`` (bool) and the other
    columns of the input; ``quality`` is the data-quality table (item, count, detail);
    ``notes`` lists what was done, in words.
    """

    frame: pd.DataFrame
    quality: pd.DataFrame
    notes: tuple[str, ...]
    time_unit: str
    source: str = ""


def load_customers(path: str | os.PathLike, *, columns: list[str] | None = None,
                   date_columns: tuple[str, ...] = (), date_format: str | None = None) -> pd.DataFrame:
    """Read a customer table (CSV or Parquet).

    A file with the standard customer columns is validated against
    :data:`workbench.schemas.CUSTOMERS` (every problem reported at once). Any other layout
    is read as text and the named ``columns`` are checked to exist; their values are checked
    by :func:`prepare_survival_data`.
    """
    raw = read_raw_table(path)
    standard = all(c.name in raw.columns for c in CUSTOMERS.columns if c.required)
    if standard:
        return read_table(path, CUSTOMERS, date_format=date_format).frame.assign(
            **{c: raw[c].to_numpy() for c in raw.columns if c not in CUSTOMERS.names})
    missing = [c for c in (columns or []) if c and c not in raw.columns]
    if missing:
        raise InputError([Problem(str(path), "header", c, None, f"a column named '{c}'",
                                  f"check the parameter that names it; columns found: {', '.join(map(str, raw.columns))}")
                          for c in missing], source=str(path))
    frame = raw.copy()
    for col in date_columns:
        if col in frame.columns:
            values, bad, fmt = parse_dates(frame[col], date_format)
            if bad.any():
                rows = np.nonzero(bad.to_numpy())[0][:20]
                raise InputError([Problem(str(path), row_label(i), col, frame[col].iloc[i],
                                          "a date (ISO 2024-01-31 or one consistent format)",
                                          "fix the cell or set date_format") for i in rows], source=str(path))
            frame[col] = values
    return frame


def _as_bool_events(series: pd.Series, event_values: list, file: str, col: str) -> pd.Series:
    text = series.astype("string").str.strip().str.lower()
    wanted = {str(v).strip().lower() for v in event_values}
    # True/1 spellings are interchangeable ("1", "1.0", "true", "yes" when asked for True/1).
    flags, _bad = parse_flags(series)
    truthy = {"true", "1", "1.0"}
    if wanted & truthy:
        hit = text.isin(wanted).fillna(False) | flags.fillna(False).astype(bool)
    else:
        hit = text.isin(wanted).fillna(False)
    if not hit.any():
        found = ", ".join(repr(v) for v in series.dropna().astype(str).unique()[:10])
        raise InputError([Problem(file, "column", col, f"event_values {event_values!r}",
                                  f"values that appear in '{col}' (found: {found})",
                                  "set event_values to the value(s) that mark a churned customer")], source=file)
    return hit.astype(bool)


def prepare_survival_data(
    frame: pd.DataFrame,
    *,
    duration_col: str | None = None,
    event_col: str | None = None,
    event_values: list | None = None,
    start_col: str | None = None,
    end_col: str | None = None,
    as_of: str | None = None,
    time_unit: str = "months",
    id_col: str | None = None,
    segment_cols: list[str] | None = None,
    source: str = "",
) -> SurvivalData:
    """Compute ``duration`` and ``event`` from either input style; drop and count unusable rows."""
    if time_unit not in DAYS_PER_UNIT:
        raise ConfigError(f"time_unit must be one of {', '.join(DAYS_PER_UNIT)}; got {time_unit!r}")
    by_duration = bool(duration_col or event_col)
    by_dates = bool(start_col or end_col)
    if by_duration == by_dates:
        raise ConfigError("Give either duration_col + event_col + event_values, or start_col + end_col + as_of "
                          f"(got duration_col={duration_col!r}, event_col={event_col!r}, "
                          f"start_col={start_col!r}, end_col={end_col!r}). Set the other style's names to an empty string.")
    file = source or "customer table"
    needed = [c for c in (duration_col, event_col, start_col, end_col, id_col, *(segment_cols or [])) if c]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError([Problem(file, "header", c, None, f"a column named '{c}'",
                                  f"check the parameter naming it; columns found: {', '.join(map(str, frame.columns))}")
                          for c in missing], source=file)
    n_read = len(frame)
    out = frame.copy().reset_index(drop=True)
    quality: list[tuple[str, int, str]] = [("rows read", n_read, "")]
    notes: list[str] = []
    if by_duration:
        if not (duration_col and event_col and event_values):
            raise ConfigError("duration_col, event_col and event_values are all needed for the duration style "
                              "(e.g. event_values: ['Yes'] or [1, True]).")
        duration, bad = parse_numbers(out[duration_col])
        if bad.any():
            rows = np.nonzero(bad.to_numpy())[0][:20]
            raise InputError([Problem(file, row_label(i), duration_col, out[duration_col].iloc[i], "a number",
                                      "remove text from the cell") for i in rows], source=file)
        event = _as_bool_events(out[event_col], list(event_values), file, event_col)
        after_as_of = pd.Series(False, index=out.index)
    else:
        if not (start_col and end_col and as_of):
            raise ConfigError("start_col, end_col and as_of are all needed for the date style "
                              "(as_of is the analysis date, e.g. '2026-10-31').")
        try:
            as_of_ts = pd.Timestamp(as_of)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"as_of must be a date like '2026-10-31'; got {as_of!r}") from exc
        start = out[start_col]
        end = out[end_col]
        for name, series in ((start_col, start), (end_col, end)):
            if not pd.api.types.is_datetime64_any_dtype(series):
                values, bad, _fmt = parse_dates(series)
                if bad.any():
                    rows = np.nonzero(bad.to_numpy())[0][:20]
                    raise InputError([Problem(file, row_label(i), name, series.iloc[i], "a date",
                                              "use ISO dates (2024-01-31)") for i in rows], source=file)
                out[name] = values
        start, end = out[start_col], out[end_col]
        after_as_of = end.notna() & (end > as_of_ts)
        if after_as_of.any():
            notes.append(f"{int(after_as_of.sum())} churn date(s) fall after as_of {as_of_ts:%Y-%m-%d}: "
                         "those customers are treated as active (censored at as_of).")
        event = end.notna() & ~after_as_of
        stop = end.where(event, as_of_ts)
        duration = (stop - start).dt.days / DAYS_PER_UNIT[time_unit]
        started_late = start > as_of_ts
        if started_late.any():
            quality.append(("dropped: start after as_of", int(started_late.sum()), "not yet customers at the analysis date"))
            duration = duration.mask(started_late)
    out["duration"] = duration.astype("float64")
    out["event"] = event.astype(bool).to_numpy()
    out["id"] = out[id_col].astype("string") if id_col else pd.Series(np.arange(1, n_read + 1)).astype("string")
    blank = out["duration"].isna()
    nonpos = ~blank & (out["duration"] <= 0)
    if blank.sum():
        quality.append(("dropped: blank duration or date", int(blank.sum()), "no tenure can be computed"))
    if nonpos.sum():
        quality.append(("dropped: zero or negative duration", int(nonpos.sum()),
                        "churn on or before the start: usually an export error"))
    if blank.sum() or nonpos.sum():
        notes.append(f"{int(blank.sum() + nonpos.sum())} of {n_read} rows dropped (blank, zero or negative duration).")
    out = out[~blank & ~nonpos].reset_index(drop=True)
    for col in segment_cols or []:
        values = out[col].astype("string").str.strip()
        n_blank = int((values.isna() | values.eq("")).sum())
        if n_blank:
            notes.append(f"{n_blank} blank value(s) in segment column '{col}' form their own level '{UNKNOWN_LEVEL}'.")
        out[col] = values.mask(values.isna() | values.eq(""), UNKNOWN_LEVEL).astype(object)
    n = len(out)
    if n == 0:
        raise InsufficientDataError(f"No usable rows in {file}: all {n_read} rows were dropped "
                                    "(blank, zero or negative durations). Check the date or duration columns.")
    events = int(out["event"].sum())
    quality += [("rows kept", n, ""), ("events (churned)", events, ""),
                ("censored (active)", n - events, f"{(n - events) / n:.1%} of kept rows")]
    if events == 0:
        raise InsufficientDataError(
            f"All {n} customers are censored (no churn events) in {file}: survival cannot be estimated. "
            "Check event_values (which value marks a churned customer?) or the end-date column and as_of.")
    for message in notes:
        warn(message)
    quality_frame = pd.DataFrame(quality, columns=["item", "count", "detail"])
    return SurvivalData(frame=out, quality=quality_frame, notes=tuple(notes), time_unit=time_unit, source=file)


def blank_counts(frame: pd.DataFrame, columns: list[str], *, segment_cols: list[str] | None = None) -> pd.DataFrame:
    """Blank cells per analysed column (column, blank_cells, share, handling), for the data-quality section."""
    segment_cols = set(segment_cols or [])
    rows = []
    n = len(frame)
    for col in dict.fromkeys(c for c in columns if c and c in frame.columns):
        values = frame[col]
        blank = values.isna()
        if values.dtype == object or str(values.dtype).startswith("string"):
            blank |= values.astype("string").str.strip().fillna("").eq("")
        if col in segment_cols:
            blank |= values.astype(str).eq(UNKNOWN_LEVEL)
        count = int(blank.sum())
        handling = ("" if not count else "own level 'unknown'" if col in segment_cols
                    else "left out of the Cox model (numeric) or level 'unknown' (categorical)")
        rows.append({"column": col, "blank_cells": count, "share": count / n if n else np.nan, "handling": handling})
    return pd.DataFrame(rows, columns=["column", "blank_cells", "share", "handling"])
