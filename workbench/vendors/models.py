"""Declared schemas of the rubric file and of one vendor evaluation file (pydantic, unknown keys forbidden).

The field descriptions are the documentation: :func:`workbench.vendors.data_dictionary_markdown`
renders them for the data dictionary.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------------------
# Rubric
# ---------------------------------------------------------------------------------------

class Scale(_Strict):
    min: int = Field(0, description="Lowest rating on the anchored scale.")
    max: int = Field(4, description="Highest rating on the anchored scale.")
    levels: dict[int, str] = Field(description="What each rating level means in evidence terms, e.g. 0 absent, "
                                               "1 claimed, 2 documented, 3 evidenced and recent, 4 contractually "
                                               "committed or independently verified.")
    evidence_required_from: int = Field(3, description="Ratings at or above this level need evidence (a note "
                                                       "plus a link or a date).")
    cap_without_evidence: int = Field(2, description="A rating that needs evidence but has none is capped at this "
                                                     "level and flagged.")
    evidence_max_age_months: int = Field(24, ge=1, description="Evidence for a rating that needs it should be at most "
                                                               "this old on the evaluator's `rated_on` date; older "
                                                               "evidence is flagged (not capped).")

    @model_validator(mode="after")
    def _levels_cover_scale(self) -> "Scale":
        if self.max <= self.min:
            raise ValueError("max must be greater than min")
        missing = [lv for lv in range(self.min, self.max + 1) if lv not in self.levels]
        if missing:
            raise ValueError(f"levels must describe every rating from {self.min} to {self.max}; missing {missing}")
        return self


class SubCriterion(_Strict):
    id: str = Field(pattern=ID_PATTERN, description="Stable snake_case identifier used in evaluation files.")
    name: str = Field(description="Short label shown in reports.")
    question: str = Field(description="The observable question the evaluator answers.")
    anchors: dict[int, str] = Field(default_factory=dict,
                                    description="Optional: what earns each level for this sub-criterion "
                                                "(falls back to the scale's levels).")
    must_have: bool = Field(False, description="True if a vendor below `must_have_min` is knocked out.")
    must_have_min: Optional[int] = Field(None, description="Lowest acceptable median rating for a must-have "
                                                           "(default: the scale's `cap_without_evidence`).")


class Criterion(_Strict):
    id: str = Field(pattern=ID_PATTERN, description="Stable snake_case identifier (a column of scores.csv).")
    name: str = Field(description="Label shown in reports.")
    description: str = Field("", description="Why the criterion matters.")
    weight: float = Field(ge=0, description="Default weight (any non-negative scale; rescaled to sum to 1 with cost).")
    sub_criteria: list[SubCriterion] = Field(min_length=1, description="3-6 observable sub-criteria.")


class CostCriterion(_Strict):
    id: str = Field("cost", pattern=ID_PATTERN, description="Identifier of the cost criterion (lower is better).")
    name: str = Field("3-year total cost of ownership", description="Label shown in reports.")
    description: str = Field("", description="What the cost covers.")
    weight: float = Field(ge=0, description="Default weight of cost.")
    years: int = Field(3, ge=1, le=10, description="Horizon of the total cost of ownership, in years.")
    currency: str = Field("EUR", description="Currency every vendor file must use.")


class Rubric(_Strict):
    name: str = Field(description="Title of the rubric.")
    version: str = Field(description="Version label; change it when criteria or anchors change.")
    scale: Scale = Field(description="The anchored rating scale.")
    criteria: list[Criterion] = Field(min_length=1, description="Quality criteria (higher rating is better).")
    cost: CostCriterion = Field(description="Cost criterion, scored from the vendor's cost figures.")

    @model_validator(mode="after")
    def _unique_ids(self) -> "Rubric":
        seen: dict[str, str] = {}
        for c in self.criteria:
            for ident, what in [(c.id, "criterion")] + [(s.id, "sub-criterion") for s in c.sub_criteria]:
                if ident in seen:
                    raise ValueError(f"id {ident!r} is used twice ({seen[ident]} and {what}); ids must be unique")
                seen[ident] = what
        if self.cost.id in seen:
            raise ValueError(f"cost id {self.cost.id!r} clashes with a criterion id")
        for c in self.criteria:
            for s in c.sub_criteria:
                bad = [k for k in s.anchors if not self.scale.min <= k <= self.scale.max]
                if bad:
                    raise ValueError(f"anchors of {s.id} use levels {bad} outside the scale "
                                     f"{self.scale.min}-{self.scale.max}")
                if s.must_have_min is not None and not self.scale.min <= s.must_have_min <= self.scale.max:
                    raise ValueError(f"must_have_min of {s.id} must be within the scale")
        return self

    # convenience ------------------------------------------------------------------------
    @property
    def criterion_ids(self) -> list[str]:
        return [c.id for c in self.criteria]

    @property
    def all_ids(self) -> list[str]:
        return self.criterion_ids + [self.cost.id]

    @property
    def default_weights(self) -> dict[str, float]:
        out = {c.id: c.weight for c in self.criteria}
        out[self.cost.id] = self.cost.weight
        return out

    def sub_criteria_of(self, criterion_id: str) -> list[SubCriterion]:
        for c in self.criteria:
            if c.id == criterion_id:
                return list(c.sub_criteria)
        raise KeyError(criterion_id)

    def must_have_level(self, sub: SubCriterion) -> int:
        return sub.must_have_min if sub.must_have_min is not None else self.scale.cap_without_evidence

    def names(self) -> dict[str, str]:
        out = {c.id: c.name for c in self.criteria}
        out.update({s.id: s.name for c in self.criteria for s in c.sub_criteria})
        out[self.cost.id] = self.cost.name
        return out


# ---------------------------------------------------------------------------------------
# Vendor evaluation file
# ---------------------------------------------------------------------------------------

class Evidence(_Strict):
    note: str = Field("", description="What was seen: document, reference call, contract clause, demo.")
    link: Optional[str] = Field(None, description="Where a reviewer can check it (http(s) URL or document path).")
    date: Optional[dt.date] = Field(None, description="When the evidence was produced or checked (YYYY-MM-DD).")

    @property
    def present(self) -> bool:
        """Evidence counts when it has a note and a way to check it (a link or a date)."""
        return bool(self.note.strip()) and (bool(self.link and self.link.strip()) or self.date is not None)


class Rating(_Strict):
    rating: Optional[int] = Field(description="Rating on the rubric's scale; null = could not assess "
                                              "(excluded from this evaluator's mean).")
    evidence: Optional[Evidence] = Field(None, description="Evidence behind the rating; required from the scale's "
                                                           "`evidence_required_from` level.")

    @field_validator("rating", mode="before")
    @classmethod
    def _whole_number(cls, value):
        if isinstance(value, bool):
            raise ValueError("a rating is a whole number, not true/false")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("a rating is a whole number on the anchored scale")
        return value


class Evaluator(_Strict):
    name: str = Field(min_length=1, description="Who rated (unique within the file).")
    role: str = Field("", description="Role, e.g. CS lead, CS ops analyst, procurement.")
    rated_on: Optional[dt.date] = Field(None, description="Date of the evaluation.")
    ratings: dict[str, dict[str, Rating]] = Field(default_factory=dict,
                                                  description="criterion id -> sub-criterion id -> rating + evidence.")


class Cost(_Strict):
    currency: str = Field(description="Currency of all figures (must match the rubric's).")
    licence_per_year: float = Field(ge=0, description="Subscription / licence fees per year.")
    implementation_one_off: float = Field(ge=0, description="One-off implementation, integration and training fees.")
    internal_effort_per_year: float = Field(ge=0, description="Internal staff cost per year to run the tool "
                                                              "(hours x loaded rate).")
    notes: str = Field("", description="Assumptions behind the figures (seats, tiers, discounts).")


class VendorInfo(_Strict):
    name: str = Field(min_length=1, description="Vendor name (unique across files).")
    product: str = Field("", description="Product evaluated.")
    website: Optional[str] = Field(None, description="Vendor website.")
    summary: str = Field("", description="One-paragraph description.")


class VendorEvaluation(_Strict):
    vendor: VendorInfo = Field(description="Vendor facts.")
    cost: Cost = Field(description="Cost figures for the total cost of ownership.")
    evaluators: list[Evaluator] = Field(min_length=1, description="One entry per evaluator.")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "vendor"
