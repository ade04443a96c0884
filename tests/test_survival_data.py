"""Input styles and bad input: each gives a clear workbench error or a counted note."""

import numpy as np
import pandas as pd
import pytest

from workbench.errors import ConfigError, InputError, InsufficientDataError
from workbench.survival import load_customers, prepare_survival_data
from workbench.survival.data import SurvivalDataWarning


def test_duration_style_with_event_values():
    df = pd.DataFrame({"tenure": ["3", "5", "0", "", "7"], "Churn": ["Yes", "No", "Yes", "No", "yes"], "id": list("abcde")})
    with pytest.warns(SurvivalDataWarning, match="rows dropped"):
        data = prepare_survival_data(df, duration_col="tenure", event_col="Churn", event_values=["Yes"], id_col="id")
    assert data.frame["id"].tolist() == ["a", "b", "e"]
    assert data.frame["event"].tolist() == [True, False, True]
    q = data.quality.set_index("item")["count"]
    assert q["dropped: zero or negative duration"] == 1 and q["dropped: blank duration or date"] == 1
    df2 = pd.DataFrame({"t": [1, 2, 3], "e": ["1", "0", "true"]})
    assert prepare_survival_data(df2, duration_col="t", event_col="e", event_values=[1, True]).frame["event"].tolist() == [True, False, True]


def test_date_style_months_and_after_as_of():
    df = pd.DataFrame({"start": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-06-01"]),
                       "end": pd.to_datetime(["2026-07-02", None, "2026-12-01"])})
    with pytest.warns(SurvivalDataWarning, match="after as_of"):
        data = prepare_survival_data(df, start_col="start", end_col="end", as_of="2026-10-31")
    assert data.frame["event"].tolist() == [True, False, False]
    assert data.frame["duration"].iloc[0] == pytest.approx(182 / 30.4375)
    weeks = prepare_survival_data(df.iloc[:2], start_col="start", end_col="end", as_of="2026-10-31", time_unit="weeks")
    assert weeks.frame["duration"].iloc[0] == pytest.approx(26)


def test_event_values_matching_nothing():
    df = pd.DataFrame({"t": [1, 2], "Churn": ["Y", "N"]})
    with pytest.raises(InputError, match=r"values that appear in 'Churn' \(found: 'Y', 'N'\)"):
        prepare_survival_data(df, duration_col="t", event_col="Churn", event_values=["Yes"])


def test_all_censored_and_config_errors():
    df = pd.DataFrame({"start": pd.to_datetime(["2026-01-01", "2026-02-01"]), "end": pd.NaT})
    with pytest.raises(InsufficientDataError, match="All 2 customers are censored"):
        prepare_survival_data(df, start_col="start", end_col="end", as_of="2026-10-31")
    with pytest.raises(ConfigError, match="Give either duration_col"):
        prepare_survival_data(df, start_col="start", end_col="end", duration_col="x")
    with pytest.raises(ConfigError, match="time_unit must be one of"):
        prepare_survival_data(df, start_col="start", end_col="end", as_of="2026-10-31", time_unit="years")
    with pytest.raises(InputError, match="a column named 'nope'"):
        prepare_survival_data(df, start_col="start", end_col="end", as_of="2026-10-31", segment_cols=["nope"])


def test_blank_segments_become_unknown(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,tenure,churned,plan\n1,3,yes,A\n2,4,no,\n3,5,yes,B\n")
    frame = load_customers(path, columns=["id", "tenure", "churned", "plan"])
    with pytest.warns(SurvivalDataWarning, match="own level 'unknown'"):
        data = prepare_survival_data(frame, duration_col="tenure", event_col="churned", event_values=["yes"],
                                     segment_cols=["plan"], id_col="id")
    assert data.frame["plan"].tolist() == ["A", "unknown", "B"]
    with pytest.raises(InputError, match="a column named 'missing'"):
        load_customers(path, columns=["missing"])


def test_blank_counts():
    from workbench.survival import blank_counts

    df = pd.DataFrame({"plan": ["A", "unknown", "B", "A"], "x": [1.0, None, None, 2.0], "s": ["a", " ", "b", "c"]})
    out = blank_counts(df, ["plan", "x", "s", ""], segment_cols=["plan"]).set_index("column")
    assert out.loc["plan", "blank_cells"] == 1 and out.loc["x", "blank_cells"] == 2 and out.loc["s", "blank_cells"] == 1
    assert out.loc["x", "share"] == 0.5
