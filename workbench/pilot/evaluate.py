"""From validated pilot tables and pre-registered criteria to verdicts and a phase gate.

:func:`evaluate_pilot` derives each criterion's metric from the tables (rules in
:class:`DerivationSettings`), checks validity first (sample-ratio mismatch, minimum samples,
clustering), adjusts the declared family for multiplicity, judges the adjusted intervals and
decides the gate. Pure: nothing is read, written or displayed here.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd

from ..errors import InsufficientDataError, ModelFitError
from .criteria import METRICS, Criterion, LoadedCriteria, MetricSpec
from .loading import PilotData
from .metrics import (
    MetricResult,
    bootstrap_median_difference,
    cox_hazard_ratio,
    design_effect,
    hodges_lehmann,
    poisson_count,
    proportion_difference,
    relative_risk,
    rmst_difference,
    single_proportion,
    welch_difference,
)
from .validity import (
    mde_from_se,
    mde_hazard_ratio,
    mde_two_proportions,
    sample_needed,
    sample_ratio_mismatch,
)
from .verdicts import GateDecision, interval_levels, judge, orient, orient_interval, phase_gate


@dataclass(frozen=True)
class DerivationSettings:
    """How metrics are derived from the raw tables. Defaults are documented in :data:`SETTING_DOCS`."""

    window_end: str | None = None
    sla_hours: float = 48.0
    over_contact_per_month: int = 3
    agree_min_score: int = 4
    recall_window_days: int = 60
    insight_min_quality: int = 3
    rmst_tau_days: float | None = None
    bootstrap_draws: int = 2000
    seed: int = 0
    guardrail_inconclusive_blocks: bool = True


SETTING_DOCS = {
    "window_end": "Last day counted (default: the criteria window's end). Churn after it is censored.",
    "sla_hours": "An intervention counts as on time when it starts within this many hours of its alert.",
    "over_contact_per_month": "An account is over-contacted in a calendar month with more CSM-initiated "
                              "contacts than this.",
    "agree_min_score": "A Likert answer 'agrees' at or above this score (1-5 scale).",
    "recall_window_days": "A churned account was detected when an alert was raised this many days before "
                          "churn or fewer.",
    "insight_min_quality": "Insights count toward the learning target at or above this quality rating.",
    "rmst_tau_days": "Horizon of the restricted mean survival time (default: the shorter arm's last "
                     "follow-up, at most the window length).",
    "bootstrap_draws": "Resamples for bootstrap intervals.",
    "seed": "Seed of the bootstrap.",
    "guardrail_inconclusive_blocks": "Whether an inconclusive guardrail blocks 'proceed'.",
}


def settings_table(settings: DerivationSettings) -> pd.DataFrame:
    """The derivation rules in force, for the report."""
    return pd.DataFrame([{"setting": k, "value": "default" if v is None else v, "meaning": SETTING_DOCS[k]}
                         for k, v in asdict(settings).items()])


@dataclass(frozen=True)
class PilotEvaluation:
    """Everything the report shows: verdicts, gate, validity, power, KM curves, notes."""

    verdicts: pd.DataFrame
    gate: GateDecision
    validity: pd.DataFrame
    power: pd.DataFrame
    survival_curves: pd.DataFrame
    data_valid: bool
    hazard_ratio: MetricResult | None
    criteria_sha256: str
    clustering: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def counts(self) -> dict[str, int]:
        v = self.verdicts["verdict"]
        return {k: int((v == k).sum()) for k in ("pass", "fail", "inconclusive")}


# ---------------------------------------------------------------------------------------
# Derived analysis tables
# ---------------------------------------------------------------------------------------

def follow_up(accounts: pd.DataFrame, *, window_end: pd.Timestamp) -> pd.DataFrame:
    """Analysis set (not excluded) with follow-up days, churn event and pilot flag."""
    acc = accounts[~accounts["excluded"].fillna(False).astype(bool)].copy()
    stop = window_end + pd.Timedelta(days=1)
    churned = acc["churned_at"].notna() & (acc["churned_at"] < stop)
    end = acc["churned_at"].where(churned, stop)
    days = (end - acc["assigned_at"]).dt.total_seconds() / 86400
    return pd.DataFrame({
        "account_id": acc["account_id"].to_numpy(),
        "csm_id": acc["csm_id"].to_numpy(),
        "arm": acc["arm"].to_numpy(),
        "pilot": (acc["arm"] == "pilot").to_numpy(),
        "duration": np.maximum(days.to_numpy(dtype=float), 0.5),
        "event": churned.to_numpy().astype(int),
        "assigned_at": acc["assigned_at"].to_numpy(),
        "end_at": end.to_numpy(),
    })


def _attach(frame: pd.DataFrame, fu: pd.DataFrame) -> pd.DataFrame:
    """Keep rows of analysed accounts and add their arm and CSM."""
    return frame.merge(fu[["account_id", "arm", "csm_id", "pilot"]], on="account_id", how="inner")


def over_contacted(contacts: pd.DataFrame, fu: pd.DataFrame, *, per_month: int) -> pd.DataFrame:
    """Per account: whether any calendar month had more CSM-initiated contacts than ``per_month``."""
    c = _attach(contacts[contacts["initiated_by"] == "csm"], fu)
    c = c.assign(month=c["contacted_at"].dt.to_period("M"))
    monthly = c.groupby(["account_id", "month"]).size().rename("contacts").reset_index()
    flagged = set(monthly.loc[monthly["contacts"] > per_month, "account_id"])
    return fu.assign(over=fu["account_id"].isin(flagged).astype(int))


@dataclass(frozen=True)
class _Derived:
    result: MetricResult
    clusters: tuple[np.ndarray, np.ndarray] | None = None  # (values, cluster ids) for the design effect
    extra: str = ""


def _fmt(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if math.isinf(v):
        return "inf"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


class _Deriver:
    def __init__(self, data: PilotData, settings: DerivationSettings, window_end: pd.Timestamp, tau: float,
                 clustered: bool):
        self.data, self.s, self.window_end, self.tau, self.clustered = data, settings, window_end, tau, clustered
        self.fu = follow_up(data["accounts"], window_end=window_end)

    def compute(self, c: Criterion, spec: MetricSpec, alpha: float) -> _Derived:
        return getattr(self, spec.name)(c, spec, alpha)

    # customer health -------------------------------------------------------------------
    def _churn_counts(self):
        fu = self.fu
        return (int(fu.loc[fu.pilot, "event"].sum()), int(fu.pilot.sum()),
                int(fu.loc[~fu.pilot, "event"].sum()), int((~fu.pilot).sum()))

    def churn_rate_difference(self, c, spec, alpha):
        r = proportion_difference(*self._churn_counts(), alpha=alpha, metric=spec.name)
        return _Derived(r, (self.fu["event"].to_numpy(), self.fu["csm_id"].to_numpy()))

    def churn_relative_risk(self, c, spec, alpha):
        r = relative_risk(*self._churn_counts(), alpha=alpha, method=c.interval or spec.intervals[0],
                          metric=spec.name)
        return _Derived(r, (self.fu["event"].to_numpy(), self.fu["csm_id"].to_numpy()))

    def retention_hazard_ratio(self, c, spec, alpha):
        r = cox_hazard_ratio(self.fu, alpha=alpha, cluster_col="csm_id" if self.clustered else None,
                             metric=spec.name)
        return _Derived(r)

    def rmst_difference(self, c, spec, alpha):
        r = rmst_difference(self.fu, tau=self.tau, alpha=alpha, metric=spec.name)
        return _Derived(r, (self.fu["event"].to_numpy(), self.fu["csm_id"].to_numpy()))

    def health_score_did(self, c, spec, alpha):
        if not self.data.has("health_scores"):
            raise InsufficientDataError("no health_scores table: the difference in differences needs scores "
                                        "before and after assignment")
        hs = _attach(self.data["health_scores"], self.fu).merge(self.fu[["account_id", "assigned_at"]],
                                                                 on="account_id")
        hs = hs[hs["measured_at"] < self.window_end + pd.Timedelta(days=1)].sort_values("measured_at")
        base = hs[hs["measured_at"] <= hs["assigned_at"]].groupby("account_id").tail(1)
        after = hs[hs["measured_at"] > hs["assigned_at"]].groupby("account_id").tail(1)
        both = base.merge(after[["account_id", "score"]], on="account_id", suffixes=("_base", "_end"))
        both = both.assign(change=both["score_end"] - both["score_base"])
        x = both.loc[both.pilot, "change"]
        y = both.loc[~both.pilot, "change"]
        if len(x) < 2 or len(y) < 2:
            raise InsufficientDataError("health scores before and after assignment are needed in both arms "
                                        f"(found {len(x)} pilot and {len(y)} control accounts)")
        r = welch_difference(x, y, alpha=alpha, metric=spec.name)
        return _Derived(r, (both["change"].to_numpy(), both["csm_id"].to_numpy()),
                        f"mean change pilot {x.mean():.3g}, control {y.mean():.3g}")

    def likert_agree_difference(self, c, spec, alpha):
        answers = self._answers(c, respondent_default="customer")
        a = answers[answers["arm"] == "pilot"]
        b = answers[answers["arm"] == "control"]
        if a.empty or b.empty:
            raise InsufficientDataError(f"no end-wave answers to {c.question_id} in the "
                                        f"{'pilot' if a.empty else 'control'} arm")
        r = proportion_difference(int(a["agree"].sum()), len(a), int(b["agree"].sum()), len(b), alpha=alpha,
                                  metric=spec.name)
        from scipy import stats

        p_rank = (stats.mannwhitneyu(a["score"], b["score"], method="asymptotic").pvalue
                  if len(a) > 1 and len(b) > 1 else float("nan"))
        return _Derived(r, (answers["agree"].to_numpy(), answers["cluster"].to_numpy()),
                        f"mean score pilot {a['score'].mean():.2f}, control {b['score'].mean():.2f}; "
                        f"Mann-Whitney p = {p_rank:.3g}")

    def over_contact_share_difference(self, c, spec, alpha):
        flags = over_contacted(self.data["contacts"], self.fu, per_month=self.s.over_contact_per_month)
        p = flags[flags.pilot]
        q = flags[~flags.pilot]
        r = proportion_difference(int(p["over"].sum()), len(p), int(q["over"].sum()), len(q), alpha=alpha,
                                  metric=spec.name)
        return _Derived(r, (flags["over"].to_numpy(), flags["csm_id"].to_numpy()))

    # prevention quality ------------------------------------------------------------------
    def _labelled_alerts(self):
        al = _attach(self.data["alerts"], self.fu)
        al = al[al.pilot & al["outcome_label"].isin(["true_risk", "false_alarm"])]
        if al.empty:
            raise InsufficientDataError("no reviewed pilot alerts (true_risk or false_alarm)")
        return al

    def alert_precision(self, c, spec, alpha):
        al = self._labelled_alerts()
        hits = (al["outcome_label"] == "true_risk").astype(int)
        r = single_proportion(int(hits.sum()), len(al), alpha=alpha, null=c.threshold, metric=spec.name)
        return _Derived(r, (hits.to_numpy(), al["csm_id"].to_numpy()))

    def alert_false_alarm_rate(self, c, spec, alpha):
        al = self._labelled_alerts()
        miss = (al["outcome_label"] == "false_alarm").astype(int)
        r = single_proportion(int(miss.sum()), len(al), alpha=alpha, null=c.threshold, metric=spec.name)
        return _Derived(r, (miss.to_numpy(), al["csm_id"].to_numpy()))

    def _detected(self):
        fu = self.fu[self.fu.pilot & (self.fu.event == 1)]
        if fu.empty:
            raise InsufficientDataError("no pilot account churned: detection recall is not measurable")
        al = self.data["alerts"].merge(fu[["account_id", "end_at"]], on="account_id")
        lag = (al["end_at"] - al["raised_at"]).dt.total_seconds() / 86400
        hit = set(al.loc[(lag >= 0) & (lag <= self.s.recall_window_days), "account_id"])
        return fu.assign(detected=fu["account_id"].isin(hit).astype(int))

    def alert_recall(self, c, spec, alpha):
        d = self._detected()
        r = single_proportion(int(d["detected"].sum()), len(d), alpha=alpha, null=c.threshold, metric=spec.name)
        return _Derived(r, (d["detected"].to_numpy(), d["csm_id"].to_numpy()))

    def alert_miss_rate(self, c, spec, alpha):
        d = self._detected()
        missed = 1 - d["detected"]
        r = single_proportion(int(missed.sum()), len(d), alpha=alpha, null=c.threshold, metric=spec.name)
        return _Derived(r, (missed.to_numpy(), d["csm_id"].to_numpy()))

    def intervention_sla_share(self, c, spec, alpha):
        al = _attach(self.data["alerts"], self.fu)
        cutoff = self.window_end + pd.Timedelta(days=1) - pd.Timedelta(hours=self.s.sla_hours)
        al = al[al.pilot & (al["outcome_label"] == "true_risk") & (al["raised_at"] <= cutoff)]
        if al.empty:
            raise InsufficientDataError("no pilot true-risk alerts raised early enough to judge the SLA")
        iv = self.data["interventions"].dropna(subset=["alert_id"]).groupby("alert_id")["started_at"].min()
        lag = (al["alert_id"].map(iv) - al["raised_at"]).dt.total_seconds() / 3600
        on_time = (lag <= self.s.sla_hours).fillna(False).astype(int)
        r = single_proportion(int(on_time.sum()), len(al), alpha=alpha, null=c.threshold, metric=spec.name)
        return _Derived(r, (on_time.to_numpy(), al["csm_id"].to_numpy()),
                        f"{int(lag.isna().sum())} alert(s) never followed by an intervention")

    def first_response_hours_shift(self, c, spec, alpha):
        t = _attach(self.data["tickets"].dropna(subset=["first_response_at"]), self.fu)
        hours = (t["first_response_at"] - t["opened_at"]).dt.total_seconds() / 3600
        x, y = hours[t.pilot.to_numpy()], hours[~t.pilot.to_numpy()]
        if (c.interval or spec.intervals[0]) == "bootstrap":
            r = bootstrap_median_difference(x, y, alpha=alpha, draws=self.s.bootstrap_draws, seed=self.s.seed,
                                            metric=spec.name)
        else:
            r = hodges_lehmann(x, y, alpha=alpha, metric=spec.name)
        return _Derived(r, (hours.to_numpy(), t["csm_id"].to_numpy()),
                        f"median hours pilot {np.median(x):.3g}, control {np.median(y):.3g}")

    # organisational efficiency -----------------------------------------------------------
    def accounts_per_csm(self, c, spec, alpha):
        p = self.fu[self.fu.pilot]
        n_csm = p["csm_id"].nunique()
        if n_csm == 0:
            raise InsufficientDataError("no pilot CSMs")
        value = len(p) / n_csm
        control = self.fu[~self.fu.pilot]
        ctl = len(control) / max(control["csm_id"].nunique(), 1)
        r = MetricResult(spec.name, value, value, value, "count (a design fact, no sampling interval)",
                         int(n_csm), int(control["csm_id"].nunique()), float("nan"), alpha)
        return _Derived(r, None, f"control: {ctl:.3g} accounts per CSM")

    # team growth -------------------------------------------------------------------------
    def _answers(self, c, *, respondent_default: str) -> pd.DataFrame:
        s = self.data["survey_responses"]
        who = c.respondent_type or respondent_default
        s = s[(s["respondent_type"] == who) & (s["question_id"] == c.question_id) & (s["wave"] == "end")]
        if s.empty:
            raise InsufficientDataError(f"no end-wave answers from {who}s to question '{c.question_id}'")
        if who == "customer":
            s = s.merge(self.fu[["account_id", "csm_id"]], on="account_id", how="inner")
            cluster = s["csm_id"]
        else:
            cluster = s["respondent_id"]
        return s.assign(agree=(s["score"] >= self.s.agree_min_score).astype(int), cluster=cluster.to_numpy())

    def likert_agree_share(self, c, spec, alpha):
        answers = self._answers(c, respondent_default="csm")
        a = answers[answers["arm"] == "pilot"]
        if a.empty:
            raise InsufficientDataError(f"no pilot-arm end-wave answers to {c.question_id}")
        r = single_proportion(int(a["agree"].sum()), len(a), alpha=alpha, null=c.threshold, metric=spec.name)
        return _Derived(r, None, f"mean score {a['score'].mean():.2f} of 5")

    def insights_count(self, c, spec, alpha):
        ins = self.data["insights"]
        ins = ins[ins["logged_at"] < self.window_end + pd.Timedelta(days=1)]
        good = int((ins["quality_rating"] >= self.s.insight_min_quality).sum())
        r = poisson_count(good, alpha=alpha, null=c.threshold, metric=spec.name)
        return _Derived(r, None, f"{len(ins)} logged, {good} rated {self.s.insight_min_quality}+")

    def insights_actioned_share(self, c, spec, alpha):
        ins = self.data["insights"]
        if ins.empty:
            raise InsufficientDataError("no insights logged")
        acted = ins["actioned"].fillna(False).astype(int)
        r = single_proportion(int(acted.sum()), len(ins), alpha=alpha, null=c.threshold, metric=spec.name)
        return _Derived(r)


def _widen(r: MetricResult, de: float) -> MetricResult:
    """Inflate an interval's half-widths by sqrt(design effect), around the estimate."""
    if de <= 1 or math.isnan(r.estimate):
        return r
    k = math.sqrt(de)
    return replace(r, ci_lower=r.estimate - (r.estimate - r.ci_lower) * k,
                   ci_upper=r.estimate + (r.ci_upper - r.estimate) * k,
                   method=r.method + f"; half-widths x sqrt(design effect {de:.2f})")


