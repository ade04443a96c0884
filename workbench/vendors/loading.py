"""Reading the rubric, the vendor evaluation files and an AHP judgement file; the blank form; the data dictionary.

Only this module (with the notebook's result writer) touches the disk for vendor scoring. Every
problem is collected with its file, YAML line and key path, then raised once as :class:`InputError`.
"""

from __future__ import annotations

import json
import os
import typing
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError, Problem
from ..io import YamlDocument, format_yaml_path, load_yaml, pydantic_problems
from .methods import pairwise_issues
from .models import Rubric, VendorEvaluation

RATING_COLUMNS = ["vendor", "evaluator", "role", "criterion", "sub_criterion", "must_have", "rating_given",
                  "rating", "capped", "has_evidence", "evidence_note", "evidence_link", "evidence_date", "file",
                  "location"]


@dataclass(frozen=True)
class Evaluations:
    """All vendor evaluation files of a cycle, validated against the rubric.

    ``ratings`` is tidy: one row per vendor x evaluator x sub-criterion with the rating as given,
    the rating used (capped at the scale's ``cap_without_evidence`` when evidence is missing) and
    the evidence. ``notes`` lists what the reader must know (capped ratings, unassessed items).
    """

    rubric: Rubric
    vendors: tuple[VendorEvaluation, ...]
    files: dict[str, str]
    ratings: pd.DataFrame
    notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["vendor", "evaluator", "item", "note"]))

    @property
    def vendor_names(self) -> list[str]:
        return [v.vendor.name for v in self.vendors]

    def vendor(self, name: str) -> VendorEvaluation:
        for v in self.vendors:
            if v.vendor.name == name:
                return v
        raise KeyError(name)


# ---------------------------------------------------------------------------------------
# Rubric
# ---------------------------------------------------------------------------------------

def load_rubric(path: str | os.PathLike) -> Rubric:
    """Load and validate ``templates/rubric.yaml``; raises :class:`InputError` with located problems."""
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise InputError([Problem(doc.file, "document", "", type(doc.data).__name__, "a YAML mapping",
                                  "start from templates/rubric.yaml")], source=doc.file)
    try:
        return Rubric.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(pydantic_problems(exc, doc), source=doc.file) from exc


# ---------------------------------------------------------------------------------------
# Vendor evaluation files
# ---------------------------------------------------------------------------------------

def _evaluation_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir()
                  if p.is_file() and p.suffix.lower() in (".yaml", ".yml") and not p.name.startswith(("_", ".")))


def _check_semantics(ev: VendorEvaluation, doc: YamlDocument, rubric: Rubric) -> list[Problem]:
    """Problems pydantic cannot see: ids against the rubric, the scale, missing ratings, empty evaluators."""
    problems: list[Problem] = []
    f = doc.file
    scale = rubric.scale
    if ev.cost.currency.strip().upper() != rubric.cost.currency.upper():
        problems.append(Problem(f, doc.where(("cost", "currency")), "cost.currency", ev.cost.currency,
                                f"{rubric.cost.currency} (the rubric's currency)",
                                "convert the figures or change the rubric's cost.currency"))
    names_seen: dict[str, int] = {}
    for i, evaluator in enumerate(ev.evaluators):
        base = ("evaluators", i)
        if evaluator.name in names_seen:
            problems.append(Problem(f, doc.where(base + ("name",)), format_yaml_path(base + ("name",)), evaluator.name,
                                    f"a name not already used by evaluators[{names_seen[evaluator.name]}]",
                                    "give each evaluator one entry"))
        names_seen.setdefault(evaluator.name, i)
        rated = 0
        for crit_id, subs in evaluator.ratings.items():
            cpath = base + ("ratings", crit_id)
            if crit_id not in rubric.criterion_ids:
                problems.append(Problem(f, doc.where(cpath), format_yaml_path(cpath), crit_id,
                                        f"a criterion id of the rubric ({', '.join(rubric.criterion_ids)})",
                                        "correct the spelling; cost is entered under cost:, not rated"))
                continue
            known = {s.id for s in rubric.sub_criteria_of(crit_id)}
            for sub_id, rating in subs.items():
                spath = cpath + (sub_id,)
                if sub_id not in known:
                    problems.append(Problem(f, doc.where(spath), format_yaml_path(spath), sub_id,
                                            f"a sub-criterion of {crit_id} ({', '.join(sorted(known))})",
                                            "correct the spelling or move it under its criterion"))
                    continue
                if rating.rating is None:
                    continue
                if not scale.min <= rating.rating <= scale.max:
                    problems.append(Problem(f, doc.where(spath + ("rating",)), format_yaml_path(spath + ("rating",)),
                                            rating.rating, f"a whole number from {scale.min} to {scale.max}",
                                            "use the rubric's anchored scale"))
                rated += 1
        for crit in rubric.criteria:
            given = evaluator.ratings.get(crit.id, {})
            for sub in crit.sub_criteria:
                if sub.id not in given:
                    spath = base + ("ratings", crit.id, sub.id)
                    problems.append(Problem(f, doc.where(spath), format_yaml_path(spath), None,
                                            "a rating for every sub-criterion (missing)",
                                            "add it; write 'rating: null' if you could not assess it"))
        if rated == 0:
            problems.append(Problem(f, doc.where(base), format_yaml_path(base), evaluator.name,
                                    "an evaluator who rated at least one sub-criterion (this one rated nothing)",
                                    "fill in the ratings or remove the evaluator"))
    return problems


