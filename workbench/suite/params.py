"""Read a notebook's declared parameters and check values against them before any kernel starts.

papermill only warns about an unknown parameter and casts nothing for lists, so the runner
checks names and types itself from the ``parameters`` cell (``name: type = default  # help``).
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import nbformat
from pydantic import TypeAdapter, ValidationError

from ..errors import ConfigError

_TYPE_NAMES = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "dict": dict,
               "tuple": tuple, "Any": Any, "Optional": Optional, "None": None}


@dataclass(frozen=True)
class NotebookParameter:
    name: str
    annotation: str  # "" when the line has no type annotation
    default: str  # the default as written in the cell
    help: str

    def default_value(self) -> Any:
        """The default as a Python value when it is a literal (else the source text)."""
        try:
            return ast.literal_eval(self.default)
        except (ValueError, SyntaxError):
            return self.default

    def type_(self) -> Any:
        if not self.annotation:
            return Any
        try:
            return eval(self.annotation, {"__builtins__": {}}, dict(_TYPE_NAMES))  # names above only
        except Exception:  # an annotation we cannot interpret is not checked
            return Any


def parameters_cell(path: str | Path) -> str:
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in (cell.metadata.get("tags") or []):
            return cell.source
    raise ConfigError(f"{path}: no code cell tagged 'parameters'; tag the first code cell so papermill can inject values")


def notebook_parameters(path: str | Path) -> dict[str, NotebookParameter]:
    """The parameters declared in a notebook's ``parameters`` cell, in order."""
    source = parameters_cell(path)
    comments: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ConfigError(f"{path}: the parameters cell is not valid Python ({exc.msg}, line {exc.lineno})") from exc
    params: dict[str, NotebookParameter] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, annotation = node.target.id, ast.unparse(node.annotation)
            default = ast.unparse(node.value) if node.value is not None else ""
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, annotation, default = node.targets[0].id, "", ast.unparse(node.value)
        else:
            continue
        params[name] = NotebookParameter(name, annotation, default, comments.get(node.lineno, ""))
    return params


def check_value(param: NotebookParameter, value: Any) -> str | None:
    """An error message when ``value`` does not fit the declared type, else None."""
    tp = param.type_()
    if tp is Any:
        return None
    try:
        TypeAdapter(tp).validate_python(value, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        return (f"'{param.name}' must be {param.annotation}, got {type(value).__name__} {value!r}"
                f" ({first['msg'].lower()})")
    except Exception:  # pragma: no cover - a type pydantic cannot build an adapter for
        return None
    return None


def check_parameters(notebook: str, declared: dict[str, NotebookParameter], values: dict[str, Any]) -> list[str]:
    """All problems with ``values`` for one notebook: unknown names and mistyped values."""
    problems = []
    for name, value in values.items():
        if name not in declared:
            problems.append(f"{notebook}: unknown parameter '{name}' (declared: {', '.join(declared)})")
            continue
        message = check_value(declared[name], value)
        if message:
            problems.append(f"{notebook}: {message}")
    return problems
