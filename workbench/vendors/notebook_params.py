"""Parameters of notebooks/02_vendor_scoring.ipynb, validated before any work is done."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class VendorScoringParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vendor_evals_dir: str = Field("vendor_evals", description="Folder with one YAML evaluation file per vendor.")
    rubric_path: str = Field("templates/rubric.yaml", description="The scoring rubric.")
    weights: dict[str, float] = Field(default_factory=dict, description="Criterion id -> weight; empty = rubric defaults.")
    ahp_path: str = Field("", description="Optional AHP pairwise-comparison file giving the weights.")
    aggregate: Literal["mean", "median"] = Field("mean", description="How evaluators' ratings are combined.")
    smaa_samples: int = Field(20_000, ge=1_000, le=2_000_000, description="SMAA Monte Carlo samples.")
    smaa_concentration: float = Field(50.0, gt=0, description="Dirichlet concentration around the chosen weights.")
    smaa_rating_uncertainty: bool = Field(True, description="Draw criterion scores within the evaluator spread.")
    seed: int = Field(2026, description="Random seed of the SMAA sampling.")
    disagreement_threshold: int = Field(2, ge=1, le=4, description="Rating gap that puts an item on the discuss list.")
    output_dir: str = Field("results/02_vendor_scoring", description="Where result tables and summary.json go.")


class DashboardParams(BaseModel):
    """Parameters of notebooks/dashboards/vendor_comparison.ipynb (served with Voila)."""

    model_config = ConfigDict(extra="forbid")

    vendor_evals_dir: str = Field("vendor_evals", description="Folder with one YAML evaluation file per vendor.")
    rubric_path: str = Field("templates/rubric.yaml", description="The scoring rubric.")
    smaa_samples: int = Field(2_000, ge=100, le=100_000, description="SMAA draws per change.")
