"""The pre-registered success-criteria file: its model, its metric catalogue and its loader.

Success criteria are written down before the pilot starts (``templates/success_criteria.yaml``)
so that the phase gate is not argued afterwards. :func:`load_criteria` validates the file
structurally (pydantic, unknown keys refused) and semantically (known metrics, thresholds of
the right sign for the good direction, margins on guardrails...), reporting every problem
with its line and YAML path, and records the file's sha256.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError, Problem
from ..io import YamlDocument, load_yaml, pydantic_problems, sha256_file

Kind = Literal["primary", "secondary", "guardrail", "learning"]
Family = Literal["customer_health", "prevention_quality", "organisational_efficiency", "team_growth"]
Direction = Literal["higher", "lower"]


@dataclass(frozen=True)
class MetricSpec:
    """One metric the workbench can compute, with the facts needed to judge it."""

    name: str
    family: str
    scale: Literal["difference", "ratio", "proportion", "count"]
    direction: str  # the good direction of the raw metric
    intervals: tuple[str, ...]  # supported interval methods, the first is the default
    unit: str
    description: str
    needs_question: bool = False

    @property
    def comparative(self) -> bool:
        """Pilot compared with control (a null value exists: 0 for differences, 1 for ratios)."""
        return self.scale in ("difference", "ratio")

    @property
    def null(self) -> float | None:
        return {"difference": 0.0, "ratio": 1.0}.get(self.scale)


METRICS: dict[str, MetricSpec] = {m.name: m for m in (
    MetricSpec("churn_rate_difference", "customer_health", "difference", "lower", ("newcombe",),
               "proportion points (pilot minus control)",
               "Share of accounts churned in the window, pilot minus control; Newcombe hybrid-score interval "
               "(method 10), score test."),
    MetricSpec("churn_relative_risk", "customer_health", "ratio", "lower", ("log", "score"),
               "ratio (pilot / control)",
               "Churn proportion in the pilot divided by control; Katz log interval or Koopman score interval."),
    MetricSpec("retention_hazard_ratio", "customer_health", "ratio", "lower", ("cox_wald",),
               "hazard ratio (pilot / control)",
               "Cox proportional-hazards ratio of churn, pilot vs control (Efron ties), Wald interval; log-rank "
               "test alongside. Cluster-robust when the assignment unit is the CSM."),
    MetricSpec("rmst_difference", "customer_health", "difference", "higher", ("greenwood",),
               "days retained (pilot minus control)",
               "Restricted mean survival time up to tau, pilot minus control; Greenwood-type variance."),
    MetricSpec("health_score_did", "customer_health", "difference", "higher", ("welch_t",),
               "health-score points (difference in differences)",
               "Change in health score from baseline to the end of the window, pilot minus control; Welch interval."),
    MetricSpec("alert_precision", "prevention_quality", "proportion", "higher", ("wilson",),
               "share of labelled alerts",
               "Share of reviewed alerts (true_risk or false_alarm) that were real risks; Wilson interval."),
    MetricSpec("alert_false_alarm_rate", "prevention_quality", "proportion", "lower", ("wilson",),
               "share of labelled alerts",
               "Share of reviewed alerts that were false alarms (1 - precision); Wilson interval."),
    MetricSpec("alert_recall", "prevention_quality", "proportion", "higher", ("wilson",),
               "share of churned pilot accounts",
               "Share of churned pilot accounts with an alert within the recall window before churning; Wilson."),
    MetricSpec("alert_miss_rate", "prevention_quality", "proportion", "lower", ("wilson",),
               "share of churned pilot accounts",
               "Share of churned pilot accounts with no alert in the recall window (1 - recall); Wilson."),
    MetricSpec("intervention_sla_share", "prevention_quality", "proportion", "higher", ("wilson",),
               "share of true-risk alerts",
               "Share of pilot true-risk alerts followed by an intervention within the SLA; Wilson interval."),
    MetricSpec("first_response_hours_shift", "prevention_quality", "difference", "lower",
               ("hodges_lehmann", "bootstrap"), "hours (pilot minus control)",
               "Shift in first-response time of tickets, pilot minus control: Hodges-Lehmann estimate with its "
               "Mann-Whitney interval, or a seeded bootstrap of the median difference."),
    MetricSpec("accounts_per_csm", "organisational_efficiency", "count", "higher", ("exact",),
               "accounts per CSM", "Accounts (not excluded) per pilot CSM: a design fact, no sampling interval."),
    MetricSpec("likert_agree_share", "team_growth", "proportion", "higher", ("wilson",),
               "share agreeing", "Share of pilot-arm answers (end wave) scoring at or above 'agree'; Wilson.",
               needs_question=True),
    MetricSpec("likert_agree_difference", "customer_health", "difference", "higher", ("newcombe",),
               "proportion points (pilot minus control)",
               "Share agreeing (end wave), pilot minus control; Newcombe interval; mean scores and Mann-Whitney "
               "rank test alongside.", needs_question=True),
    MetricSpec("over_contact_share_difference", "customer_health", "difference", "lower", ("newcombe",),
               "proportion points of accounts (pilot minus control)",
               "Share of accounts with more CSM-initiated contacts than the over-contact threshold in at least one calendar "
               "month, pilot minus control; Newcombe interval. The contact-frequency guardrail."),
    MetricSpec("insights_count", "team_growth", "count", "higher", ("poisson_exact",), "insights",
               "Insights logged at or above the minimum quality rating; exact Poisson (Garwood) interval."),
    MetricSpec("insights_actioned_share", "team_growth", "proportion", "higher", ("wilson",),
               "share of insights", "Share of logged insights that led to a change; Wilson interval."),
)}


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: date = Field(description="First day of the pilot (accounts are assigned from this day).")
    end: date = Field(description="Last day of the pilot; outcomes after it are not counted.")


class Allocation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pilot: float = Field(gt=0, lt=1, description="Planned share of assignment units in the pilot arm.")
    control: float = Field(gt=0, lt=1, description="Planned share in the control arm (pilot + control = 1).")


class Multiplicity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["none", "bonferroni", "holm", "bh"] = Field(
        "holm", description="Adjustment over the family: none, bonferroni, holm (step-down) or bh (false coverage).")
    family: list[str] = Field(default_factory=list,
                              description="Criterion ids adjusted together (usually the primaries).")


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Short snake_case name, unique in the file.")
    kind: Kind = Field(description="primary (decides the gate), secondary, guardrail (must not be harmed) or learning.")
    family: Family = Field(description="Metric family: customer_health, prevention_quality, "
                                       "organisational_efficiency or team_growth.")
    metric: str = Field(description="A metric of the catalogue (see the metric table).")
    estimand: str = Field(min_length=3, description="In words: what is estimated, in which population, over which period.")
    direction: Direction = Field(description="Good direction of the raw metric: higher or lower.")
    threshold: float | None = Field(None, description="Primary/secondary/learning: the value the effect must beat, "
                                                      "in the metric's units (not for guardrails).")
    margin: float | None = Field(None, gt=0, description="Guardrail only: the largest tolerated harm, in the "
                                                          "metric's units (positive).")
    fail_on_significant_harm: bool = Field(False, description="Guardrail only: fail on any significant harm, "
                                                              "even within the margin.")
    interval: str | None = Field(None, description="Interval method (default: the metric's first method).")
    min_sample: int = Field(1, ge=1, description="Minimum sample (per arm for comparisons) below which the "
                                                  "verdict is inconclusive.")
    question_id: str | None = Field(None, description="Likert metrics: the survey question.")
    respondent_type: Literal["csm", "customer"] | None = Field(None, description="Likert metrics: who answered.")
    rationale: str = Field("", description="Why this criterion and threshold (free text).")


class SuccessCriteria(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pilot_id: str = Field(min_length=1, description="Identifier of the pilot (team, phase, cycle).")
    window: Window
    unit_of_analysis: Literal["account"] = Field("account", description="Outcomes are measured per account.")
    assignment_unit: Literal["account", "csm"] = Field(
        description="What was randomised or assigned: single accounts, or whole CSM books (clustered).")
    allocation: Allocation = Field(description="Planned allocation of assignment units to the arms.")
    alpha: float = Field(0.05, gt=0, lt=0.5, description="Two-sided level of every interval (before adjustment).")
    multiplicity: Multiplicity = Field(default_factory=Multiplicity)
    srm_alpha: float = Field(0.001, gt=0, lt=0.5, description="Sample-ratio-mismatch test level; below it the data "
                                                              "are invalid.")
    power: float = Field(0.8, gt=0.5, lt=1, description="Power used for the smallest-detectable-effect statement.")
    criteria: list[Criterion] = Field(min_length=1)


@dataclass(frozen=True)
class LoadedCriteria:
    """Validated criteria plus where they came from."""

    model: SuccessCriteria
    path: str
    sha256: str


def _semantic_problems(model: SuccessCriteria, doc: YamlDocument) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: tuple, field: str, value, expected: str, fix: str) -> None:
        problems.append(Problem(doc.file, doc.where(path), field, value, expected, fix))

    total = model.allocation.pilot + model.allocation.control
    if abs(total - 1) > 1e-6:
        add(("allocation",), "allocation", f"{total:g}", "pilot + control = 1", "give the planned shares of the arms")
    if model.window.end <= model.window.start:
        add(("window", "end"), "window.end", str(model.window.end), "a date after window.start",
            "correct the pilot window")
    seen: dict[str, int] = {}
    for i, c in enumerate(model.criteria):
        base = ("criteria", i)
        if c.id in seen:
            add(base + ("id",), f"criteria[{i}].id", c.id, "a unique id",
                f"criteria[{seen[c.id]}] has the same id; rename one")
        seen.setdefault(c.id, i)
        spec = METRICS.get(c.metric)
        if spec is None:
            add(base + ("metric",), f"criteria[{i}].metric", c.metric, "a known metric: " + ", ".join(METRICS),
                "use one of the catalogue's metric names")
            continue
        if c.direction != spec.direction:
            add(base + ("direction",), f"criteria[{i}].direction", c.direction,
                f"'{spec.direction}' ({c.metric} is better when {spec.direction})",
                "correct the direction, or choose the metric that matches your intent")
        if c.interval is not None and c.interval not in spec.intervals:
            add(base + ("interval",), f"criteria[{i}].interval", c.interval,
                "one of " + ", ".join(spec.intervals), f"use an interval method supported by {c.metric}")
        if spec.needs_question and not c.question_id:
            add(base, f"criteria[{i}].question_id", None, f"a question_id ({c.metric} needs a survey question)",
                "add question_id (and respondent_type)")
        if c.kind == "guardrail":
            if c.margin is None:
                add(base, f"criteria[{i}].margin", None, "a margin (guardrails are judged against -margin)",
                    "add margin: the largest harm you tolerate, in the metric's units")
            if c.threshold is not None:
                add(base + ("threshold",), f"criteria[{i}].threshold", c.threshold, "no threshold on a guardrail",
                    "remove threshold; a guardrail's threshold is minus its margin")
            if spec.scale != "difference":
                add(base + ("metric",), f"criteria[{i}].metric", c.metric,
                    "a pilot-minus-control difference metric for a guardrail",
                    "use a difference metric such as over_contact_share_difference")
            continue
        if c.margin is not None or c.fail_on_significant_harm:
            add(base + ("margin",) if c.margin is not None else base, f"criteria[{i}].margin", c.margin,
                "margin and fail_on_significant_harm only on guardrails", "use threshold for this kind")
        if c.threshold is None:
            add(base, f"criteria[{i}].threshold", None, "a threshold", "add the value the effect must beat")
            continue
        t = c.threshold
        if spec.scale == "difference":
            wrong = (t > 0) if spec.direction == "lower" else (t < 0)
            if wrong:
                add(base + ("threshold",), f"criteria[{i}].threshold", t,
                    f"a threshold {'<= 0' if spec.direction == 'lower' else '>= 0'} (the pilot must be "
                    f"{'lower' if spec.direction == 'lower' else 'higher'} than control)",
                    f"flip the sign: e.g. {-t:g}")
        elif spec.scale == "ratio":
            if t <= 0:
                add(base + ("threshold",), f"criteria[{i}].threshold", t, "a positive ratio",
                    "give the ratio the effect must beat, e.g. 0.9")
            elif (t > 1) if spec.direction == "lower" else (t < 1):
                add(base + ("threshold",), f"criteria[{i}].threshold", t,
                    f"a ratio {'<= 1' if spec.direction == 'lower' else '>= 1'} for a metric better when "
                    f"{spec.direction}", f"use e.g. {1 / t:.3g}")
        elif spec.scale == "proportion" and not 0 <= t <= 1:
            add(base + ("threshold",), f"criteria[{i}].threshold", t, "a share between 0 and 1",
                "write 60% as 0.6")
        elif spec.scale == "count" and t < 0:
            add(base + ("threshold",), f"criteria[{i}].threshold", t, "a count >= 0", "correct the target")
    ids = {c.id for c in model.criteria}
    for j, member in enumerate(model.multiplicity.family):
        if member not in ids:
            add(("multiplicity", "family", j), f"multiplicity.family[{j}]", member,
                "the id of a criterion in this file", "correct the id or remove it from the family")
    return problems


def validate_criteria(doc: YamlDocument) -> SuccessCriteria:
    """Validate a loaded YAML document; raise one InputError listing every problem."""
    if not isinstance(doc.data, dict):
        raise InputError([Problem(doc.file, "document", "", type(doc.data).__name__,
                                  "a mapping with pilot_id, window, ... criteria", "see the template")],
                         source=doc.file)
    try:
        model = SuccessCriteria.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(pydantic_problems(exc, doc), source=doc.file) from exc
    problems = _semantic_problems(model, doc)
    if problems:
        raise InputError(problems, source=doc.file)
    return model


def load_criteria(path: str | os.PathLike) -> LoadedCriteria:
    """Read and validate the success-criteria YAML; its sha256 is recorded with every evaluation."""
    doc = load_yaml(path)
    model = validate_criteria(doc)
    return LoadedCriteria(model=model, path=str(path), sha256=sha256_file(path))


def _field_rows(model: type[BaseModel], prefix: str) -> list[str]:
    rows = []
    for name, field in model.model_fields.items():
        annotation = getattr(field.annotation, "__name__", None) or str(field.annotation).replace("typing.", "")
        required = "yes" if field.is_required() else f"no (default {field.get_default(call_default_factory=True)!r})"
        rows.append(f"| `{prefix}{name}` | {annotation} | {required} | {field.description or ''} |")
    return rows


def data_dictionary_markdown() -> str:
    """The success-criteria file's fields and the metric catalogue, as Markdown."""
    lines = ["### Success criteria (`success_criteria.yaml`)", "",
             "Written before the pilot starts; its sha256 is recorded with every evaluation. Unknown keys are "
             "refused. Thresholds are in the metric's own units and must point in the metric's good direction "
             "(e.g. a churn difference threshold is <= 0). Guardrails take a positive `margin` instead.", "",
             "| field | type | required | description |", "|---|---|---|---|"]
    lines += [r for r in _field_rows(SuccessCriteria, "") if "`criteria`" not in r and "`window`" not in r
              and "`allocation`" not in r and "`multiplicity`" not in r]
    lines += _field_rows(Window, "window.")
    lines += _field_rows(Allocation, "allocation.")
    lines += _field_rows(Multiplicity, "multiplicity.")
    lines += _field_rows(Criterion, "criteria[].")
    lines += ["", "#### Metric catalogue", "",
              "| metric | family | scale | better when | interval methods | unit | definition |",
              "|---|---|---|---|---|---|---|"]
    for m in METRICS.values():
        lines.append(f"| `{m.name}` | {m.family} | {m.scale} | {m.direction} | {', '.join(m.intervals)} | "
                     f"{m.unit} | {m.description} |")
    return "\n".join(lines) + "\n"
