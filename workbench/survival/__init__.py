"""Churn survival analysis: Kaplan-Meier, log-rank, Cox with R-style PH test, RMST, risk tiers.

Pure functions over tidy tables; conventions follow R's ``survival`` package (documented
function by function where a choice exists).
"""

from .km import KMCurve, RMSTResult, event_table, kaplan_meier, median_survival, reverse_km_median_followup, rmst

__all__ = [
    "KMCurve",
    "RMSTResult",
    "event_table",
    "kaplan_meier",
    "median_survival",
    "reverse_km_median_followup",
    "rmst",
]
