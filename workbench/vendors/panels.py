"""HTML panels for reports and the dashboard. All vendor-supplied text is escaped.

Names, evidence notes and links come from vendor files and evaluators; they are never trusted as
markup: every string goes through :func:`html.escape`, and only ``http(s)`` links become anchors.
"""

from __future__ import annotations

import html
from typing import Iterable

import pandas as pd

from .loading import Evaluations

_STYLE = ("<style>.wb-panel table{border-collapse:collapse;margin:0.4em 0 1em;font-size:0.9em;table-layout:auto}"
          ".wb-panel th,.wb-panel td{border:1px solid #ccc;padding:3px 6px;text-align:left !important;"
          "vertical-align:top;max-width:340px;overflow-wrap:anywhere}"
          ".wb-panel th{background:#f3f3f3}.wb-panel .capped{color:#a33}</style>")


def esc(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


def link_html(url: str) -> str:
    """An anchor for http(s) URLs, escaped text for anything else (e.g. ``javascript:`` or a file path)."""
    url = (url or "").strip()
    if not url:
        return ""
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{esc(url)}" rel="noopener noreferrer" target="_blank">{esc(url)}</a>'
    return esc(url)


def _rating_text(given: float, used: float) -> str:
    if given != given:  # NaN
        return "not assessed"
    if used != given:
        return f'<span class="capped">{int(given)} &rarr; {int(used)} (capped: no evidence)</span>'
    return f"{int(given)}"


def _evidence_cell(note: str, link: str, date: str) -> str:
    parts = [esc(note)] if note else []
    if link:
        parts.append(link_html(link))
    if date:
        parts.append(f"({esc(date)})")
    return "<br>".join(parts) if parts else "<em>no evidence</em>"


def table_html(frame: pd.DataFrame, *, columns: Iterable[str] | None = None, caption: str = "") -> str:
    """A plain escaped HTML table (used inside widgets, where pandas styling is not available)."""
    cols = list(columns or frame.columns)
    head = "".join(f"<th>{esc(c)}</th>" for c in cols)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for c in cols:
            v = row[c]
            cells.append(f"<td>{esc(f'{v:.3f}' if isinstance(v, float) else v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f'<table>{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def evidence_panel_html(evaluations: Evaluations, *, criterion: str = "failure_transparency",
                        vendors: Iterable[str] | None = None) -> str:
    """Per vendor, each sub-criterion of ``criterion`` with every evaluator's rating and evidence, side by side."""
    rubric = evaluations.rubric
    names = rubric.names()
    r = evaluations.ratings[evaluations.ratings["criterion"] == criterion]
    parts = [_STYLE, '<div class="wb-panel">']
    for vendor in (vendors or evaluations.vendor_names):
        part = r[r["vendor"] == vendor]
        if part.empty:
            continue
        evaluators = list(dict.fromkeys(part["evaluator"]))
        parts.append(f"<h4>{esc(vendor)}</h4>")
        head = "".join(f"<th>{esc(e)}</th>" for e in evaluators)
        parts.append(f"<table><thead><tr><th>sub-criterion</th>{head}</tr></thead><tbody>")
        for sub in rubric.sub_criteria_of(criterion):
            rows = part[part["sub_criterion"] == sub.id].set_index("evaluator")
            must = " <strong>(must-have)</strong>" if sub.must_have else ""
            cells = []
            for e in evaluators:
                if e not in rows.index:
                    cells.append("<td></td>")
                    continue
                x = rows.loc[e]
                cells.append(f"<td><strong>{_rating_text(x['rating_given'], x['rating'])}</strong><br>"
                             f"{_evidence_cell(x['evidence_note'], x['evidence_link'], x['evidence_date'])}</td>")
            parts.append(f"<tr><td>{esc(names.get(sub.id, sub.id))}{must}</td>{''.join(cells)}</tr>")
        parts.append("</tbody></table>")
    parts.append("</div>")
    return "".join(parts)


def discuss_html(items: pd.DataFrame, evaluations: Evaluations) -> str:
    """The 'discuss' list: one block per item, the evaluators' ratings and evidence side by side."""
    if items.empty:
        return "<p>No item has evaluators 2 or more points apart.</p>"
    names = evaluations.rubric.names()
    parts = [_STYLE, '<div class="wb-panel"><table><thead><tr><th>vendor</th><th>item</th><th>difference</th>'
             '<th>evaluators: rating and evidence</th></tr></thead><tbody>']
    for (vendor, sub), block in items.groupby(["vendor", "sub_criterion"], sort=False):
        cells = []
        for x in block.itertuples():
            cells.append(f"<div><strong>{esc(x.evaluator)}: {_rating_text(x.rating_given, x.rating)}</strong> "
                         f"&mdash; {_evidence_cell(x.evidence_note, x.evidence_link, x.evidence_date)}</div>")
        parts.append(f"<tr><td>{esc(vendor)}</td><td>{esc(names.get(sub, sub))}</td>"
                     f"<td>{int(block['difference'].iloc[0])}</td><td>{''.join(cells)}</td></tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def ranking_html(scores: pd.DataFrame, *, score_column: str = "score") -> str:
    """Ranking list (rank, vendor, score) with each vendor name escaped; ``id`` hooks for browser tests."""
    rows = []
    for x in scores.sort_values("rank").itertuples():
        rows.append(f'<tr class="wb-rank-row"><td>{int(x.rank)}</td><td class="wb-vendor">{esc(x.vendor)}</td>'
                    f"<td>{getattr(x, score_column):.3f}</td></tr>")
    return (_STYLE + '<div class="wb-panel" id="wb-ranking"><table><thead><tr><th>rank</th><th>vendor</th>'
            f'<th>{esc(score_column)}</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
