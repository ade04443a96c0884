"""Parameters of the pilot-evaluation notebook, validated before any work is done."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .evaluate import DerivationSettings


class PilotParams(BaseModel):
    """The parameters cell of ``notebooks/03_pilot_evaluation.ipynb``."""

    model_config = ConfigDict(extra="forbid")

    pilot_dir: str = Field(min_length=1)
    criteria_path: str = Field(min_length=1)
    output_dir: str = Field(min_length=1)
    runs_dir: str = "runs"
    cycle: str = ""
    column_maps: dict[str, dict[str, str]] = Field(default_factory=dict)
    date_format: str = ""
    window_end: str = ""
    sla_hours: float = Field(48.0, gt=0)
    over_contact_per_month: int = Field(3, ge=0)
    agree_min_score: int = Field(4, ge=1, le=5)
    recall_window_days: int = Field(60, ge=1)
    insight_min_quality: int = Field(3, ge=1, le=5)
    rmst_tau_days: float = Field(0.0, ge=0)
    guardrail_inconclusive_blocks: bool = True
    bootstrap_draws: int = Field(2000, ge=100)
    seed: int = 0

    def settings(self) -> DerivationSettings:
        return DerivationSettings(
            window_end=self.window_end or None, sla_hours=self.sla_hours,
            over_contact_per_month=self.over_contact_per_month, agree_min_score=self.agree_min_score,
            recall_window_days=self.recall_window_days, insight_min_quality=self.insight_min_quality,
            rmst_tau_days=self.rmst_tau_days or None, bootstrap_draws=self.bootstrap_draws, seed=self.seed,
            guardrail_inconclusive_blocks=self.guardrail_inconclusive_blocks)