def _threshold(c: Criterion, spec: MetricSpec) -> float:
    if c.kind != "guardrail":
        return float(c.threshold)
    return float(spec.null + c.margin) if spec.direction == "lower" else float(spec.null - c.margin)


def _evidence(c: Criterion, spec: MetricSpec, r: MetricResult, thr: float, verdict: str, min_met: bool,
              extra: str, level: float) -> str:
    n = f"n = {r.n_pilot:,} pilot vs {r.n_control:,} control" if spec.comparative else f"n = {r.n_pilot:,}"
    if spec.name == "accounts_per_csm":
        n = f"{r.n_pilot} pilot CSMs"
    head = (f"{spec.unit}: {_fmt(r.estimate)} ({level:.4g}% CI {_fmt(r.ci_lower)} to {_fmt(r.ci_upper)}; {n})")
    better = "below" if spec.direction == "lower" else "above"
    worse = "above" if spec.direction == "lower" else "below"
    what = f"the {'margin' if c.kind == 'guardrail' else 'threshold'} {_fmt(thr)}"
    if not min_met:
        tail = f"below the pre-registered minimum sample of {c.min_sample}: not judged on this evidence"
    elif math.isnan(r.ci_lower) or math.isnan(r.ci_upper):
        tail = "no interval could be estimated"
    elif verdict == "pass":
        tail = f"the whole interval is {better} {what}"
    elif verdict == "fail" and c.kind == "guardrail" and c.fail_on_significant_harm and not (
            (r.ci_lower > thr) if spec.direction == "lower" else (r.ci_upper < thr)):
        tail = "significant harm (the interval excludes no difference) and the criterion fails on any harm"
    elif verdict == "fail":
        tail = f"the whole interval is {worse} {what}"
    else:
        tail = f"the interval includes {what}"
    text = f"{head}; {tail}."
    if r.note:
        text += f" {r.note}."
    if extra:
        text += f" ({extra})"
    return text


