"""Parameters of the business-case notebook, validated before any work is done."""

from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field


class BusinessCaseParams(BaseModel):
    """The parameters cell of ``notebooks/04_business_case.ipynb`` (ranges are checked with clearer
    messages by :func:`~workbench.business_case.make_scenario` and :func:`~workbench.business_case.make_effect`)."""

    model_config = ConfigDict(extra="forbid")

    customers_path: str = Field(min_length=1)
    as_of: str = Field(min_length=1)
    pilot_dir: str = ""
    criteria_path: str = ""
    rubric_path: str = Field(min_length=1)
    vendor_evals_dir: str = Field(min_length=1)
    cycle_dir: str = ""
    output_dir: str = Field(min_length=1)
    segment_column: str = Field(min_length=1)
    baseline_basis: Literal["tenure", "start"] = "tenure"
    horizons: list[float] = Field(min_length=1)
    horizon_months: int
    effect_source: Literal["pilot", "assumed"] = "pilot"
    assumed_hazard_ratio: float
    assumed_hr_range: list[float]
    assumed_range_level: float
    gross_margin: float
    pilot_share: float
    department_start_month: int
    department_share: float
    company_start_month: int
    company_share: float
    cs_hours_saved_per_month: float = 0.0
    cs_hourly_cost: float = 0.0
    missing_arr: Literal["error", "segment_mean"] = "error"
    simulations: int = Field(10_000, ge=200, le=1_000_000)
    seed: int = 0
    alpha: float = Field(0.05, gt=0, lt=1)
    focus_vendor: str = ""

    def rollout(self) -> pd.DataFrame:
        """The three phases as a table (phase, start_month, share)."""
        return pd.DataFrame({"phase": ["pilot", "department", "company"],
                             "start_month": [0, self.department_start_month, self.company_start_month],
                             "share": [self.pilot_share, self.department_share, self.company_share]})
