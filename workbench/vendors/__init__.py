"""Vendor scoring: an evidence-based rubric, several evaluators, robust ranking, interactive comparison.

Layout: ``models`` (declared file schemas), ``loading`` (files in, validated objects out; blank
form; data dictionary), ``methods`` (pure decision methods), ``scoring`` (evaluations to ranks,
agreement, robustness), ``panels`` (escaped HTML), ``charts`` (altair), ``dashboard`` (ipywidgets).
"""

from __future__ import annotations

import os
from pathlib import Path

from .loading import Evaluations, blank_form, data_dictionary_markdown, load_ahp, load_evaluations, load_rubric
from .methods import (AhpResult, ahp_weights, krippendorff_alpha, normalize, normalize_weights, rank_vendors, smaa,
                      topsis, weight_stability, weighted_contributions, weighted_sum)
from .models import Rubric, VendorEvaluation
from .report import ahp_table, headline, input_overview, notes_markdown, robustness_markdown, weights_table
from .scoring import (VendorScoring, agreement, criterion_summary, decision_matrix, discuss_items, evaluator_scores,
                      item_scores, knocked_out, knockouts, method_agreement_sentence, rank_acceptability,
                      resolve_weights, score_vendors, stability, vendor_costs)

__all__ = [
    "AhpResult", "Evaluations", "ahp_table", "headline", "input_overview", "notes_markdown",
    "robustness_markdown", "weights_table", "Rubric", "VendorEvaluation", "VendorScoring", "agreement", "ahp_weights",
    "blank_form", "criterion_summary", "data_dictionary_markdown", "decision_matrix", "discuss_items",
    "evaluator_scores", "item_scores", "knocked_out", "knockouts", "krippendorff_alpha", "load_ahp",
    "load_evaluations", "load_rubric", "method_agreement_sentence", "normalize", "normalize_weights",
    "rank_acceptability", "rank_vendors", "resolve_weights", "score_vendors", "smaa", "stability", "topsis",
    "vendor_costs", "weight_stability", "weighted_contributions", "weighted_sum", "write_blank_form",
]


def write_blank_form(rubric_path: str | os.PathLike = "templates/rubric.yaml",
                     output: str | os.PathLike = "templates/vendor_evaluation.yaml") -> Path:
    """Regenerate the blank vendor evaluation form from the rubric (run after editing the rubric)."""
    output = Path(output)
    output.write_text(blank_form(load_rubric(rubric_path)), encoding="utf-8")
    return output