def evaluate_pilot(data: PilotData, criteria: LoadedCriteria, *,
                   settings: DerivationSettings | None = None) -> PilotEvaluation:
    """Judge every pre-registered criterion on the pilot data and decide the phase gate."""
    s = settings or DerivationSettings()
    cfg = criteria.model
    window_end = pd.Timestamp(s.window_end) if s.window_end else pd.Timestamp(cfg.window.end)
    window_days = (window_end - pd.Timestamp(cfg.window.start)).days + 1
    clustered = cfg.assignment_unit == "csm"
    notes = list(data.notes)

    fu_all = follow_up(data["accounts"], window_end=window_end)
    if s.rmst_tau_days is not None:
        tau = float(s.rmst_tau_days)
    else:
        tau = float(min(window_days, fu_all.loc[fu_all.pilot, "duration"].max(),
                        fu_all.loc[~fu_all.pilot, "duration"].max()))
    deriver = _Deriver(data, s, window_end, tau, clustered)

    # Validity: sample-ratio mismatch on the assignment unit.
    if clustered:
        units = data["accounts"].groupby("csm_id")["arm"].first()
        n_p, n_c = int((units == "pilot").sum()), int((units == "control").sum())
        mixed = data["accounts"].groupby("csm_id")["arm"].nunique()
        mixed_csms = list(mixed[mixed > 1].index)
    else:
        n_p, n_c = int((data["accounts"]["arm"] == "pilot").sum()), int((data["accounts"]["arm"] == "control").sum())
        mixed_csms = []
    srm = sample_ratio_mismatch(n_p, n_c, planned_pilot_share=cfg.allocation.pilot, srm_alpha=cfg.srm_alpha)
    validity_rows = [{
        "check": "sample-ratio mismatch",
        "value": f"{n_p} pilot / {n_c} control {'CSMs' if clustered else 'accounts'} "
                 f"(planned {cfg.allocation.pilot:.0%} pilot; expected {srm.expected_pilot:.1f})",
        "statistic": round(srm.chi_square, 3), "p_value": srm.p_value,
        "status": "invalid" if srm.mismatch else "ok",
        "detail": f"chi-square vs the planned allocation; invalid when p < srm_alpha {cfg.srm_alpha:g}",
    }]
    if mixed_csms:
        validity_rows.append({"check": "CSMs in one arm", "value": ", ".join(mixed_csms), "statistic": np.nan,
                              "p_value": np.nan, "status": "invalid",
                              "detail": "the assignment unit is the CSM, but these CSMs have accounts in both arms"})
    excluded = data["accounts"]["excluded"].fillna(False).astype(bool)
    by_arm = data["accounts"].loc[excluded, "arm"].value_counts()
    validity_rows.append({"check": "exclusions", "value": f"{int(by_arm.get('pilot', 0))} pilot, "
                          f"{int(by_arm.get('control', 0))} control", "statistic": np.nan, "p_value": np.nan,
                          "status": "ok", "detail": "accounts excluded before analysis (with reasons)"})
    data_valid = not srm.mismatch and not mixed_csms

    # First pass at the nominal level: results, p-values, design effects.
    first: dict[str, _Derived | str] = {}
    de_info: dict[str, tuple[float, float, float]] = {}
    for c in cfg.criteria:
        spec = METRICS[c.metric]
        try:
            first[c.id] = deriver.compute(c, spec, cfg.alpha)
        except (InsufficientDataError, ModelFitError) as exc:
            first[c.id] = str(exc)
            continue
        d = first[c.id]
        if clustered and d.clusters is not None:
            de_info[c.id] = design_effect(*d.clusters)

    # Multiplicity: interval levels for the declared family.
    levels = {c.id: cfg.alpha for c in cfg.criteria}
    family = [i for i in cfg.multiplicity.family if isinstance(first.get(i), _Derived)]
    if family and cfg.multiplicity.method != "none":
        ps = [first[i].result.p_value for i in family]
        for i, level in zip(family, interval_levels(ps, alpha=cfg.alpha, method=cfg.multiplicity.method)):
            levels[i] = float(level)

    rows, power_rows = [], []
    hazard_ratio = None
    for c in cfg.criteria:
        spec = METRICS[c.metric]
        thr = _threshold(c, spec)
        d = first[c.id]
        if isinstance(d, str):
            rows.append({"criterion": c.id, "kind": c.kind, "metric": c.metric, "estimate": np.nan,
                         "ci_lower": np.nan, "ci_upper": np.nan, "threshold": thr, "verdict": "inconclusive",
                         "evidence": f"Not computable: {d}.", "method": "", "n_pilot": 0, "n_control": 0,
                         "p_value": np.nan, "interval_level": 1 - levels[c.id], "min_sample": c.min_sample,
                         "sample_needed": np.nan, "unit": spec.unit, "family": c.family})
            continue
        if levels[c.id] != cfg.alpha:
            d = deriver.compute(c, spec, levels[c.id])
        r = d.result
        de = de_info.get(c.id, (1.0, 0.0, 0.0))[0]
        if clustered and de > 1 and spec.name != "retention_hazard_ratio":
            r = _widen(r, de)
        if spec.name == "retention_hazard_ratio":
            hazard_ratio = r
        n_min = min(r.n_pilot, r.n_control) if spec.comparative else r.n_pilot
        if spec.name == "insights_count":
            n_min = len(data["insights"])
        min_met = n_min >= c.min_sample
        est_o = orient(r.estimate, scale=spec.scale, direction=spec.direction)
        lo_o, hi_o = orient_interval(r.ci_lower, r.ci_upper, scale=spec.scale, direction=spec.direction)
        thr_o = orient(thr, scale=spec.scale, direction=spec.direction)
        verdict = judge(est_o, (lo_o, hi_o), thr_o, kind=c.kind, min_sample_met=min_met,
                        fail_on_significant_harm=c.fail_on_significant_harm)
        if not data_valid:
            verdict = "not_judged"
        needed = np.nan
        if verdict == "inconclusive" and not math.isnan(lo_o) and spec.name not in ("accounts_per_csm",):
            needed = sample_needed(n_min, (hi_o - lo_o) / 2, abs(est_o - thr_o))
            if not min_met:
                needed = max(needed, c.min_sample) if np.isfinite(needed) else needed
        evidence = _evidence(c, spec, r, thr, verdict, min_met, d.extra, 100 * (1 - levels[c.id]))
        if verdict == "not_judged":
            evidence = "Not judged: the data failed a validity check. " + evidence
        rows.append({"criterion": c.id, "kind": c.kind, "metric": c.metric, "estimate": r.estimate,
                     "ci_lower": r.ci_lower, "ci_upper": r.ci_upper, "threshold": thr, "verdict": verdict,
                     "evidence": evidence, "method": r.method, "n_pilot": r.n_pilot, "n_control": r.n_control,
                     "p_value": r.p_value, "interval_level": 1 - levels[c.id], "min_sample": c.min_sample,
                     "sample_needed": needed, "unit": spec.unit, "family": c.family})
        power_rows.append(_power_row(c, spec, d.result, deriver, cfg, de))
        if not min_met:
            validity_rows.append({"check": f"minimum sample: {c.id}", "value": f"{n_min} < {c.min_sample}",
                                  "statistic": np.nan, "p_value": np.nan, "status": "below",
                                  "detail": "verdict is inconclusive below the pre-registered minimum"})

    verdicts = pd.DataFrame(rows)
    verdicts["criteria_sha256"] = criteria.sha256
    clustering = ("Accounts were assigned individually: account-level intervals." if not clustered else
                  "CSMs were assigned (clustered design): the hazard ratio uses a cluster-robust (sandwich) "
                  "interval by CSM; other intervals use the Kish design effect 1 + (m0 - 1) x ICC estimated per "
                  "metric from its outcome by CSM, interval half-widths multiplied by sqrt(design effect).")
    if clustered:
        for cid, (de, icc, m0) in de_info.items():
            validity_rows.append({"check": f"design effect: {cid}", "value": f"{de:.2f}", "statistic": round(icc, 4),
                                  "p_value": np.nan, "status": "ok",
                                  "detail": f"ICC {icc:.3f} by CSM, adjusted mean cluster size {m0:.1f}"})
    if cfg.multiplicity.method != "none" and family:
        notes.append(f"Multiplicity: {cfg.multiplicity.method} over {', '.join(family)}; the adjusted intervals "
                     "(see interval_level) are the ones judged.")
    gate = phase_gate(verdicts, data_valid=data_valid,
                      guardrail_inconclusive_blocks=s.guardrail_inconclusive_blocks)
    curves = survival_curves(deriver.fu)
    return PilotEvaluation(verdicts=verdicts, gate=gate, validity=pd.DataFrame(validity_rows),
                           power=pd.DataFrame(power_rows), survival_curves=curves, data_valid=data_valid,
                           hazard_ratio=hazard_ratio, criteria_sha256=criteria.sha256, clustering=clustering,
                           notes=tuple(notes))


