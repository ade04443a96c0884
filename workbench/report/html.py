"""Executed notebook -> self-contained HTML report with code hidden and no network needs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat

TEMPLATE_NAME = "report"
# Outputs that cannot work in a static page (live widgets) are replaced by a short note.
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_SCRIPT_MIMES = ("application/javascript", "application/vnd.holoviews_load.v0+json")


def template_dir() -> Path:
    """The folder holding the ``report`` nbconvert template (``templates/`` of the project)."""
    here = Path(__file__).resolve()
    for base in (here.parents[2] / "templates", Path.cwd() / "templates"):
        if (base / TEMPLATE_NAME / "index.html.j2").exists():
            return base
    raise FileNotFoundError("templates/report/index.html.j2 not found: run from the project folder")


def _strip_live_outputs(nb: nbformat.NotebookNode) -> None:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if _WIDGET_MIME in data:
                data = {"text/plain": "(interactive control: open the dashboard to use it)"}
                out["data"] = data
            for mime in _SCRIPT_MIMES:
                data.pop(mime, None)
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                continue  # library chatter (progress bars, deprecation noise) is not for reviewers
            kept.append(out)
        cell["outputs"] = kept
    nb.metadata.pop("widgets", None)


def _drop_first_title(nb: nbformat.NotebookNode) -> None:
    """The banner carries the page title: drop the notebook's own leading '# Title' line."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        if lines and lines[0].startswith("# "):
            cell.source = "\n".join(lines[1:]).lstrip("\n")
        return


def render_html(notebook_path: str | os.PathLike, html_path: str | os.PathLike, *,
                banner: dict[str, Any] | None = None) -> Path:
    """Render ``notebook_path`` to ``html_path`` with the offline report template.

    ``banner`` may carry title, cycle, executed_at, status, fingerprint, index_href and
    headline (a list of (label, value) pairs).
    """
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(notebook_path), as_version=4)
    _strip_live_outputs(nb)
    if banner and banner.get("title"):
        _drop_first_title(nb)
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(template_dir())],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    resources = {"workbench": dict(banner or {}), "metadata": {"name": Path(notebook_path).stem}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    html_path = Path(html_path)
    html_path.write_text(body, encoding="utf-8")
    return html_path
