"""Pilot evaluation: pre-registered success criteria, honest verdicts and a phase-gate recommendation.

Load the pilot tables (:func:`load_pilot`) and the criteria (:func:`load_criteria`), then
:func:`evaluate_pilot` judges every criterion and decides the gate. The judging rule
(:func:`judge`) and the gate (:func:`phase_gate`) are usable on their own.
"""

from .criteria import METRICS, LoadedCriteria, MetricSpec, SuccessCriteria, data_dictionary_markdown, load_criteria
from .evaluate import DerivationSettings, PilotEvaluation, evaluate_pilot, settings_table
from .loading import PilotData, load_cycle_verdicts, load_pilot
from .schemas import SCHEMAS
from .verdicts import GateDecision, adjust_p_values, interval_levels, judge, phase_gate

__all__ = [
    "METRICS",
    "SCHEMAS",
    "DerivationSettings",
    "GateDecision",
    "LoadedCriteria",
    "MetricSpec",
    "PilotData",
    "PilotEvaluation",
    "SuccessCriteria",
    "adjust_p_values",
    "data_dictionary_markdown",
    "evaluate_pilot",
    "interval_levels",
    "judge",
    "load_criteria",
    "load_cycle_verdicts",
    "load_pilot",
    "phase_gate",
    "settings_table",
]
