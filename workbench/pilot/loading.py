"""Reading the pilot folder: every table validated, then the cross-table rules, one error for all.

Also reads earlier cycles' verdicts for the trend across cycles.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem
from ..io import read_table
from ..schemas import ValidationReport, row_label
from .schemas import OPTIONAL_TABLES, SCHEMAS

# Survey answers and health scores may precede the window (baseline wave / baseline score).
BASELINE_LOOKBACK_DAYS = 90
MAX_PER_RULE = 50


@dataclass(frozen=True)
class PilotData:
    """The validated pilot tables (typed frames) and what validation noticed."""

    tables: dict[str, pd.DataFrame]
    files: dict[str, str]
    reports: dict[str, ValidationReport] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def has(self, name: str) -> bool:
        return name in self.tables and not self.tables[name].empty


def _find_file(folder: Path, name: str) -> Path | None:
    for suffix in (".csv", ".parquet", ".CSV"):
        candidate = folder / f"{name}{suffix}"
        if candidate.exists():
            return candidate
    return None


def load_pilot(
    pilot_dir: str | os.PathLike,
    *,
    window: tuple[date, date] | None = None,
    column_maps: dict[str, dict[str, str]] | None = None,
    date_format: str | None = None,
) -> PilotData:
    """Read every pilot table from ``pilot_dir`` (``accounts.csv``, ``alerts.csv``, ...).

    ``column_maps`` maps table name -> {your column: schema column}. ``window`` (start, end),
    normally the criteria file's, enables the window checks. Raises one :class:`InputError`
    listing every problem in every file, each with its file and row.
    """
    folder = Path(pilot_dir)
    if not folder.is_dir():
        raise InputError([Problem(str(folder), "folder", "", None, "a folder holding the pilot tables "
                                  "(accounts.csv, alerts.csv, ...)", "check pilot_dir")], source=str(folder))
    column_maps = column_maps or {}
    unknown_maps = set(column_maps) - {s.name for s in SCHEMAS}
    problems: list[Problem] = [
        Problem(str(folder), "column_maps", name, None, "a pilot table name: " + ", ".join(s.name for s in SCHEMAS),
                "correct the table name in column_maps") for name in sorted(unknown_maps)]
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    reports: dict[str, ValidationReport] = {}
    for schema in SCHEMAS:
        path = _find_file(folder, schema.name)
        if path is None:
            if schema.name not in OPTIONAL_TABLES:
                problems.append(Problem(str(folder / f"{schema.name}.csv"), "file", "", None,
                                        f"the {schema.name} table ({schema.description})",
                                        "export it into the pilot folder (it may have a header only)"))
            continue
        try:
            loaded = read_table(path, schema, column_map=column_maps.get(schema.name), date_format=date_format)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        tables[schema.name] = loaded.frame
        files[schema.name] = str(path)
        reports[schema.name] = loaded.report
    if problems:
        raise InputError(problems, source=str(folder))
    problems, notes = _cross_table_problems(tables, files, window)
    if problems:
        raise InputError(problems, source=str(folder))
    return PilotData(tables=tables, files=files, reports=reports, notes=tuple(notes))


def _cross_table_problems(tables: dict[str, pd.DataFrame], files: dict[str, str],
                          window: tuple[date, date] | None) -> tuple[list[Problem], list[str]]:
    problems: list[Problem] = []
    notes: list[str] = []
    acc = tables["accounts"]
    f_acc = files["accounts"]

    # Accounts: one arm each, no duplicates, both arms populated.
    first_row: dict[str, int] = {}
    for i, (aid, arm) in enumerate(zip(acc["account_id"], acc["arm"])):
        if aid in first_row:
            j = first_row[aid]
            other = acc["arm"].iloc[j]
            if other != arm:
                problems.append(Problem(f_acc, row_label(i), "arm", f"{aid}: {arm}",
                                        f"each account in one arm only ({aid} is in '{other}' on {row_label(j)})",
                                        "an account in both arms contaminates the comparison: keep its first "
                                        "assignment and exclude it, or drop it"))
            else:
                problems.append(Problem(f_acc, row_label(i), "account_id", aid, "a unique account_id",
                                        f"the same account is on {row_label(j)}; remove the duplicate row"))
        else:
            first_row[aid] = i
    excluded = acc["excluded"].fillna(False).astype(bool)
    for arm in ("pilot", "control"):
        n = int(((acc["arm"] == arm) & ~excluded).sum())
        if n == 0:
            problems.append(Problem(f_acc, "file", "arm", f"0 {arm} accounts",
                                    f"at least one non-excluded account in the {arm} arm",
                                    "check the export filter; a pilot needs both arms"))
    for i in range(len(acc)):
        if excluded.iloc[i] and pd.isna(acc["exclusion_reason"].iloc[i]):
            problems.append(Problem(f_acc, row_label(i), "exclusion_reason", "", "a reason for every excluded account",
                                    "state why it was excluded (exclusions must be decided before outcomes)"))

    known = set(acc["account_id"])
    assigned = dict(zip(acc["account_id"], acc["assigned_at"]))
    arm_of = dict(zip(acc["account_id"], acc["arm"]))
    start = end = None
    if window is not None:
        start, end = pd.Timestamp(window[0]), pd.Timestamp(window[1]) + pd.Timedelta(days=1)  # end day inclusive
        for i, t in enumerate(acc["assigned_at"]):
            if t < start or t >= end:
                problems.append(Problem(f_acc, row_label(i), "assigned_at", f"{t:%Y-%m-%d}",
                                        f"a date within the pilot window {window[0]} .. {window[1]}",
                                        "correct the date or the window in the success criteria"))
        late = acc["churned_at"].notna() & (acc["churned_at"] >= end)
        if late.any():
            notes.append(f"{int(late.sum())} account(s) churned after the window end {window[1]}: counted as "
                         "retained to the window end (censored).")

    events = {  # table: (time column, checked against assignment, may precede the window)
        "alerts": ("raised_at", True, False),
        "interventions": ("started_at", True, False),
        "contacts": ("contacted_at", True, False),
        "tickets": ("opened_at", True, False),
        "survey_responses": ("submitted_at", False, True),
        "health_scores": ("measured_at", False, True),
    }
    for name, (tcol, check_assignment, baseline) in events.items():
        if name not in tables:
            continue
        frame, file = tables[name], files[name]
        count = {"unknown": 0, "before": 0, "window": 0}
        for i, (aid, t) in enumerate(zip(frame["account_id"], frame[tcol])):
            if pd.isna(aid):
                continue
            if aid not in known:
                count["unknown"] += 1
                if count["unknown"] <= MAX_PER_RULE:
                    problems.append(Problem(file, row_label(i), "account_id", aid, "an account_id listed in accounts",
                                            "add the account to accounts.csv or drop the row"))
                continue
            if check_assignment and t < assigned[aid]:
                count["before"] += 1
                if count["before"] <= MAX_PER_RULE:
                    problems.append(Problem(file, row_label(i), tcol, f"{t:%Y-%m-%d %H:%M}",
                                            f"on or after the account's assignment ({assigned[aid]:%Y-%m-%d})",
                                            "events before assignment cannot be credited to an arm: drop the row "
                                            "or correct the date"))
                continue
            if start is not None:
                lo = start - pd.Timedelta(days=BASELINE_LOOKBACK_DAYS) if baseline else start
                if t < lo or t >= end:
                    count["window"] += 1
                    if count["window"] <= MAX_PER_RULE:
                        problems.append(Problem(file, row_label(i), tcol, f"{t:%Y-%m-%d %H:%M}",
                                                f"a time within the pilot window {window[0]} .. {window[1]}"
                                                + (f" (baseline up to {BASELINE_LOOKBACK_DAYS} days before)"
                                                   if baseline else ""),
                                                "filter the export to the pilot window"))
        for rule, n in count.items():
            if n > MAX_PER_RULE:
                problems.append(Problem(file, "file", "", f"{n - MAX_PER_RULE} more rows", "see above",
                                        f"the same {rule} problem repeats; fix the export"))

    surveys = tables.get("survey_responses")
    if surveys is not None:
        f_s = files["survey_responses"]
        for i, row in enumerate(surveys.itertuples(index=False)):
            if row.respondent_type == "customer":
                if pd.isna(row.account_id):
                    problems.append(Problem(f_s, row_label(i), "account_id", "", "the account of a customer respondent",
                                            "fill account_id for customer answers"))
                elif row.account_id in arm_of and arm_of[row.account_id] != row.arm:
                    problems.append(Problem(f_s, row_label(i), "arm", row.arm,
                                            f"the account's arm '{arm_of[row.account_id]}'",
                                            "correct the arm (answers are credited to the account's arm)"))

    interventions, alerts = tables.get("interventions"), tables.get("alerts")
    if interventions is not None and alerts is not None:
        raised = dict(zip(alerts["alert_id"], alerts["raised_at"]))
        alert_account = dict(zip(alerts["alert_id"], alerts["account_id"]))
        f_i = files["interventions"]
        for i, row in enumerate(interventions.itertuples(index=False)):
            if pd.isna(row.alert_id):
                continue
            if row.alert_id not in raised:
                problems.append(Problem(f_i, row_label(i), "alert_id", row.alert_id, "an alert_id listed in alerts",
                                        "correct the id or leave it blank for interventions without an alert"))
            elif row.started_at < raised[row.alert_id]:
                problems.append(Problem(f_i, row_label(i), "started_at", f"{row.started_at:%Y-%m-%d %H:%M}",
                                        f"on or after its alert ({raised[row.alert_id]:%Y-%m-%d %H:%M})",
                                        "correct the time (check the export's time zone)"))
            elif alert_account[row.alert_id] != row.account_id:
                problems.append(Problem(f_i, row_label(i), "account_id", row.account_id,
                                        f"the alert's account {alert_account[row.alert_id]}",
                                        "correct the account or the alert id"))
    return problems, notes


def load_cycle_verdicts(runs_dir: str | os.PathLike, *, current_cycle: str = "",
                        notebook: str = "03_pilot_evaluation") -> pd.DataFrame:
    """Earlier cycles' ``runs/<cycle>/<notebook>/verdicts.csv``, stacked with a ``cycle`` column.

    Cycles are ordered by folder name; the current cycle is left out. Returns an empty frame
    when there are none (or ``runs_dir`` does not exist).
    """
    root = Path(runs_dir)
    frames = []
    columns = ["cycle", "criterion", "kind", "estimate", "ci_lower", "ci_upper", "threshold", "verdict"]
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if folder.name == current_cycle or folder.name.startswith("."):
                continue
            path = folder / notebook / "verdicts.csv"
            if not path.exists():
                continue
            try:
                frame = pd.read_csv(path)
            except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
                continue
            if not set(columns[1:]) <= set(frame.columns):
                continue
            frames.append(frame.assign(cycle=folder.name)[columns])
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)
