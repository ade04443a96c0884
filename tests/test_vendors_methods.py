"""Decision methods against published examples, closed forms and independent computations."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from workbench.errors import ConfigError, InputError
from workbench.vendors import ahp_weights, krippendorff_alpha, smaa, topsis, weight_stability, weighted_sum
from workbench.vendors.methods import smaa_exact_two_criteria


def _frame(rows, index=None, columns=None):
    rows = np.asarray(rows, dtype=float)
    index = index or [f"A{i + 1}" for i in range(rows.shape[0])]
    columns = columns or [f"c{j + 1}" for j in range(rows.shape[1])]
    return pd.DataFrame(rows, index=index, columns=columns)


# ---------------------------------------------------------------------------------------
# TOPSIS
# ---------------------------------------------------------------------------------------

def _topsis_by_hand(x, w, cost):
    """Hwang & Yoon's steps written out cell by cell (a second, loop-based implementation)."""
    m, n = len(x), len(x[0])
    norms = [math.sqrt(sum(x[i][j] ** 2 for i in range(m))) for j in range(n)]
    v = [[w[j] * x[i][j] / norms[j] for j in range(n)] for i in range(m)]
    ideal = [(min if cost[j] else max)(v[i][j] for i in range(m)) for j in range(n)]
    anti = [(max if cost[j] else min)(v[i][j] for i in range(m)) for j in range(n)]
    out = []
    for i in range(m):
        dp = math.sqrt(sum((v[i][j] - ideal[j]) ** 2 for j in range(n)))
        dm = math.sqrt(sum((v[i][j] - anti[j]) ** 2 for j in range(n)))
        out.append((dm / (dp + dm), dp, dm))
    return out


def test_topsis_facility_location_example_matches_step_by_step_computation():
    # Facility-location example of Papathanasiou & Ploskas, Multiple Criteria Decision Aid (2018), ch. 1/3
    x = [[8, 7, 2, 1], [5, 3, 7, 5], [7, 5, 6, 4], [9, 9, 7, 3], [11, 10, 3, 7], [6, 9, 5, 4]]
    w = [0.4, 0.3, 0.1, 0.2]
    got = topsis(_frame(x), dict(zip(["c1", "c2", "c3", "c4"], w)))
    ref = _topsis_by_hand(x, w, [False] * 4)
    np.testing.assert_allclose(got["closeness"], [r[0] for r in ref], rtol=1e-12)
    np.testing.assert_allclose(got["d_plus"], [r[1] for r in ref], rtol=1e-12)
    np.testing.assert_allclose(got["d_minus"], [r[2] for r in ref], rtol=1e-12)
    assert got["rank"].idxmin() == "A5"  # site 5 dominates on three of four criteria


def test_topsis_with_cost_criterion_matches_step_by_step_and_two_point_closed_form():
    x = [[1.0, 3000.0], [2.0, 3750.0], [5.0, 4500.0]]  # Opricovic & Tzeng (2004): risk (cost), altitude
    got = topsis(_frame(x, columns=["risk", "altitude"]), {"risk": 0.5, "altitude": 0.5}, cost_criteria=["risk"])
    ref = _topsis_by_hand(x, [0.5, 0.5], [True, False])
    np.testing.assert_allclose(got["closeness"], [r[0] for r in ref], rtol=1e-12)
    # one criterion, two vendors: the better one is the ideal (closeness 1), the other the anti-ideal (0)
    two = topsis(_frame([[4.0], [1.0]]), {"c1": 1})
    assert two["closeness"].tolist() == [1.0, 0.0] and two["rank"].tolist() == [1, 2]


def test_topsis_minmax_matches_pymcdm_documented_example():
    # pymcdm (a second implementation; min-max normalization by default) documents for this matrix,
    # weights (0.5, 0.5) and criterion 2 as cost the preferences 0.6126, 0.0, 0.7829, 1.0
    m = _frame([[4, 4], [1, 5], [3, 2], [4, 2]])
    got = topsis(m, {"c1": 0.5, "c2": 0.5}, cost_criteria=["c2"], normalization="minmax")
    np.testing.assert_allclose(got["closeness"], [0.6126, 0.0, 0.7829, 1.0], atol=5e-5)
    assert got["rank"].tolist() == [3, 4, 2, 1]


