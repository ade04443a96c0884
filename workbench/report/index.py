"""Index pages: one per cycle (each notebook's headline and links) and one listing all cycles."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

_CSS = """
body { font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; max-width: 1100px;
       margin: 1.5rem auto; padding: 0 1.5rem; color: #222; line-height: 1.45; }
h1 { color: #1f4e79; margin-bottom: 0.2rem; }
.meta { color: #555; font-size: 0.9rem; margin: 0.15rem 0; }
code { font-size: 0.85rem; }
section.nb { border: 1px solid #d0d7de; border-left: 6px solid #2e7d32; border-radius: 4px;
             padding: 0.6rem 1rem; margin: 1rem 0; break-inside: avoid; }
section.nb.failed { border-left-color: #a4000f; }
section.nb.skipped { border-left-color: #9e9e9e; }
section.nb h2 { font-size: 1.15rem; margin: 0.2rem 0 0.4rem; }
.status { font-weight: bold; text-transform: uppercase; font-size: 0.8rem; padding: 0.1rem 0.4rem;
          border-radius: 3px; color: white; background: #2e7d32; margin-left: 0.5rem; }
.failed .status { background: #a4000f; }
.skipped .status { background: #9e9e9e; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 0.3rem 0; }
th, td { text-align: left; padding: 0.2rem 0.9rem 0.2rem 0; border-bottom: 1px solid #e5e5e5; vertical-align: top; }
.error { background: #fff3f3; border: 1px solid #f3c1c1; padding: 0.4rem 0.6rem; white-space: pre-wrap;
         font-family: monospace; font-size: 0.85rem; }
.links a { margin-right: 1rem; }
@media print { .links { display: none; } section.nb { border-left-width: 3px; } }
"""


def format_value(value: Any) -> str:
    """A headline figure as a reviewer reads it: 257,500 not 2.575e+05; 0.7229; 5.07e-16."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value).lower()
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    return str(value)


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head>\n<body>\n{body}\n</body></html>\n")


def cycle_index_html(manifest: dict[str, Any]) -> str:
    cycle = manifest["cycle"]
    parts = [f"<p class=\"links\"><a href=\"../index.html\">&larr; all cycles</a></p>",
             f"<h1>{escape(manifest.get('title') or cycle)}</h1>"]
    if manifest.get("description"):
        parts.append(f"<p>{escape(manifest['description'])}</p>")
    git = manifest.get("git") or {}
    commit = (git.get("commit") or "unknown")[:12] + (" (uncommitted changes)" if git.get("dirty") else "")
    parts.append(
        f"<p class=\"meta\">Cycle <strong>{escape(cycle)}</strong> &middot; executed {escape(manifest['created_at'])}"
        f" &middot; status <strong>{escape(manifest['status'])}</strong> &middot; {manifest['wall_seconds']:.0f} s</p>"
        f"<p class=\"meta\">Data fingerprint <code>{escape(manifest['fingerprint'])}</code> over "
        f"{len(manifest.get('inputs', {}))} input files &middot; code <code>{escape(commit)}</code> &middot; "
        f"<a href=\"manifest.json\">manifest.json</a> (parameters, input hashes, package versions)</p>")
    for nb in manifest["notebooks"]:
        name, status = nb["name"], nb["status"]
        summary = nb.get("summary") or {}
        title = nb.get("title") or summary.get("title") or name
        links = []
        if status != "skipped":
            links.append(f"<a href=\"{escape(name)}/{escape(name)}.html\">report</a>")
            links.append(f"<a href=\"{escape(name)}/{escape(name)}.ipynb\">executed notebook</a>")
        for table in summary.get("tables", []):
            links.append(f"<a href=\"{escape(name)}/{escape(table)}\">{escape(table)}</a>")
        rows = "".join(
            f"<tr><th>{escape(str(k))}</th><td>{escape(format_value(v))}</td></tr>"
            for k, v in summary.items() if k not in ("notebook", "tables", "title")
        )
        error = ""
        if nb.get("error"):
            err = nb["error"]
            cell = f"cell {err['cell']}: " if err.get("cell") else ""
            error = f"<div class=\"error\">{escape(cell)}{escape(str(err.get('ename')))}: {escape(str(err.get('evalue')))}</div>"
        parts.append(
            f"<section class=\"nb {escape(status)}\"><h2>{escape(title)}<span class=\"status\">{escape(status)}</span></h2>"
            f"<p class=\"meta\">{escape(name)} &middot; {nb.get('seconds', 0):.1f} s</p>"
            f"{error}{'<table>' + rows + '</table>' if rows else ''}"
            f"<p class=\"links\">{' '.join(links)}</p></section>")
    return _page(f"{manifest.get('title') or cycle}: cycle index", "\n".join(parts))


def write_cycle_index(cycle_dir: Path, manifest: dict[str, Any]) -> Path:
    path = Path(cycle_dir) / "index.html"
    path.write_text(cycle_index_html(manifest), encoding="utf-8")
    return path


def runs_index_html(runs_dir: Path) -> str:
    rows = []
    for manifest_file in sorted(Path(runs_dir).glob("*/manifest.json")):
        if manifest_file.parent.name.startswith("."):
            continue
        try:
            manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        cycle = manifest_file.parent.name
        counts: dict[str, int] = {}
        for nb in manifest.get("notebooks", []):
            counts[nb["status"]] = counts.get(nb["status"], 0) + 1
        rows.append((manifest.get("created_at", ""), cycle, manifest, counts))
    rows.sort(key=lambda r: r[0], reverse=True)
    body = ["<h1>Cycles</h1>",
            "<p class=\"meta\">Every run of the notebook suite, newest first. Each cycle folder is "
            "self-contained: reports, result tables and a manifest of what was run on which data.</p>",
            "<table><tr><th>cycle</th><th>title</th><th>executed</th><th>status</th><th>notebooks</th>"
            "<th>data fingerprint</th></tr>"]
    for created, cycle, manifest, counts in rows:
        status = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        body.append(
            f"<tr><td><a href=\"{escape(cycle)}/index.html\">{escape(cycle)}</a></td>"
            f"<td>{escape(manifest.get('title', ''))}</td><td>{escape(created)}</td>"
            f"<td>{escape(manifest.get('status', ''))}</td><td>{escape(status)}</td>"
            f"<td><code>{escape(manifest.get('fingerprint', ''))}</code></td></tr>")
    body.append("</table>")
    return _page("churn-workbench cycles", "\n".join(body))


def write_runs_index(runs_dir: Path) -> Path:
    path = Path(runs_dir) / "index.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(runs_index_html(runs_dir), encoding="utf-8")
    tmp.replace(path)
    return path
