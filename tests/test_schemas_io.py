"""Input contracts: lenient parsing of messy exports and a clear, located error for each bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.errors import InputError
from workbench.io import load_yaml, read_table
from workbench.schemas import CUSTOMERS, Column, TableSchema, parse_dates, parse_flags, parse_numbers

HEADER = "customer_id,start_date,churn_date,plan,arr\n"


def write(tmp_path, text, name="customers.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_valid_table_is_typed_and_extra_columns_listed(tmp_path):
    path = write(tmp_path, HEADER.rstrip("\n") + ",notes\nC1,2024-01-05,,Growth,\"1,200\",x\nC2,2024-02-01,2024-06-30,Starter,900,y\n")
    loaded = read_table(path, CUSTOMERS)
    frame = loaded.frame
    assert list(frame["customer_id"]) == ["C1", "C2"]
    assert pd.isna(frame.loc[0, "churn_date"]) and frame.loc[1, "churn_date"] == pd.Timestamp("2024-06-30")
    assert frame["arr"].tolist() == [1200.0, 900.0]
    assert loaded.report.extra_columns == ["notes"]
    assert loaded.report.blank_counts["churn_date"] == 1


@pytest.mark.parametrize("text,expected", [
    (["Yes", "no", "TRUE", "f", "1", "0", "", "Y"], [True, False, True, False, True, False, None, True]),
])
def test_flags_accept_common_spellings(text, expected):
    values, bad = parse_flags(pd.Series(text))
    assert [None if pd.isna(v) else bool(v) for v in values] == expected
    assert not bad.any()


def test_numbers_with_separators_and_currency():
    values, bad = parse_numbers(pd.Series(["$1,200", "3 400", "12.5", "", "abc", "€7"]))
    assert values.tolist()[:3] == [1200.0, 3400.0, 12.5]
    assert pd.isna(values[3]) and values[5] == 7.0
    assert bad.tolist() == [False, False, False, False, True, False]


def test_dates_iso_and_day_first_and_month_first():
    iso, bad, fmt = parse_dates(pd.Series(["2024-01-31", "2024-02-01T10:00:00", ""]))
    assert fmt == "ISO 8601" and iso[0] == pd.Timestamp("2024-01-31") and not bad.any()
    dmy, _, fmt = parse_dates(pd.Series(["31/01/2024", "15/02/2024"]))
    assert fmt == "%d/%m/%Y" and dmy[1] == pd.Timestamp("2024-02-15")
    mdy, _, fmt = parse_dates(pd.Series(["01/31/2024", "02/15/2024"]))
    assert fmt == "%m/%d/%Y" and mdy[0] == pd.Timestamp("2024-01-31")


def test_ambiguous_dates_are_refused_with_the_fix(tmp_path):
    path = write(tmp_path, HEADER + "C1,03/04/2024,,Growth,1\nC2,05/06/2024,,Growth,1\n")
    with pytest.raises(InputError, match=r"ambiguous.*set date_format"):
        read_table(path, CUSTOMERS)
    loaded = read_table(path, CUSTOMERS, date_format="%d/%m/%Y")
    assert loaded.frame.loc[0, "start_date"] == pd.Timestamp("2024-04-03")


def test_semicolon_delimiter_and_windows_encoding(tmp_path):
    path = write(tmp_path, "customer_id;start_date;churn_date;plan;arr\nC1;2024-01-05;;Crème;1\n", encoding="cp1252")
    frame = read_table(path, CUSTOMERS).frame
    assert frame.loc[0, "plan"] == "Crème"


def test_column_mapping(tmp_path):
    path = write(tmp_path, "Customer ID,Start,Churned On\nC1,2024-01-05,\n")
    frame = read_table(path, CUSTOMERS, column_map={"Customer ID": "customer_id", "Start": "start_date",
                                                    "Churned On": "churn_date"}).frame
    assert frame.loc[0, "customer_id"] == "C1"


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"nope\.csv.*expected an existing file"):
        read_table(tmp_path / "nope.csv", CUSTOMERS)


def test_binary_file_is_not_a_csv(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary spreadsheet")
    with pytest.raises(InputError, match=r"customers\.csv.*export the table as CSV"):
        read_table(path, CUSTOMERS)


def test_empty_file_and_header_only(tmp_path):
    with pytest.raises(InputError, match="header row and data rows"):
        read_table(write(tmp_path, ""), CUSTOMERS)
    with pytest.raises(InputError, match=r"at least 1 data row"):
        read_table(write(tmp_path, HEADER, name="h.csv"), CUSTOMERS)


def test_missing_required_column_names_the_column_and_the_fix(tmp_path):
    path = write(tmp_path, "customer_id,Start_Date\nC1,2024-01-01\n")
    with pytest.raises(InputError) as err:
        read_table(path, CUSTOMERS)
    text = str(err.value)
    assert "'start_date'" in text and "rename 'Start_Date' to 'start_date'" in text
    assert "'churn_date'" in text and "column_map" in text


def test_all_row_problems_are_collected_with_rows_fields_values(tmp_path):
    path = write(tmp_path, HEADER
                 + "C1,2024-01-05,,Growth,100\n"
                 + "C1,2024-01-06,,Growth,100\n"          # duplicate id (line 3)
                 + "C3,not a date,,Growth,100\n"          # unparseable date (line 4)
                 + "C4,2024-05-01,2024-03-01,Growth,100\n"  # churn before start (line 5)
                 + "C5,2024-01-05,,Growth,-5\n")          # negative ARR (line 6)
    with pytest.raises(InputError) as err:
        read_table(path, CUSTOMERS)
    problems = {(p.location, p.field) for p in err.value.problems}
    assert ("row 3", "customer_id") in problems
    assert ("row 4", "start_date") in problems
    assert ("row 5", "churn_date") in problems
    assert ("row 6", "arr") in problems
    message = str(err.value)
    assert "4 problems" in message or "problems in" in message
    assert "'not a date'" in message and "same value is on row 2" in message


def test_blank_cells_in_a_required_column_are_located(tmp_path):
    path = write(tmp_path, HEADER + "C1,,,Growth,1\n")
    with pytest.raises(InputError, match=r"row 2 field 'start_date'.*blank cells are not allowed"):
        read_table(path, CUSTOMERS)


def test_ragged_csv_is_reported(tmp_path):
    path = write(tmp_path, 'customer_id,start_date,churn_date\nC1,2024-01-01,,"unterminated\n')
    with pytest.raises(InputError, match="customers.csv"):
        read_table(path, CUSTOMERS)


def test_integer_and_range_rules():
    schema = TableSchema("t", "test", (Column("n", "int", "count", min=0, max=10),))
    from workbench.schemas import validate_table

    with pytest.raises(InputError) as err:
        validate_table(pd.DataFrame({"n": ["1", "2.5", "11", "x"]}), schema, file="t.csv")
    locations = sorted(p.location for p in err.value.problems)
    assert locations == ["row 3", "row 4", "row 5"]


def test_yaml_syntax_error_names_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("title: x\nparameters:\n  a: [1, 2\n  b: 3\n")
    with pytest.raises(InputError, match=r"c\.yaml, line \d+, column \d+"):
        load_yaml(path)


def test_yaml_lines_of_nested_keys(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("title: x\ncriteria:\n  - id: a\n    threshold: 1\n  - id: b\n    threshold: 2\n")
    doc = load_yaml(path)
    assert doc.where(("criteria", 1, "threshold")) == "line 6 (criteria[1].threshold)"


def test_yaml_is_loaded_safely(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("x: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(InputError, match="evil.yaml"):
        load_yaml(path)