def _rating_rows(ev: VendorEvaluation, doc: YamlDocument, rubric: Rubric) -> tuple[list[dict], list[dict]]:
    rows, notes = [], []
    scale = rubric.scale
    must = {s.id: s.must_have for c in rubric.criteria for s in c.sub_criteria}
    for i, evaluator in enumerate(ev.evaluators):
        for crit in rubric.criteria:
            for sub in crit.sub_criteria:
                r = evaluator.ratings.get(crit.id, {}).get(sub.id)
                if r is None:
                    continue
                evidence = r.evidence
                has = bool(evidence and evidence.present)
                given = r.rating
                used = given
                capped = False
                if given is not None and given >= scale.evidence_required_from and not has:
                    used = min(given, scale.cap_without_evidence)
                    capped = True
                    notes.append({"vendor": ev.vendor.name, "evaluator": evaluator.name, "item": sub.id,
                                  "note": f"rating {given} capped at {used}: no evidence (a note plus a link or a date)"})
                if (has and given is not None and given >= scale.evidence_required_from and evidence.date
                        and evaluator.rated_on):
                    months = (evaluator.rated_on.year - evidence.date.year) * 12 + (
                        evaluator.rated_on.month - evidence.date.month)
                    if months > scale.evidence_max_age_months:
                        notes.append({"vendor": ev.vendor.name, "evaluator": evaluator.name, "item": sub.id,
                                      "note": f"rating {given} rests on evidence dated {evidence.date.isoformat()}, "
                                              f"{months} months before the rating (more than "
                                              f"{scale.evidence_max_age_months}): check it is still true"})
                rows.append({
                    "vendor": ev.vendor.name, "evaluator": evaluator.name, "role": evaluator.role,
                    "criterion": crit.id, "sub_criterion": sub.id, "must_have": must[sub.id],
                    "rating_given": np.nan if given is None else float(given),
                    "rating": np.nan if used is None else float(used), "capped": capped, "has_evidence": has,
                    "evidence_note": evidence.note if evidence else "",
                    "evidence_link": (evidence.link or "") if evidence else "",
                    "evidence_date": evidence.date.isoformat() if evidence and evidence.date else "",
                    "file": doc.file, "location": doc.where(("evaluators", i, "ratings", crit.id, sub.id)),
                })
    return rows, notes