def _power_row(c: Criterion, spec: MetricSpec, r: MetricResult, deriver: _Deriver, cfg, de: float) -> dict:
    """The smallest effect this pilot could detect for one criterion (at the nominal level)."""
    alpha, power = cfg.alpha, cfg.power
    fu = deriver.fu
    n_p, n_c = max(r.n_pilot, 1), max(r.n_control, 1)
    method = "normal approximation from the interval's standard error"
    if spec.name in ("churn_rate_difference", "churn_relative_risk"):
        p_c = float(fu.loc[~fu.pilot, "event"].mean())
        mde = mde_two_proportions(p_c, n_p / de, n_c / de, alpha=alpha, power=power, direction="lower")
        if spec.name == "churn_relative_risk":
            mde = (p_c + mde) / p_c if p_c > 0 else float("nan")
        method = "two-proportion power (arcsine, as statsmodels NormalIndPower)"
        value = mde
    elif spec.name == "retention_hazard_ratio":
        p_p = float(fu.loc[fu.pilot, "event"].mean())
        p_c = float(fu.loc[~fu.pilot, "event"].mean())
        value = mde_hazard_ratio(int(n_p / de), int(n_c / de), max(p_p, 1e-3), max(p_c, 1e-3), alpha=alpha,
                                 power=power)
        method = "lifelines power_under_cph solved for the hazard ratio"
    elif spec.name == "accounts_per_csm":
        value, method = float("nan"), "not applicable (no sampling)"
    else:
        z = float(__import__("scipy").stats.norm.ppf(1 - r.alpha / 2))
        se = (r.ci_upper - r.ci_lower) / (2 * z) * math.sqrt(de)
        dist = mde_from_se(se, alpha=alpha, power=power)
        if spec.comparative:
            value = spec.null - dist if spec.direction == "lower" else spec.null + dist
        else:
            value = dist
            method += " (distance from the threshold)"
    return {"criterion": c.id, "metric": c.metric, "smallest_detectable": value, "power": power,
            "method": method,
            "reading": (f"with {n_p:,} pilot and {n_c:,} control units this pilot detects an effect of "
                        f"{_fmt(value)} {spec.unit} with {power:.0%} power" if spec.comparative else
                        f"a true value within {_fmt(value)} of the threshold is not reliably distinguished")}


def survival_curves(fu: pd.DataFrame) -> pd.DataFrame:
    """Kaplan-Meier retention by arm (time in days), for the chart."""
    from ..survival import kaplan_meier

    out = []
    for arm, group in fu.groupby("arm"):
        curve = kaplan_meier(group["duration"], group["event"])
        t = curve.table
        start = pd.DataFrame({"time": [0.0], "survival": [1.0], "ci_lower": [1.0], "ci_upper": [1.0],
                              "at_risk": [len(group)]})
        t = pd.concat([start, t[["time", "survival", "ci_lower", "ci_upper", "at_risk"]]], ignore_index=True)
        out.append(t.assign(arm=arm))
    frame = pd.concat(out, ignore_index=True).rename(columns={"time": "days"})
    return frame[["arm", "days", "at_risk", "survival", "ci_lower", "ci_upper"]]
