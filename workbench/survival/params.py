"""The parameters of notebook 01 (churn survival), validated before any work is done.

Field names and defaults mirror the notebook's ``parameters`` cell, where each is documented.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class SurvivalParams(BaseModel):
    """Notebook 01 parameters: input layout, segments, covariates, horizons and risk-tier rules."""

    model_config = ConfigDict(extra="forbid")

    customers_path: str
    output_dir: str
    id_col: str = ""
    duration_col: str = ""
    event_col: str = ""
    event_values: list = []
    start_col: str = ""
    end_col: str = ""
    as_of: str = ""
    time_unit: Literal["days", "weeks", "months"] = "months"
    segment_cols: list[str] = []
    covariates: list[str] = []
    reference_levels: dict[str, str] = {}
    horizons: list[float] = Field(min_length=1)
    rmst_horizon: float = Field(gt=0)
    alpha: float = Field(gt=0, lt=1)
    ci_type: Literal["log-log", "log", "plain"] = "log-log"
    zph_transform: Literal["km", "identity", "log", "rank"] = "km"
    cv_folds: int = Field(ge=2, le=20)
    seed: int = 0
    tier_method: Literal["probability", "capacity"] = "probability"
    tier_horizon: float = Field(gt=0)
    urgent_threshold: float = Field(ge=0, le=1)
    medium_threshold: float = Field(ge=0, le=1)
    urgent_capacity: int = Field(ge=0)
    medium_capacity: int = Field(ge=0)
    arr_col: str = ""
    min_group_size: int = Field(ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> "SurvivalParams":
        if any(h <= 0 for h in self.horizons):
            raise ValueError(f"horizons must be positive; got {self.horizons}")
        if self.tier_horizon not in self.horizons:
            raise ValueError(f"tier_horizon {self.tier_horizon:g} must be one of horizons {self.horizons}")
        if self.medium_threshold > self.urgent_threshold:
            raise ValueError("medium_threshold must not exceed urgent_threshold")
        return self
