"""The data dictionary (``data/README.md``), generated from the declared schemas.

Regenerate with ``workbench data-dictionary``; a test fails when the committed file is stale.
"""

from __future__ import annotations

from pydantic import BaseModel

from .schemas import CUSTOMERS, schema_markdown


def model_markdown(model: type[BaseModel], title: str, intro: str) -> str:
    lines = [f"### {title}", "", intro, "", "| key | type | required | default | description |", "|---|---|---|---|---|"]
    for name, info in model.model_fields.items():
        annotation = getattr(info.annotation, "__name__", None) or str(info.annotation).replace("typing.", "")
        default = "" if info.is_required() else repr(info.get_default(call_default_factory=True))
        lines.append(f"| `{name}` | {annotation} | {'yes' if info.is_required() else 'no'} | {default} | "
                     f"{info.description or ''} |")
    return "\n".join(lines) + "\n"


def data_dictionary() -> str:
    from .config import CycleConfig
    from .pilot import data_dictionary_markdown as pilot_markdown
    from .pilot.schemas import SCHEMAS as PILOT_SCHEMAS
    from .vendors import data_dictionary_markdown as vendors_markdown

    parts = [
        "# Data dictionary",
        "",
        "Generated from the schemas declared in `workbench/` by `workbench data-dictionary`: do not edit "
        "by hand. Every input is validated against this contract before a cycle runs; problems are "
        "reported with file, row (or YAML line and path), field, value, expectation and fix.",
        "",
        "Conventions for all CSV tables: any common encoding (UTF-8, Windows-1252) and delimiter "
        "(`,` `;` tab `|`); flags accept yes/no, true/false, y/n, 1/0 in any case; dates are ISO "
        "(2024-01-31, with or without a time) or one consistent day/month/year format per column "
        "(an ambiguous column such as 03/04/2024 ... 05/06/2024 is refused: set `date_format`); "
        "numbers may carry thousands separators or a currency sign; extra columns are ignored and "
        "listed in the data-checks report; a column mapping renames your columns to these names.",
        "",
        "## Sample data (`data/sample/`)",
        "",
        "Regenerated bit-identically by `workbench sample-data --seed 20261204`. The customer table is "
        "drawn from the proportional-hazards model documented in `workbench/sample/customers.py` "
        "(known hazard ratios); the pilot tables from the known effects documented in "
        "`workbench/pilot/sample.py`.",
        "",
        "## Customer table",
        "",
        schema_markdown(CUSTOMERS),
        "## Pilot tables (`pilot_dir/<table>.csv`)",
        "",
    ]
    parts += [schema_markdown(schema) for schema in PILOT_SCHEMAS]
    parts += ["## Success criteria (YAML)", "", pilot_markdown(), vendors_markdown(), "## Cycle config (YAML)", "",
              model_markdown(CycleConfig, "`cycle.yaml`",
                             "Which inputs and parameters a cycle runs with; see `templates/cycle.yaml`.")]
    return "\n".join(parts).rstrip() + "\n"
