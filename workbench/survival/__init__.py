"""Churn survival analysis: Kaplan-Meier, log-rank, Cox with R-style PH test, RMST, risk tiers.

Pure functions over tidy tables; conventions follow R's ``survival`` package (documented
function by function where a choice exists). Modules: :mod:`.data` (input styles, data
quality), :mod:`.km` (Kaplan-Meier, medians, RMST), :mod:`.logrank`, :mod:`.cox` (fit,
``cox.zph`` test, cross-validated concordance), :mod:`.models` (calibration, parametric
fits, risk of active customers), :mod:`.charts`.
"""

from .cox import CoxResult, Design, build_design, cox_zph, cv_concordance, fit_cox, ph_violations, zph_score_test
from .data import SurvivalData, SurvivalDataWarning, blank_counts, load_customers, prepare_survival_data
from .km import (
    KMCurve,
    RMSTResult,
    event_table,
    kaplan_meier,
    median_followup,
    median_survival,
    reverse_km_median_followup,
    rmst,
    rmst_tables,
    survival_tables,
)
from .logrank import benjamini_hochberg, holm, logrank_statistic, logrank_table
from .models import TIER_ACTIONS, active_risk, calibration, cox_cumulative_hazard, parametric_fits, tier_summary

__all__ = [
    "CoxResult", "Design", "KMCurve", "RMSTResult", "SurvivalData", "SurvivalDataWarning", "TIER_ACTIONS",
    "active_risk", "benjamini_hochberg", "blank_counts", "build_design", "calibration", "cox_cumulative_hazard", "cox_zph",
    "cv_concordance", "event_table", "fit_cox", "holm", "kaplan_meier", "load_customers", "logrank_statistic",
    "logrank_table", "median_followup", "median_survival", "parametric_fits", "ph_violations",
    "prepare_survival_data", "reverse_km_median_followup", "rmst", "rmst_tables", "survival_tables",
    "tier_summary", "zph_score_test",
]
