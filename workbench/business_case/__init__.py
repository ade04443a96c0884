"""Business case: prevented churn and ROI per vendor, with the effect's uncertainty carried through.

Layout: ``effect`` (the hazard ratio with its interval, measured or assumed), ``inputs`` (read the
cycle's saved results or recompute them), ``model`` (pure arithmetic: S ** HR, expected churn,
Monte Carlo intervals, net benefit, ROI, payback, break-even, sensitivity), ``report`` (executive
summary and tables in words), ``charts`` (altair).
"""

from .effect import Effect, make_effect, sample_hazard_ratios
from .inputs import (CaseInputs, assumed_effect, baseline_from_customers, effect_from_result, load_inputs,
                     portfolio_from_customers, segment_totals)
from .params import BusinessCaseParams
from .model import (CASE_COLUMNS, BusinessCase, Scenario, break_even_hazard_ratio, build_scenario, business_case, check_costs,
                    churn_curves, delta_method_interval, expected_churn, extrapolated_arr_share, make_scenario, monthly_benefit, monthly_cost,
                    monthly_survival, payback_month, prevented_by_segment, prevented_churn, rollout_schedule,
                    sensitivity, survival_with_tool)

__all__ = [
    "CASE_COLUMNS", "BusinessCase", "BusinessCaseParams", "CaseInputs", "Effect", "Scenario", "assumed_effect", "baseline_from_customers",
    "break_even_hazard_ratio", "build_scenario", "business_case", "check_costs", "churn_curves", "delta_method_interval",
    "effect_from_result", "expected_churn", "extrapolated_arr_share", "load_inputs", "make_effect", "make_scenario", "monthly_benefit",
    "monthly_cost", "monthly_survival", "payback_month", "portfolio_from_customers", "prevented_by_segment",
    "prevented_churn", "rollout_schedule", "sample_hazard_ratios", "segment_totals", "sensitivity", "survival_with_tool",
]