def test_weighted_sum_minmax_closed_form_and_ties_share_lower_rank():
    m = _frame([[4, 100], [2, 50], [2, 50], [0, 150]], columns=["quality", "cost"])
    out = weighted_sum(m, {"quality": 3, "cost": 1}, cost_criteria=["cost"])
    # quality (x-0)/4 * 0.75 ; cost (150-x)/100 * 0.25
    np.testing.assert_allclose(out["score"], [0.75 + 0.125, 0.375 + 0.25, 0.375 + 0.25, 0.0])
    assert out["rank"].tolist() == [1, 2, 2, 4]


def test_methods_do_not_mutate_inputs_and_reject_bad_weights():
    m = _frame([[1, 2], [3, 1]])
    before = m.copy()
    w = {"c1": 1.0, "c2": 1.0}
    weighted_sum(m, w)
    topsis(m, w)
    smaa(m, w, n_samples=100, seed=1)
    pd.testing.assert_frame_equal(m, before)
    with pytest.raises(ConfigError, match="negative weights for c1=-1"):
        weighted_sum(m, {"c1": -1, "c2": 2})
    with pytest.raises(ConfigError, match="all weights are zero"):
        topsis(m, {"c1": 0, "c2": 0})
    with pytest.raises(ConfigError, match="unknown criteria c9"):
        weighted_sum(m, {"c1": 1, "c2": 1, "c9": 1})
    with pytest.raises(ConfigError, match="no weight for c2"):
        weighted_sum(m, {"c1": 1})
    with pytest.raises(ConfigError, match="duplicate vendor names: A1"):
        weighted_sum(_frame([[1, 2], [3, 1]], index=["A1", "A1"]), w)


# ---------------------------------------------------------------------------------------
# AHP
# ---------------------------------------------------------------------------------------

SAATY_HOUSE = """1 5 3 7 6 6 1/3 1/4
1/5 1 1/3 5 3 3 1/5 1/7
1/3 3 1 6 3 4 6 1/5
1/7 1/5 1/6 1 1/3 1/4 1/7 1/8
1/6 1/3 1/3 3 1 1/2 1/5 1/6
1/6 1/3 1/4 4 2 1 1/5 1/6
3 5 1/6 7 5 5 1 1/2
4 7 5 8 6 6 2 1"""


def _matrix(text, names=None):
    rows = [[float(Fraction(v)) for v in line.split()] for line in text.strip().splitlines()]
    names = names or [f"k{i + 1}" for i in range(len(rows))]
    return pd.DataFrame(rows, index=names, columns=names)


def test_ahp_saaty_house_example():
    # Saaty (1990) "How to make a decision: the analytic hierarchy process", EJOR 48: buying a house,
    # eight criteria: lambda_max 9.669, CI 0.238, CR 0.169; priorities .173 .054 .188 .018 .031 .036 .167 .333
    res = ahp_weights(_matrix(SAATY_HOUSE))
    assert res.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert res.consistency_index == pytest.approx(0.238, abs=5e-4)
    assert res.consistency_ratio == pytest.approx(0.169, abs=5e-4)
    np.testing.assert_allclose(res.weights.round(3), [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333])
    assert not res.acceptable
    assert "exceeds 0.10" in res.warning() and "Most inconsistent" in res.warning()


def test_ahp_saaty_size_of_house_and_consistent_matrix():
    # Same paper, houses compared on size: lambda_max 3.136, CI 0.068, CR 0.117; priorities .754 .181 .065
    res = ahp_weights(_matrix("1 6 8\n1/6 1 4\n1/8 1/4 1", ["A", "B", "C"]))
    assert res.lambda_max == pytest.approx(3.136, abs=5e-4)
    assert res.consistency_ratio == pytest.approx(0.117, abs=5e-4)
    np.testing.assert_allclose(res.weights.round(3), [0.754, 0.181, 0.065])
    # a perfectly consistent matrix built from weights returns them with CR 0
    w = np.array([0.5, 0.3, 0.2])
    cons = pd.DataFrame(w[:, None] / w[None, :], index=list("xyz"), columns=list("xyz"))
    res = ahp_weights(cons)
    np.testing.assert_allclose(res.weights, w, rtol=1e-10)
    assert res.consistency_ratio == pytest.approx(0.0, abs=1e-10) and res.warning() == ""


def test_ahp_names_the_planted_inconsistent_judgement():
    w = np.array([0.4, 0.3, 0.2, 0.1])
    a = w[:, None] / w[None, :]
    a[0, 3], a[3, 0] = 1 / 4, 4  # says k1 is 4x LESS important than k4; the rest says 4x more
    res = ahp_weights(pd.DataFrame(a, index=["k1", "k2", "k3", "k4"], columns=["k1", "k2", "k3", "k4"]))
    assert res.consistency_ratio > 0.10
    assert res.most_inconsistent[:2] == ("k1", "k4")


