"""Rubric and vendor evaluation files: schema, generated blank form, bad input with located messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench.errors import ConfigError, InputError
from workbench.vendors import (blank_form, data_dictionary_markdown, load_ahp, load_evaluations, load_rubric,
                               resolve_weights)

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = ROOT / "templates" / "rubric.yaml"
EVALS = ROOT / "vendor_evals"


@pytest.fixture(scope="module")
def rubric():
    return load_rubric(RUBRIC)


@pytest.fixture()
def evals_copy(tmp_path):
    target = tmp_path / "vendor_evals"
    target.mkdir()
    for f in EVALS.glob("*.yaml"):
        shutil.copy(f, target / f.name)
    return target


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count))


def test_rubric_shape(rubric):
    assert rubric.criterion_ids == ["failure_transparency", "cs_support", "roadmap_transparency", "contract_flexibility"]
    assert all(3 <= len(c.sub_criteria) <= 6 for c in rubric.criteria)
    assert rubric.scale.min == 0 and rubric.scale.max == 4
    assert any(s.must_have for c in rubric.criteria for s in c.sub_criteria)
    assert rubric.cost.years == 3


def test_committed_blank_form_is_generated_from_rubric(rubric):
    committed = (ROOT / "templates" / "vendor_evaluation.yaml").read_text(encoding="utf-8")
    assert committed == blank_form(rubric), "regenerate with workbench.vendors.write_blank_form()"


def test_blank_form_filled_in_nothing_fails_with_actionable_problems(tmp_path, rubric):
    d = tmp_path / "evals"
    d.mkdir()
    (d / "new_vendor.yaml").write_text(blank_form(rubric))
    with pytest.raises(InputError) as info:
        load_evaluations(d, rubric)
    text = str(info.value)
    assert "cost.licence_per_year" in text and "line " in text


def test_sample_evaluations_load(rubric):
    ev = load_evaluations(EVALS, rubric)
    assert len(ev.vendors) == 5
    assert ev.ratings.groupby("vendor")["evaluator"].nunique().eq(3).all()
    # three ratings >= 3 lack evidence and are capped at 2, each flagged
    capped = ev.ratings[ev.ratings["capped"]]
    assert len(capped) == 3 and (capped["rating"] == 2).all() and (capped["rating_given"] >= 3).all()
    assert ev.notes["note"].str.contains("capped at 2").sum() == 3


def test_rating_of_three_without_evidence_is_capped(evals_copy, rubric):
    path = evals_copy / "keel.yaml"
    text = path.read_text()
    # give Keel a 4 on data_exit with the evidence removed
    start = text.index("      data_exit:")  # Aiko Tanaka's (first evaluator's) data_exit block
    end = text.index("- name: Ben Okafor", start)
    path.write_text(text[:start] + "      data_exit:\n        rating: 4\n        evidence: null\n" + text[end:])
    ev = load_evaluations(evals_copy, rubric)
    row = ev.ratings[(ev.ratings.vendor == "Keel Analytics") & (ev.ratings.sub_criterion == "data_exit")].iloc[0]
    assert row["rating_given"] == 4 and row["rating"] == 2 and row["capped"]


def test_old_evidence_is_flagged_not_capped(evals_copy, rubric):
    path = evals_copy / "beacon.yaml"
    text = path.read_text()
    _edit(path, "date: '2026-09-29'", "date: '2022-01-15'")
    ev = load_evaluations(evals_copy, rubric)
    row = ev.ratings[(ev.ratings.vendor == "Beacon Health") & (ev.ratings.evaluator == "Aiko Tanaka")
                     & (ev.ratings.sub_criterion == "failure_rate_disclosed")].iloc[0]
    assert row["rating"] == 4 and not row["capped"]
    notes = ev.notes[ev.notes["item"] == "failure_rate_disclosed"]["note"]
    assert notes.str.contains("dated 2022-01-15, 57 months before the rating").any()


@pytest.mark.parametrize("old,new,message", [
    ("    failure_transparency:\n", "    failure_transparancy:\n",
     r"keel\.yaml, line \d+ \(evaluators\[0\]\.ratings\.failure_transparancy\).*a criterion id of the rubric"),
    ("      root_cause_depth:\n", "      root_cause_depht:\n",
     r"line \d+ \(evaluators\[0\]\.ratings\.failure_transparency\.root_cause_depht\).*a sub-criterion of failure_transparency"),
    ("        rating: 2\n", "        rating: 7\n", r"line \d+ \(evaluators\[0\]\.ratings\..*\.rating\).*got 7; expected a whole number from 0 to 4"),
    ("        rating: 2\n", "        rating: 2.5\n", r"rating.*whole number on the anchored scale"),
    ("  licence_per_year: 30000\n", "", r"cost\.licence_per_year.*expected this required key"),
    ("  currency: EUR\n", "  currency: USD\n", r"cost\.currency.*got 'USD'; expected EUR"),
])
def test_bad_vendor_file_is_reported_with_file_line_and_path(evals_copy, rubric, old, new, message):
    _edit(evals_copy / "keel.yaml", old, new)
    with pytest.raises(InputError, match=message):
        load_evaluations(evals_copy, rubric)


def test_missing_cost_section(evals_copy, rubric):
    path = evals_copy / "keel.yaml"
    text = path.read_text()
    start, end = text.index("cost:\n"), text.index("evaluators:\n")
    path.write_text(text[:start] + text[end:])
    with pytest.raises(InputError, match=r"keel\.yaml.*field 'cost'; expected this required key"):
        load_evaluations(evals_copy, rubric)


def test_missing_rating_states_the_policy(evals_copy, rubric):
    path = evals_copy / "keel.yaml"
    text = path.read_text()
    start = text.index("      scale_changes:\n")
    end = text.index("      data_exit:\n", start)
    path.write_text(text[:start] + text[end:])
    with pytest.raises(InputError, match=r"scale_changes.*missing.*write 'rating: null' if you could not assess it"):
        load_evaluations(evals_copy, rubric)


def test_evaluator_who_rated_nothing(evals_copy, rubric):
    path = evals_copy / "keel.yaml"
    text = path.read_text()
    first = text.index("- name: Ben Okafor")
    second = text.index("- name: Carla Ruiz")
    block = text[first:second]
    import re
    block = re.sub(r"rating: \d", "rating: null", block)
    path.write_text(text[:first] + block + text[second:])
    with pytest.raises(InputError, match=r"evaluators\[1\].*'Ben Okafor'; expected an evaluator who rated at least one"):
        load_evaluations(evals_copy, rubric)


def test_duplicate_vendor_names_across_files(evals_copy, rubric):
    shutil.copy(evals_copy / "keel.yaml", evals_copy / "keel_copy.yaml")
    with pytest.raises(InputError, match=r"keel_copy\.yaml, line 4 \(vendor\.name\).*not already used in .*keel\.yaml"):
        load_evaluations(evals_copy, rubric)


def test_unknown_key_and_all_problems_at_once(evals_copy, rubric):
    _edit(evals_copy / "keel.yaml", "  product: Keel Churn Radar\n", "  product: Keel Churn Radar\n  prodcut: typo\n")
    _edit(evals_copy / "lumen.yaml", "        rating: 2\n", "        rating: -1\n")
    with pytest.raises(InputError) as info:
        load_evaluations(evals_copy, rubric)
    text = str(info.value)
    assert "vendor.prodcut" in text and "unknown keys are not allowed" in text
    assert "lumen.yaml" in text and "got -1" in text
    assert len(info.value.problems) == 2


def test_yaml_is_loaded_safely(evals_copy, rubric):
    _edit(evals_copy / "keel.yaml", "  summary: ", "  summary: !!python/object/apply:os.system ['echo pwned']\n  notes_x: ")
    with pytest.raises(InputError, match="keel.yaml"):
        load_evaluations(evals_copy, rubric)


def test_empty_or_missing_folder(tmp_path, rubric):
    with pytest.raises(InputError, match="an existing folder of vendor YAML files"):
        load_evaluations(tmp_path / "nope", rubric)
    with pytest.raises(InputError, match="one YAML file per vendor"):
        load_evaluations(tmp_path, rubric)


def test_weights_negative_all_zero_or_both_sources(rubric):
    ev = load_evaluations(EVALS, rubric)
    w = rubric.default_weights
    with pytest.raises(ConfigError, match="negative weights for cost=-0.1"):
        resolve_weights(ev, {**w, "cost": -0.1})
    with pytest.raises(ConfigError, match="all weights are zero"):
        resolve_weights(ev, {k: 0 for k in w})
    with pytest.raises(ConfigError, match="unknown criteria prize"):
        resolve_weights(ev, {**w, "prize": 1})
    with pytest.raises(ConfigError, match="either weights or ahp_path"):
        resolve_weights(ev, w, ahp=pd.Series(w))
    assert resolve_weights(ev, {}).sum() == pytest.approx(1.0)


def test_ahp_file_non_reciprocal_is_located(tmp_path, rubric):
    src = (EVALS / "weights" / "ahp_pairwise.yaml").read_text()
    assert load_ahp(EVALS / "weights" / "ahp_pairwise.yaml", rubric).shape == (5, 5)
    bad = tmp_path / "ahp.yaml"
    bad.write_text(src.replace("  - [1/2, 1,   1,   2,   2]", "  - [1/2, 1,   3,   2,   2]"))
    with pytest.raises(InputError, match=r"ahp\.yaml, line 9 \(matrix\[1\]\[2\]\).*got 3.0; expected the reciprocal"):
        load_ahp(bad, rubric)
    bad.write_text(src.replace("cost]", "price]"))
    with pytest.raises(InputError, match=r"criteria.*'price'.*missing: cost"):
        load_ahp(bad, rubric)
    bad.write_text(src.replace("  - [1/3, 1/2, 1/2, 1,   1]", "  - [1/3, 1/2, half, 1,   1]"))
    with pytest.raises(InputError, match=r"matrix\[4\]\[2\].*a number or a fraction"):
        load_ahp(bad, rubric)


def test_bad_rubric_is_located(tmp_path):
    text = RUBRIC.read_text()
    bad = tmp_path / "rubric.yaml"
    bad.write_text(text.replace("    weight: 0.25\n", "    weight: -0.25\n"))
    with pytest.raises(InputError, match=r"rubric\.yaml, line \d+ \(criteria\[1\]\.weight\)"):
        load_rubric(bad)


def test_data_dictionary_documents_every_file():
    md = data_dictionary_markdown()
    for needle in ["templates/rubric.yaml", "vendor_evals/<vendor>.yaml", "AHP judgement file",
                   "`evaluators[].ratings.<criterion_id>.<sub_criterion_id>.rating`", "`cost.licence_per_year`",
                   "`scale.cap_without_evidence`", "`matrix`"]:
        assert needle in md, needle
