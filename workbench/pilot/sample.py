"""A synthetic pilot with known true effects, regenerated bit-identically from a seed.

The story: a churn-prevention tool is piloted from 2026-04-01 to 2026-09-30 by 4 CSMs on
40% of 1,000 accounts (6 CSMs keep the existing process on the other 60%). Accounts are
assigned individually. True effects built in (what the sample run should find):

- Retention: churn hazard x 0.6 in the pilot (6-month churn about 20% in control, 13% in the
  pilot, a true difference of about -7 points) -> the hazard-ratio criterion (threshold 0.9)
  and the churn-difference criterion (at least 3 points lower) pass; the RMST gain passes 0.
- Health score: +0.8 points per month in the pilot, 0 in control (about +5 by the end) -> passes
  a threshold of +2.
- Alerts (pilot only): about 70% of churners get a true-risk alert 5-55 days before churning;
  precision about 0.6 against a target of 0.6 -> inconclusive; recall about 0.65 against 0.5 on
  about 40 churners -> inconclusive. True-risk alerts get an
  intervention with probability 0.95 after a log-normal delay (median 12 h): about 87% within
  the 48-hour SLA -> passes a target of 0.75.
- Ticket first response: log-normal, median 5 h in BOTH arms (no true effect) -> the criterion
  "at least 1 hour faster" fails.
- Contacts: CSM-initiated contacts Poisson 0.8 per month in the pilot vs 0.9 in control (the
  tool routes minor risks to self-service) -> the over-contact guardrail passes its margin.
- Surveys: customers agree "I feel supported, not watched" with probability 0.6 in both arms
  (no effect) -> inconclusive against "no worse than control"; only 4 pilot CSMs answer "the tool helps me prioritise", below
  the minimum sample of 5 -> inconclusive.
- Learning: 22 insights, quality ratings mostly 3+, about half actioned -> both pass.

With the sample seed the gate is "proceed" (primaries and guardrail pass) with one secondary
failure (first response) and several inconclusive criteria listed as not blocking.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WINDOW_START = pd.Timestamp("2026-04-01")
WINDOW_END = pd.Timestamp("2026-09-30")
N_ACCOUNTS = 1000
PILOT_SHARE = 0.4
PILOT_CSMS = ("csm01", "csm02", "csm03", "csm04")
CONTROL_CSMS = ("csm05", "csm06", "csm07", "csm08", "csm09", "csm10")
TRUE_HAZARD_RATIO = 0.6
CONTROL_SIX_MONTH_CHURN = 0.20
SEGMENTS = {"SMB": (0.5, 1.3), "Mid-Market": (0.35, 0.9), "Enterprise": (0.15, 0.5)}  # share, hazard multiplier
CHANNELS = ("email", "call", "meeting", "in_app", "self_service", "chat")
SECONDS = "%Y-%m-%d %H:%M:%S"


def _stamp(values: pd.Series | pd.DatetimeIndex) -> pd.Series:
    """Second-precision timestamps as ISO text (the CSV writer keeps dates at day precision)."""
    return pd.Series(pd.to_datetime(values)).dt.floor("s").dt.strftime(SECONDS).to_numpy()


def generate_pilot(*, seed: int) -> dict[str, pd.DataFrame]:
    """Generate every pilot table (keys = table names, columns as :data:`workbench.pilot.schemas.SCHEMAS`)."""
    rng = np.random.default_rng([seed, 5])
    window_days = (WINDOW_END - WINDOW_START).days + 1
    stop = WINDOW_END + pd.Timedelta(days=1)

    # Accounts -------------------------------------------------------------------------------
    ids = [f"A{i:04d}" for i in range(1, N_ACCOUNTS + 1)]
    pilot = rng.random(N_ACCOUNTS) < PILOT_SHARE
    csm = np.where(pilot, rng.choice(PILOT_CSMS, N_ACCOUNTS), rng.choice(CONTROL_CSMS, N_ACCOUNTS))
    seg_names = list(SEGMENTS)
    seg = rng.choice(seg_names, N_ACCOUNTS, p=[SEGMENTS[s][0] for s in seg_names])
    arr = np.round(rng.lognormal(np.log(24000), 0.8, N_ACCOUNTS), -2)
    arr = arr * np.select([seg == "Enterprise", seg == "Mid-Market"], [4.0, 1.8], 1.0)
    assigned = WINDOW_START + pd.to_timedelta(rng.integers(0, 14, N_ACCOUNTS), unit="D")
    base_rate = -np.log(1 - CONTROL_SIX_MONTH_CHURN) / 182.5
    rate = base_rate * np.array([SEGMENTS[s][1] for s in seg]) * np.where(pilot, TRUE_HAZARD_RATIO, 1.0)
    days_to_churn = np.ceil(rng.exponential(1 / rate))
    churn_at = assigned + pd.to_timedelta(days_to_churn, unit="D")
    churned = churn_at < stop
    excluded = np.zeros(N_ACCOUNTS, dtype=bool)
    excluded[rng.choice(N_ACCOUNTS, 8, replace=False)] = True
    reasons = np.where(excluded, rng.choice(["test account", "merged into parent account"], N_ACCOUNTS), None)
    accounts = pd.DataFrame({
        "account_id": ids, "arm": np.where(pilot, "pilot", "control"), "csm_id": csm, "segment": seg,
        "arr": arr, "assigned_at": assigned, "churned_at": pd.Series(churn_at).where(churned).to_numpy(),
        "excluded": excluded, "exclusion_reason": reasons,
    })
    end_at = pd.DatetimeIndex(np.where(churned, churn_at.to_numpy(), stop.to_datetime64()))
    active_days = (end_at - assigned).days.to_numpy()

    # Alerts (pilot only) and interventions -------------------------------------------------
    alert_rows = []
    idx_pilot = np.flatnonzero(pilot)
    for i in idx_pilot:
        if churned[i] and rng.random() < 0.7:
            lead = rng.uniform(5, 55)
            t = churn_at[i] - pd.Timedelta(days=lead)
            if t > assigned[i] + pd.Timedelta(days=1):
                label = "true_risk" if rng.random() < 0.9 else "unknown"
                alert_rows.append((i, t, label))
    survivors = [i for i in idx_pilot if not churned[i] and active_days[i] > 30]
    for i in rng.choice(survivors, 62, replace=False):  # real risks that were handled
        alert_rows.append((i, assigned[i] + pd.Timedelta(days=rng.uniform(10, active_days[i] - 3)),
                           "true_risk" if rng.random() < 0.92 else "unknown"))
    for i in rng.choice(survivors, 64, replace=False):  # false alarms
        alert_rows.append((i, assigned[i] + pd.Timedelta(days=rng.uniform(10, active_days[i] - 3)),
                           "false_alarm" if rng.random() < 0.92 else "unknown"))
    alert_rows.sort(key=lambda r: r[1])
    labels = np.array([r[2] for r in alert_rows])
    score = np.where(labels == "false_alarm", rng.normal(58, 12, len(labels)), rng.normal(72, 10, len(labels)))
    alerts = pd.DataFrame({
        "alert_id": [f"AL{k:05d}" for k in range(1, len(alert_rows) + 1)],
        "account_id": [ids[r[0]] for r in alert_rows],
        "raised_at": _stamp([r[1] for r in alert_rows]),
        "risk_score": np.round(np.clip(score, 0, 100), 1),
        "outcome_label": labels,
    })
    iv_rows = []
    for k, (i, t, label) in enumerate(alert_rows):
        p_act = 0.95 if label == "true_risk" else 0.5
        if rng.random() < p_act:
            delay = pd.Timedelta(hours=float(rng.lognormal(np.log(12), 1.0)))
            start = t + delay
            if start < stop and (not churned[i] or start < churn_at[i]):
                iv_rows.append((ids[i], alerts["alert_id"].iloc[k], start))
    for i in rng.choice(N_ACCOUNTS, 150, replace=False):  # scheduled check-ins, both arms
        if active_days[i] > 5:
            iv_rows.append((ids[i], None, assigned[i] + pd.Timedelta(days=rng.uniform(1, active_days[i] - 1))))
    iv_rows.sort(key=lambda r: r[2])
    interventions = pd.DataFrame({
        "intervention_id": [f"IV{k:05d}" for k in range(1, len(iv_rows) + 1)],
        "account_id": [r[0] for r in iv_rows],
        "alert_id": [r[1] for r in iv_rows],
        "started_at": _stamp([r[2] for r in iv_rows]),
        "channel": rng.choice(["call", "meeting", "email", "self_service"], len(iv_rows), p=[.4, .3, .2, .1]),
    })

    # Contacts ----------------------------------------------------------------------------------
    contact_rows = []
    for i in range(N_ACCOUNTS):
        months = active_days[i] / 30.44
        for who, lam in (("csm", 0.8 if pilot[i] else 0.9), ("customer", 0.4)):
            for _ in range(rng.poisson(lam * months)):
                when = assigned[i] + pd.Timedelta(seconds=float(rng.uniform(0, active_days[i] * 86400)))
                contact_rows.append((ids[i], when, who))
    contact_rows.sort(key=lambda r: r[1])
    contacts = pd.DataFrame({
        "contact_id": [f"CT{k:06d}" for k in range(1, len(contact_rows) + 1)],
        "account_id": [r[0] for r in contact_rows],
        "contacted_at": _stamp([r[1] for r in contact_rows]),
        "initiated_by": [r[2] for r in contact_rows],
        "channel": rng.choice(["email", "call", "meeting", "chat"], len(contact_rows), p=[.45, .25, .15, .15]),
    })

    # Tickets ------------------------------------------------------------------------------------
    ticket_rows = []
    for i in range(N_ACCOUNTS):
        for _ in range(rng.poisson(2.0 * active_days[i] / window_days)):
            opened = assigned[i] + pd.Timedelta(seconds=float(rng.uniform(0, active_days[i] * 86400)))
            answered = None
            if rng.random() > 0.04:
                answered = opened + pd.Timedelta(hours=float(rng.lognormal(np.log(5), 1.0)))
            ticket_rows.append((ids[i], opened, answered))
    ticket_rows.sort(key=lambda r: r[1])
    tickets = pd.DataFrame({
        "ticket_id": [f"T{k:06d}" for k in range(1, len(ticket_rows) + 1)],
        "account_id": [r[0] for r in ticket_rows],
        "opened_at": _stamp([r[1] for r in ticket_rows]),
        "first_response_at": [None if r[2] is None else r[2].strftime(SECONDS) for r in ticket_rows],
    })

    # Surveys -------------------------------------------------------------------------------------
    wave_day = {"baseline": WINDOW_START + pd.Timedelta(days=14), "mid": WINDOW_START + pd.Timedelta(days=90),
                "end": WINDOW_END - pd.Timedelta(days=10)}
    survey_rows = []
    for c in PILOT_CSMS + CONTROL_CSMS:
        is_pilot = c in PILOT_CSMS
        for wave, day in wave_day.items():
            questions = ["workload_manageable"] + (["tool_helps_prioritise"] if is_pilot else [])
            for q in questions:
                mean = 3.0 + (0.8 if is_pilot and wave != "baseline" else 0.0)
                s = int(np.clip(np.round(rng.normal(mean, 0.8)), 1, 5))
                survey_rows.append(("csm", c, None, "pilot" if is_pilot else "control", wave, q, s,
                                    day + pd.Timedelta(days=int(rng.integers(0, 5)))))
    for i in range(N_ACCOUNTS):
        if churned[i] or excluded[i] or rng.random() > 0.35:
            continue
        for wave in ("baseline", "end"):
            s = int(rng.choice([1, 2, 3, 4, 5], p=[.05, .12, .23, .38, .22]))
            survey_rows.append(("customer", f"P{i + 1:04d}", ids[i], "pilot" if pilot[i] else "control", wave,
                                "feel_supported_not_monitored", s,
                                wave_day[wave] + pd.Timedelta(days=int(rng.integers(0, 7)))))
    survey_responses = pd.DataFrame(survey_rows, columns=["respondent_type", "respondent_id", "account_id", "arm",
                                                          "wave", "question_id", "score", "submitted_at"])
    survey_responses.insert(0, "response_id", [f"S{k:05d}" for k in range(1, len(survey_rows) + 1)])
    survey_responses["submitted_at"] = pd.to_datetime(survey_responses["submitted_at"])

    # Insights ------------------------------------------------------------------------------------
    n_ins = 22
    insights = pd.DataFrame({
        "insight_id": [f"IN{k:03d}" for k in range(1, n_ins + 1)],
        "logged_at": np.sort(WINDOW_START + pd.to_timedelta(rng.integers(7, window_days - 1, n_ins), unit="D")),
        "category": rng.choice(["churn_driver", "process", "product_gap", "playbook"], n_ins),
        "quality_rating": rng.choice([1, 2, 3, 4, 5], n_ins, p=[.05, .15, .35, .3, .15]),
        "actioned": rng.random(n_ins) < 0.5,
    })

    # Health scores -----------------------------------------------------------------------------
    hs_rows = []
    for i in range(N_ACCOUNTS):
        base = rng.normal(65, 12)
        first = assigned[i] - pd.Timedelta(days=int(rng.integers(0, 20)))
        for m in range(7):
            when = first + pd.Timedelta(days=30 * m)
            if when >= stop or (churned[i] and when >= churn_at[i]):
                break
            months_in = max(0.0, (when - assigned[i]).days / 30.44)
            drift = 0.8 * months_in if pilot[i] else 0.0
            hs_rows.append((ids[i], when, round(float(np.clip(base + drift + rng.normal(0, 6), 0, 100)), 1)))
    health_scores = pd.DataFrame(hs_rows, columns=["account_id", "measured_at", "score"])

    return {
        "accounts": accounts, "alerts": alerts, "interventions": interventions, "contacts": contacts,
        "tickets": tickets, "survey_responses": survey_responses, "insights": insights,
        "health_scores": health_scores,
    }