def test_ahp_rejects_non_reciprocal_matrix():
    bad = _matrix("1 3 5\n1/3 1 2\n1/5 1 1", ["a", "b", "c"])  # b vs c = 2 but c vs b = 1
    with pytest.raises(InputError, match=r"row b, column c.*reciprocal of c vs b"):
        ahp_weights(bad)
    with pytest.raises(InputError, match="1 on the diagonal"):
        ahp_weights(_matrix("2 1\n1 1", ["a", "b"]))


# ---------------------------------------------------------------------------------------
# Krippendorff's alpha
# ---------------------------------------------------------------------------------------

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", reliability data with missing
# values: 4 observers x 12 units; published alpha nominal .743, ordinal .815, interval .849, ratio .797
_N = np.nan
KRIPP = pd.DataFrame({
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, _N, _N, _N],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _N, 3],
    "C": [_N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _N],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _N],
})


@pytest.mark.parametrize("level,published", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849),
                                             ("ratio", 0.797)])
def test_krippendorff_published_example(level, published):
    assert krippendorff_alpha(KRIPP, level=level) == pytest.approx(published, abs=5e-4)


def test_krippendorff_edge_cases():
    assert krippendorff_alpha(pd.DataFrame({"a": [1, 2, 3], "b": [1, 2, 3]}), level="interval") == pytest.approx(1.0)
    assert math.isnan(krippendorff_alpha(pd.DataFrame({"a": [2, 2], "b": [2, 2]})))
    with pytest.raises(ConfigError, match="level must be one of"):
        krippendorff_alpha(KRIPP, level="cardinal")


# ---------------------------------------------------------------------------------------
# SMAA
# ---------------------------------------------------------------------------------------

def test_smaa_matches_exact_probabilities_within_monte_carlo_error():
    # weighted sum of A=(1,0), B=(0,1), C=(0.6,0.6) with w1 ~ U(0,1): C is best iff 0.4 < w1 < 0.6
    m = _frame([[1, 0], [0, 1], [0.6, 0.6]], index=["A", "B", "C"])
    n = 40_000
    out = smaa(m, None, n_samples=n, seed=7)
    exact = {"A": 0.4, "B": 0.4, "C": 0.2}
    for v, p in exact.items():
        se = math.sqrt(p * (1 - p) / n)
        assert abs(out.loc[v, "rank_1"] - p) < 4 * se
    # quadrature reference agrees too
    q = smaa_exact_two_criteria(m)
    np.testing.assert_allclose(q[["A", "B", "C"]], [0.4, 0.4, 0.2], atol=1e-5)
    # every row of the acceptability matrix sums to one, every rank column sums to one
    ranks = out[[c for c in out.columns if c.startswith("rank_")]]
    np.testing.assert_allclose(ranks.sum(axis=1), 1.0)
    np.testing.assert_allclose(ranks.sum(axis=0), 1.0)


def test_smaa_three_criteria_uniform_simplex_exact_area():
    # A=(1,0,0), B=(0,1,0), C=(0,0,1): by symmetry each is best with probability 1/3
    m = _frame(np.eye(3) + 0.0, index=["A", "B", "C"])
    out = smaa(m, None, n_samples=30_000, seed=3)
    np.testing.assert_allclose(out["rank_1"], 1 / 3, atol=4 * math.sqrt(2 / 9 / 30_000))


def test_smaa_dirichlet_centred_and_seeded():
    m = _frame([[1, 0], [0, 1], [0.6, 0.6]], index=["A", "B", "C"])
    a = smaa(m, {"c1": 0.5, "c2": 0.5}, n_samples=5_000, seed=1, concentration=1000)
    # with weights tightly around (0.5, 0.5), C (score 0.6) beats A and B (0.5) almost always
    assert a.loc["C", "rank_1"] > 0.99
    b = smaa(m, {"c1": 0.5, "c2": 0.5}, n_samples=5_000, seed=1, concentration=1000)
    pd.testing.assert_frame_equal(a, b)