def load_evaluations(directory: str | os.PathLike, rubric: Rubric) -> Evaluations:
    """Load every ``*.yaml`` vendor file directly inside ``directory`` (sub-folders are ignored).

    Missing-rating policy: every sub-criterion must appear for every evaluator; ``rating: null``
    means "could not assess" and leaves the item out of that evaluator's mean. An item no
    evaluator could assess scores 0 (no evidence of it) and is listed in ``notes``.
    Raises :class:`InputError` with every problem of every file (file, YAML line and path).
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError([Problem(str(directory), "folder", "", None, "an existing folder of vendor YAML files",
                                  "check vendor_evals_dir")], source=str(directory))
    files = _evaluation_files(directory)
    if not files:
        raise InputError([Problem(str(directory), "folder", "", "no *.yaml files", "one YAML file per vendor",
                                  "copy templates/vendor_evaluation.yaml once per vendor and fill it in")],
                         source=str(directory))
    problems: list[Problem] = []
    parsed: list[tuple[VendorEvaluation, YamlDocument]] = []
    for path in files:
        try:
            doc = load_yaml(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(doc.data, dict):
            problems.append(Problem(doc.file, "document", "", type(doc.data).__name__, "a YAML mapping",
                                    "start from templates/vendor_evaluation.yaml"))
            continue
        try:
            ev = VendorEvaluation.model_validate(doc.data)
        except ValidationError as exc:
            problems.extend(pydantic_problems(exc, doc))
            continue
        problems.extend(_check_semantics(ev, doc, rubric))
        parsed.append((ev, doc))
    seen: dict[str, str] = {}
    for ev, doc in parsed:
        key = ev.vendor.name.strip().casefold()
        if key in seen:
            problems.append(Problem(doc.file, doc.where(("vendor", "name")), "vendor.name", ev.vendor.name,
                                    f"a vendor name not already used in {seen[key]}",
                                    "merge the two files or correct the name"))
        seen.setdefault(key, doc.file)
    if problems:
        raise InputError(problems, source=f"vendor evaluations in {directory}")
    rows, notes = [], []
    for ev, doc in parsed:
        r, n = _rating_rows(ev, doc, rubric)
        rows += r
        notes += n
    ratings = pd.DataFrame(rows, columns=RATING_COLUMNS)
    unassessed = ratings.groupby(["vendor", "sub_criterion"], sort=False)["rating"].apply(lambda s: s.isna().all())
    for (vendor, sub), flag in unassessed.items():
        if flag:
            notes.append({"vendor": vendor, "evaluator": "(all)", "item": sub,
                          "note": "no evaluator could assess it: scored 0 (absent)"})
    return Evaluations(rubric=rubric, vendors=tuple(ev for ev, _ in parsed),
                       files={ev.vendor.name: doc.file for ev, doc in parsed}, ratings=ratings,
                       notes=pd.DataFrame(notes, columns=["vendor", "evaluator", "item", "note"]))


# ---------------------------------------------------------------------------------------
# AHP judgements
# ---------------------------------------------------------------------------------------

class AhpFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    criteria: list[str] = Field(min_length=2, description="Criterion ids in the order of the matrix rows and columns "
                                                          "(the rubric's criteria and cost).")
    matrix: list[list[Any]] = Field(description="Square matrix: row i, column j says how many times more important "
                                                "criterion i is than j (Saaty's 1-9 scale; fractions such as 1/3 allowed).")
    note: str = Field("", description="Who made the judgements, when and how.")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            return None
    return None


def load_ahp(path: str | os.PathLike, rubric: Rubric) -> pd.DataFrame:
    """Load a pairwise comparison file into a square DataFrame (criteria as index and columns).

    Checks: every rubric criterion (and cost) appears once, the matrix is square, positive, 1 on the
    diagonal and reciprocal. Raises :class:`InputError` with the file, line and ``matrix[i][j]``.
    """
    doc = load_yaml(path)
    try:
        spec = AhpFile.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(pydantic_problems(exc, doc), source=doc.file) from exc
    problems: list[Problem] = []
    expected = rubric.all_ids
    unknown = [c for c in spec.criteria if c not in expected]
    missing = [c for c in expected if c not in spec.criteria]
    dupes = sorted({c for c in spec.criteria if spec.criteria.count(c) > 1})
    if unknown or missing or dupes:
        problems.append(Problem(doc.file, doc.where(("criteria",)), "criteria", ", ".join(unknown + dupes) or None,
                                f"each of {', '.join(expected)} exactly once"
                                + (f" (missing: {', '.join(missing)})" if missing else ""),
                                "list every criterion of the rubric, including cost"))
    n = len(spec.criteria)
    a = np.full((n, n), np.nan)
    if len(spec.matrix) != n:
        problems.append(Problem(doc.file, doc.where(("matrix",)), "matrix", f"{len(spec.matrix)} rows",
                                f"{n} rows (one per criterion)"))
    for i, row in enumerate(spec.matrix[:n]):
        if len(row) != n:
            problems.append(Problem(doc.file, doc.where(("matrix", i)), f"matrix[{i}]", f"{len(row)} values",
                                    f"{n} values (one per criterion)"))
            continue
        for j, cell in enumerate(row):
            value = _number(cell)
            if value is None:
                problems.append(Problem(doc.file, doc.where(("matrix", i, j)), f"matrix[{i}][{j}]", cell,
                                        "a number or a fraction such as 1/3"))
            else:
                a[i, j] = value
    if not problems:
        for i, j, value, exp, fix in pairwise_issues(a, spec.criteria):
            problems.append(Problem(doc.file, doc.where(("matrix", i, j)), f"matrix[{i}][{j}]", value, exp, fix))
    if problems:
        raise InputError(problems, source=doc.file)
    frame = pd.DataFrame(a, index=spec.criteria, columns=spec.criteria)
    return frame.loc[expected, expected]


# ---------------------------------------------------------------------------------------
# Blank form generated from the rubric
# ---------------------------------------------------------------------------------------

def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def blank_form(rubric: Rubric) -> str:
    """The blank vendor evaluation form (YAML text) for ``rubric``: one file per vendor, copied and filled in."""
    s = rubric.scale
    levels = "; ".join(f"{k} {_comment(v)}" for k, v in sorted(s.levels.items()))
    lines = [
        f"# Vendor evaluation form for the rubric {_q(rubric.name)} (version {rubric.version}).",
        "# GENERATED from templates/rubric.yaml by workbench.vendors.blank_form: do not edit this template by hand.",
        "# Copy it to vendor_evals/<vendor>.yaml, one file per vendor, and fill in every value.",
        f"# Rating scale {s.min}-{s.max}: {levels}.",
        f"# Ratings of {s.evidence_required_from} or more need evidence (a note plus a link or a date);",
        f"# without it they are capped at {s.cap_without_evidence} and flagged in the report. Evidence older than",
        f"# {s.evidence_max_age_months} months on your rated_on date is flagged for a second look.",
        "# 'rating: null' means you could not assess the item (it is left out of your mean).",
        "vendor:",
        '  name: ""  # vendor name, unique across files',
        '  product: ""',
        "  website: null",
        '  summary: ""',
        "cost:",
        f"  currency: {rubric.cost.currency}  # must be the rubric's currency",
        "  licence_per_year: null  # subscription or licence fees per year",
        "  implementation_one_off: null  # one-off implementation, integration and training fees",
        "  internal_effort_per_year: null  # internal staff cost per year (hours x loaded rate)",
        '  notes: ""  # assumptions: seats, tiers, discounts',
        "evaluators:  # repeat this block once per evaluator",
        '  - name: ""',
        '    role: ""',
        "    rated_on: null  # YYYY-MM-DD",
        "    ratings:",
    ]
    for crit in rubric.criteria:
        lines.append(f"      {crit.id}:  # {_comment(crit.name)}")
        for sub in crit.sub_criteria:
            must = f" [MUST-HAVE: median >= {rubric.must_have_level(sub)}]" if sub.must_have else ""
            lines.append(f"        {sub.id}:  # {_comment(sub.name)}{must}: {_comment(sub.question)}")
            anchors = sub.anchors or s.levels
            for level in range(s.min, s.max + 1):
                if level in anchors:
                    lines.append(f"          # {level} = {_comment(anchors[level])}")
            lines.append("          rating: null")
            lines.append('          evidence: {note: "", link: null, date: null}')
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# Data dictionary
# ---------------------------------------------------------------------------------------

def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Union or str(origin) == "types.UnionType":
        return " or ".join(_type_name(a) for a in args) + " (or null)"
    if origin in (list, tuple):
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"mapping {_type_name(args[0])} -> {_type_name(args[1])}" if len(args) == 2 else "mapping"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    return getattr(annotation, "__name__", str(annotation)).replace("date", "date (YYYY-MM-DD)")


def _model_rows(model: type[BaseModel], prefix: str) -> list[str]:
    rows = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        required = "yes" if info.is_required() else f"no (default {info.default!r})" if info.default is not None and not callable(info.default_factory) else "no"
        desc = (info.description or "").replace("|", "/")
        rows.append(f"| `{path}` | {_type_name(info.annotation)} | {required} | {desc} |")
        ann = info.annotation
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        inner = None
        suffix = ""
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            inner = ann
        elif typing.get_origin(ann) in (list,) and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            inner, suffix = args[0], "[]"
        elif typing.get_origin(ann) is typing.Union and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            inner = args[0]
        elif typing.get_origin(ann) is dict and name == "ratings":
            from .models import Rating
            inner, suffix = Rating, ".<criterion_id>.<sub_criterion_id>"
        if inner is not None:
            rows += _model_rows(inner, f"{path}{suffix}.")
    return rows


def data_dictionary_markdown() -> str:
    """Markdown documentation of the rubric, vendor evaluation and AHP judgement files (from their schemas)."""
    head = "| field | type | required | description |\n|---|---|---|---|"
    parts = [
        "## Vendor scoring inputs",
        "",
        "### `templates/rubric.yaml`: the scoring rubric",
        "Criteria, their sub-criteria on an anchored 0-4 scale, must-haves and default weights. "
        "Cost is a separate criterion scored from each vendor's cost figures (lower is better).",
        "",
        head, *_model_rows(Rubric, ""), "",
        "### `vendor_evals/<vendor>.yaml`: one evaluation file per vendor",
        "Start from `templates/vendor_evaluation.yaml` (generated from the rubric). Every evaluator rates every "
        "sub-criterion; `rating: null` means \"could not assess\" (left out of that evaluator's mean; an item "
        "nobody could assess scores 0). Ratings at or above the scale's `evidence_required_from` without "
        "evidence (a note plus a link or a date) are capped at `cap_without_evidence` and flagged. "
        "The 3-year total cost of ownership is years x (licence_per_year + internal_effort_per_year) + "
        "implementation_one_off.",
        "",
        head, *_model_rows(VendorEvaluation, ""), "",
        "### AHP judgement file (optional, `ahp_path`)",
        "Pairwise comparisons of the criteria (including cost) from which weights are derived; a consistency "
        "ratio above 0.10 is reported with the most inconsistent judgement.",
        "",
        head, *_model_rows(AhpFile, ""), "",
    ]
    return "\n".join(parts)
