"""Reading inputs (CSV, Parquet, YAML) and writing results, with actionable errors.

This is the only layer, with :mod:`workbench.report`, that touches the disk.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import yaml

from .errors import InputError, Problem
from .schemas import LoadedTable, TableSchema, validate_table

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
DELIMITERS = ",;\t|"


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _decode(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return data.decode("utf-16"), "utf-16"
        raise InputError([Problem(str(path), "file", "", "binary content",
                                  "a text CSV file", "export the table as CSV (UTF-8), not as a spreadsheet")],
                         source=str(path))
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputError([Problem(str(path), "file", "", "undecodable bytes", "UTF-8 text",
                              "re-export as UTF-8 CSV")], source=str(path))  # pragma: no cover - latin-1 decodes all


def _sniff_delimiter(text: str, path: Path) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def read_raw_table(path: str | os.PathLike, *, delimiter: str | None = None) -> pd.DataFrame:
    """Read a CSV (any common encoding and delimiter) or Parquet file as strings.

    Raises :class:`InputError` naming the file for a missing, empty, binary or malformed file.
    """
    path = Path(path)
    if not path.exists():
        raise InputError([Problem(str(path), "file", "", None, "an existing file",
                                  "check the path in the cycle config or notebook parameters")], source=str(path))
    if path.is_dir():
        raise InputError([Problem(str(path), "file", "", "a folder", "a file",
                                  "give the path of the CSV or Parquet file")], source=str(path))
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            return pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises many types for a bad file
            raise InputError([Problem(str(path), "file", "", type(exc).__name__, "a readable Parquet file",
                                      f"re-export the file ({exc})")], source=str(path)) from exc
    text, _encoding = _decode(path)
    if not text.strip():
        raise InputError([Problem(str(path), "file", "", "an empty file", "a header row and data rows",
                                  "check that the export finished")], source=str(path))
    sep = delimiter or _sniff_delimiter(text, path)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            na_values=[""], skipinitialspace=True, engine="python")
    except pd.errors.ParserError as exc:
        raise InputError([Problem(str(path), "file", "", str(exc).strip(), "a rectangular CSV table",
                                  "check for unquoted delimiters or stray line breaks on the line named")],
                         source=str(path)) from exc
    if frame.shape[1] == 1 and len(text.splitlines()[0]) > 0 and any(d in text.splitlines()[0] for d in ";\t|,"):
        raise InputError([Problem(str(path), "header", "", text.splitlines()[0][:60],
                                  "columns separated by one delimiter", "export with commas or pass delimiter")],
                         source=str(path))
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def read_table(
    path: str | os.PathLike,
    schema: TableSchema,
    *,
    column_map: dict[str, str] | None = None,
    date_format: str | None = None,
    delimiter: str | None = None,
    extra_problems: Callable[[pd.DataFrame], list[Problem]] | None = None,
) -> LoadedTable:
    """Read and validate one input table against its declared schema."""
    raw = read_raw_table(path, delimiter=delimiter)
    return validate_table(raw, schema, file=str(path), column_map=column_map, date_format=date_format,
                          extra_problems=extra_problems)


# ---------------------------------------------------------------------------------------
# YAML with line numbers
# ---------------------------------------------------------------------------------------

@dataclass
class YamlDocument:
    """A safely loaded YAML mapping plus the line of every key path (1-based)."""

    data: Any
    lines: dict[tuple, int]
    file: str

    def line_of(self, path: tuple) -> int | None:
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def where(self, path: tuple) -> str:
        """``"line 12 (criteria[2].threshold)"`` for a key path."""
        line = self.line_of(path)
        dotted = format_yaml_path(path)
        return f"line {line} ({dotted})" if line else dotted or "document"


def format_yaml_path(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _walk(node: yaml.Node, path: tuple, lines: dict) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)


def load_yaml(path: str | os.PathLike) -> YamlDocument:
    """Load YAML safely (no arbitrary objects) keeping line numbers; clear errors on bad syntax."""
    path = Path(path)
    if not path.exists():
        raise InputError([Problem(str(path), "file", "", None, "an existing YAML file",
                                  "check the path")], source=str(path))
    text = path.read_text(encoding="utf-8-sig")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        raise InputError([Problem(str(path), where, "", (exc.problem or str(exc)).strip(),
                                  "valid YAML", "check indentation, colons and quotes around that line")],
                         source=str(path)) from exc
    except yaml.YAMLError as exc:
        raise InputError([Problem(str(path), "file", "", str(exc), "valid YAML", "fix the YAML syntax")],
                         source=str(path)) from exc
    lines: dict[tuple, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return YamlDocument(data=data if data is not None else {}, lines=lines, file=str(path))


def pydantic_problems(exc: Exception, doc: YamlDocument, *, base: tuple = ()) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into located problems (file, line, YAML path)."""
    problems = []
    for err in exc.errors():  # type: ignore[attr-defined]
        loc = base + tuple(err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            expected = "no such key (unknown keys are not allowed)"
            fix = "remove the key or correct its spelling"
        elif kind == "missing":
            expected = "this required key"
            fix = "add it"
        else:
            expected = err["msg"]
            fix = ""
        value = err.get("input") if kind != "missing" else None
        if isinstance(value, (dict, list)):
            value = None
        problems.append(Problem(doc.file, doc.where(loc), format_yaml_path(loc), value, expected, fix))
    return problems


# ---------------------------------------------------------------------------------------
# Writing results atomically
# ---------------------------------------------------------------------------------------

def _json_default(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    def clean(v: Any) -> Any:
        if isinstance(v, float) and (np.isnan(v) or np.isinf(v)):
            return None
        if isinstance(v, dict):
            return {str(k): clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        return v
    return json.dumps(clean(data), indent=2, default=_json_default, sort_keys=False) + "\n"


class Results:
    """Collects a notebook's result tables and headline summary, then writes them at once.

    Nothing touches ``output_dir`` until :meth:`save`, which writes into a temporary folder
    beside it and then replaces the files, so a failing notebook never leaves a mix of old
    and new results.
    """

    def __init__(self, output_dir: str | os.PathLike, *, notebook: str):
        self.output_dir = Path(output_dir)
        self.notebook = notebook
        self.tables: dict[str, pd.DataFrame] = {}
        self.summary: dict[str, Any] = {}
        self.extras: dict[str, str] = {}

    def add_table(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        if not name.replace("_", "").isalnum():
            raise ValueError(f"table name must be snake_case letters and digits, got {name!r}")
        self.tables[name] = frame.copy()
        return frame

    def add_summary(self, **figures: Any) -> None:
        self.summary.update(figures)

    def add_text(self, filename: str, text: str) -> None:
        self.extras[filename] = text

    def save(self) -> Path:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.output_dir))
        try:
            for name, frame in self.tables.items():
                frame.to_csv(staging / f"{name}.csv", index=False, date_format="%Y-%m-%d")
            for filename, text in self.extras.items():
                (staging / filename).write_text(text, encoding="utf-8")
            summary = {"notebook": self.notebook, **self.summary,
                       "tables": sorted(f"{n}.csv" for n in self.tables)}
            (staging / "summary.json").write_text(to_json(summary), encoding="utf-8")
            for item in staging.iterdir():
                os.replace(item, self.output_dir / item.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return self.output_dir
