"""The judging rule, multiplicity adjustment and the phase gate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from workbench.errors import ConfigError
from workbench.pilot import adjust_p_values, interval_levels, judge, phase_gate


@pytest.mark.parametrize("ci,expected", [
    ((0.5, 0.9), "pass"),
    ((0.3, 0.9), "inconclusive"),
    ((-0.2, 0.2), "fail"),
    ((0.4, 0.9), "pass"),          # lower bound touching the threshold passes (>=)
    ((0.1, 0.4), "inconclusive"),  # upper bound touching the threshold does not fail (<)
])
def test_judge_primary(ci, expected):
    assert judge(0.6, ci, 0.4, kind="primary") == expected


def test_judge_below_minimum_sample_is_inconclusive():
    assert judge(0.9, (0.8, 1.0), 0.1, kind="primary", min_sample_met=False) == "inconclusive"


def test_judge_guardrail_and_significant_harm():
    margin = 0.05
    assert judge(-0.01, (-0.04, 0.02), -margin, kind="guardrail") == "pass"
    assert judge(-0.08, (-0.12, -0.06), -margin, kind="guardrail") == "fail"
    assert judge(-0.04, (-0.07, -0.01), -margin, kind="guardrail") == "inconclusive"
    assert judge(-0.02, (-0.03, -0.01), -margin, kind="guardrail") == "pass"
    assert judge(-0.02, (-0.03, -0.01), -margin, kind="guardrail", fail_on_significant_harm=True) == "fail"


def test_judge_missing_interval_and_bad_kind():
    assert judge(float("nan"), (float("nan"), float("nan")), 0.0, kind="secondary") == "inconclusive"
    with pytest.raises(ConfigError, match="kind must be one of"):
        judge(0.1, (0, 1), 0, kind="tertiary")


@pytest.mark.parametrize("method,sm", [("bonferroni", "bonferroni"), ("holm", "holm"), ("bh", "fdr_bh")])
def test_adjusted_p_values_match_statsmodels(method, sm):
    p = np.array([0.001, 0.04, 0.03, 0.2, 0.012])
    assert adjust_p_values(p, method=method) == pytest.approx(multipletests(p, method=sm)[1])


def test_interval_levels():
    p = [0.001, 0.04, 0.03]
    assert interval_levels(p, alpha=0.05, method="none") == pytest.approx([0.05] * 3)
    assert interval_levels(p, alpha=0.05, method="bonferroni") == pytest.approx([0.05 / 3] * 3)
    # Holm: 0.001 <= 0.05/3 rejected; 0.03 > 0.05/2 stops, so 0.03 and 0.04 keep the level 0.025.
    assert interval_levels(p, alpha=0.05, method="holm") == pytest.approx([0.05 / 3, 0.025, 0.025])
    assert interval_levels([0.001, 0.04, 0.02], alpha=0.05, method="holm") == pytest.approx([0.05 / 3, 0.05, 0.025])
    # Holm stops at the first non-rejection: later members keep that level.
    assert interval_levels([0.001, 0.3, 0.2], alpha=0.05, method="holm") == pytest.approx([0.05 / 3, 0.025, 0.025])
    # BH false-coverage intervals: R = 3 rejections of 3 -> level alpha * 3 / 3.
    assert interval_levels(p, alpha=0.05, method="bh") == pytest.approx([0.05] * 3)


def _table(rows):
    return pd.DataFrame(rows, columns=["criterion", "kind", "verdict"])


def test_gate_rules_in_order():
    assert phase_gate(_table([("a", "primary", "pass")]), data_valid=False).decision == "fix_data"
    stop = phase_gate(_table([("a", "primary", "pass"), ("g", "guardrail", "fail")]))
    assert stop.decision == "stop" and "g" in stop.reasons[0]
    assert phase_gate(_table([("a", "primary", "pass"), ("g", "guardrail", "pass"),
                              ("s", "secondary", "fail")])).decision == "proceed"
    assert phase_gate(_table([("a", "primary", "fail"), ("b", "primary", "fail")])).decision == "stop"
    ext = phase_gate(_table([("a", "primary", "pass"), ("b", "primary", "inconclusive")]))
    assert ext.decision == "extend" and any("b (primary) is inconclusive" in r for r in ext.reasons)
    assert phase_gate(_table([("a", "primary", "pass"), ("b", "primary", "fail")])).decision == "review"


def test_gate_inconclusive_guardrail_option():
    table = _table([("a", "primary", "pass"), ("g", "guardrail", "inconclusive")])
    assert phase_gate(table).decision == "extend"
    assert phase_gate(table, guardrail_inconclusive_blocks=False).decision == "proceed"


def test_gate_reports_sample_needed_and_needs_columns():
    table = _table([("a", "primary", "inconclusive")]).assign(sample_needed=[1234.0])
    assert "1,234 per arm" in phase_gate(table).reasons[0]
    with pytest.raises(ConfigError, match="kind and verdict"):
        phase_gate(pd.DataFrame({"kind": ["primary"]}))