def test_smaa_rating_uncertainty_draws_within_bounds():
    m = _frame([[2.0, 1.0], [1.0, 2.0]], index=["A", "B"])
    low = m - 0.0
    high = m.copy()
    high.loc["B", "c1"] = 3.0  # B may beat A on c1 too
    out = smaa(m, {"c1": 0.9, "c2": 0.1}, n_samples=20_000, seed=5, concentration=1e6, low=low, high=high)
    # with w ~ (0.9, 0.1): B wins iff 0.9*z1 ... B's c1 ~ U(1,3): A wins when B_c1 < 2 (prob 1/2) -> A best
    # when B_c1 < 2; when B_c1 > 2, B wins on both => P(A best) = 1/2
    assert out.loc["A", "rank_1"] == pytest.approx(0.5, abs=0.02)
    with pytest.raises(ConfigError, match="high must be >= low"):
        smaa(m, None, n_samples=10, low=high, high=low)


def test_weight_stability_switch_point_closed_form():
    # A=(1,0), B=(0,1): A leads while w1 > 0.5
    m = _frame([[1, 0], [0, 1]], index=["A", "B"])
    st = weight_stability(m, {"c1": 0.7, "c2": 0.3}, steps=1001)
    row = st.set_index("criterion").loc["c1"]
    assert row["leader"] == "A"
    assert row["stable_from"] == pytest.approx(0.5, abs=1e-3) and row["stable_to"] == 1.0
    assert row["leader_when_below"] == "B"


@pytest.mark.parametrize("method", ["weighted_sum", "topsis"])
def test_weight_stability_agrees_with_brute_force_reranking(method):
    from workbench.vendors import rank_vendors

    rng = np.random.default_rng(11)
    m = _frame(rng.uniform(0, 4, size=(6, 4)), columns=["a", "b", "c", "cost"])
    w = pd.Series({"a": 0.4, "b": 0.3, "c": 0.2, "cost": 0.1})
    st = weight_stability(m, w, cost_criteria=["cost"], method=method, steps=101).set_index("criterion")
    grid = np.linspace(0, 1, 101)
    for crit in w.index:
        row = st.loc[crit]
        for t in grid:
            ww = w.drop(crit) / w.drop(crit).sum() * (1 - t)
            ww[crit] = t
            r = rank_vendors(m, ww.reindex(w.index), method=method, cost_criteria=["cost"])["rank"]
            inside = row["stable_from"] - 1e-12 <= t <= row["stable_to"] + 1e-12
            if inside:
                assert r[row["leader"]] == 1, (crit, t)
        if row["leader_when_above"] is not None:
            t = row["stable_to"] + 0.01
            ww = w.drop(crit) / w.drop(crit).sum() * (1 - t)
            ww[crit] = t
            r = rank_vendors(m, ww.reindex(w.index), method=method, cost_criteria=["cost"])["rank"]
            assert r[row["leader"]] > 1 and r[row["leader_when_above"]] == 1


# ---------------------------------------------------------------------------------------
# Contract: every compute function returns its declared shape, leaves inputs alone, is seeded
# ---------------------------------------------------------------------------------------

_M = _frame([[3.0, 2.5, 120.0], [2.0, 3.5, 90.0], [3.5, 1.0, 150.0], [1.0, 1.0, 60.0]],
            index=["V1", "V2", "V3", "V4"], columns=["quality", "support", "cost"])
_W = {"quality": 0.5, "support": 0.3, "cost": 0.2}

CONTRACTS = {
    "weighted_sum": (lambda m: weighted_sum(m, _W, cost_criteria=["cost"]), ["score", "rank"]),
    "topsis": (lambda m: topsis(m, _W, cost_criteria=["cost"]), ["closeness", "d_plus", "d_minus", "rank"]),
    "smaa": (lambda m: smaa(m, _W, cost_criteria=["cost"], n_samples=2_000, seed=4, low=m * 0.9, high=m * 1.1),
             ["rank_1", "rank_2", "rank_3", "rank_4", "expected_rank"]),
    "weight_stability": (lambda m: weight_stability(m, _W, cost_criteria=["cost"]),
                         ["criterion", "weight", "leader", "stable_from", "stable_to", "leader_when_below",
                          "leader_when_above"]),
}


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_compute_function_contract(name):
    fn, columns = CONTRACTS[name]
    before = _M.copy()
    out = fn(_M)
    pd.testing.assert_frame_equal(_M, before)  # input untouched, index name included
    assert list(out.columns) == columns
    if "rank" in out.columns:
        assert list(out.index) == list(_M.index) and out["rank"].min() == 1
        assert set(out["rank"]) <= set(range(1, len(_M) + 1))
    pd.testing.assert_frame_equal(out, fn(_M))  # deterministic (seeded)
