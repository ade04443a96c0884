"""Interactive vendor comparison for CS leads (ipywidgets; served code-free with Voila).

Sliders set the criterion weights, a dropdown picks the method, a multi-select filters vendors; the
ranking, the weighted-contribution chart, the criterion heatmap and the rank-acceptability chart are
re-rendered on every change. Charts are SVG strings inside ``ipywidgets.HTML`` rather than altair output
inside ``Output`` widgets (which can stall headless execution): the two bar charts redrawn on every change
are built directly as SVG (``charts.contributions_svg``, ``charts.acceptability_svg``; vl-convert would take
0.15-0.25 s for each), the heatmap is rendered with vl-convert (``chart_to_svg``) once per vendor selection.
No scripts, no network. All vendor text is HTML-escaped.
"""

from __future__ import annotations

import html
import os
import time
from pathlib import Path
from typing import Mapping

import pandas as pd

from ..report.charts import chart_to_svg
from . import charts, panels
from .loading import Evaluations, load_evaluations, load_rubric
from .methods import rank_vendors, smaa, weighted_contributions
from .scoring import score_vendors

METHODS = {"Weighted sum": "weighted_sum", "TOPSIS": "topsis"}


def find_path(path: str | os.PathLike, *, start: Path | None = None) -> Path:
    """Resolve a relative path against the working folder or the nearest parent that has it.

    Voila runs a notebook with its own folder as the working folder; the dashboard lives in
    ``notebooks/dashboards/`` while the data paths are relative to the project root.
    """
    p = Path(path)
    if p.is_absolute():
        return p
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / p).exists():
            return folder / p
    return here / p


class VendorDashboard:
    """Widget state and re-rendering. ``widget`` is the top-level box to display."""

    def __init__(self, evaluations: Evaluations, *, weights: Mapping[str, float] | None = None,
                 smaa_samples: int = 2_000, concentration: float = 50.0, seed: int = 0,
                 background_charts: bool = False):
        import ipywidgets as w
        from concurrent.futures import ThreadPoolExecutor

        self.evaluations = evaluations
        self.rubric = evaluations.rubric
        self.smaa_samples = smaa_samples
        self.concentration = concentration
        self.seed = seed
        base = score_vendors(evaluations, weights)
        self.base = base
        self.eligible = base.eligible
        self.low, self.high = base.low, base.high
        self.cost = base.cost_criteria
        names = self.rubric.names()
        self.sliders = {
            c: w.FloatSlider(value=round(float(base.weights[c]), 2), min=0.0, max=1.0, step=0.01,
                             description=names.get(c, c), continuous_update=False, readout_format=".2f",
                             style={"description_width": "200px"}, layout=w.Layout(width="540px"))
            for c in self.rubric.all_ids
        }
        for c, s in self.sliders.items():
            s.add_class(f"wb-weight-{c}")
        self.method = w.Dropdown(options=list(METHODS), value="Weighted sum", description="Method")
        self.method.add_class("wb-method")
        vendors = list(self.eligible.index)
        self.vendor_filter = w.SelectMultiple(options=vendors, value=tuple(vendors), description="Vendors",
                                              rows=min(8, max(3, len(vendors))))
        self.vendor_filter.add_class("wb-vendor-filter")
        self.status = w.HTML()
        self.ranking = w.HTML()
        self.ranking.add_class("wb-ranking")
        self.contrib_svg = w.HTML()
        self.heatmap_svg = w.HTML()
        self.accept_svg = w.HTML()
        knocked = base.scores[base.scores["knocked_out"]]
        ko_text = "".join(f"<li>{html.escape(str(r.vendor))}: {html.escape(str(r.knockout_reason))}</li>"
                          for r in knocked.itertuples())
        self.knocked = w.HTML(f"<p><strong>Knocked out (must-have not met):</strong></p><ul>{ko_text}</ul>"
                              if ko_text else "")
        self._heatmap_cache: dict[tuple, str] = {}
        self._generation = 0
        self._pending = None
        # The two bar charts redrawn on every change are hand-built SVG (a few ms; vl-convert needs
        # 0.15-0.25 s for each, measuring every label). The heatmap is drawn with vl-convert once per
        # vendor selection and cached. On a worker thread the ranking answers a slider at once and
        # the charts follow (ipywidgets supports updates from threads).
        self._criterion_labels = {c: names.get(c, c) for c in self.rubric.all_ids}
        self._executor = ThreadPoolExecutor(max_workers=1) if background_charts else None
        self.last_render_seconds = 0.0
        self.last_ranking_seconds = 0.0
        for s in self.sliders.values():
            s.observe(self._on_change, names="value")
        self.method.observe(self._on_change, names="value")
        self.vendor_filter.observe(self._on_change, names="value")
        controls = w.VBox([w.HTML("<h3>Weights</h3>"), *self.sliders.values(), self.method, self.vendor_filter,
                           self.knocked], layout=w.Layout(min_width="600px"))
        results = w.VBox([w.HTML("<h3>Ranking</h3>"), self.status, self.ranking, self.contrib_svg,
                          self.accept_svg, self.heatmap_svg])
        self.widget = w.HBox([controls, results])
        self.widget.add_class("wb-vendor-dashboard")
        self.render()

    # -------------------------------------------------------------------------------------
    def current_weights(self) -> pd.Series:
        return pd.Series({c: float(s.value) for c, s in self.sliders.items()})

    def _on_change(self, _change=None) -> None:
        self.render()

    def ranking_table(self) -> pd.DataFrame | None:
        """The current ranking (vendor, score, rank) or None when the selection cannot be ranked."""
        weights = self.current_weights()
        vendors = list(self.vendor_filter.value)
        if weights.sum() <= 0 or not vendors:
            return None
        out = rank_vendors(self.eligible.loc[vendors], weights, method=METHODS[self.method.value],
                           cost_criteria=self.cost)
        return out.reset_index().rename(columns={"index": "vendor"})

    def render(self) -> None:
        """Update the ranking now; re-draw the charts now or, with ``background_charts``, on a worker thread."""
        started = time.perf_counter()
        self._generation += 1
        weights = self.current_weights()
        vendors = list(self.vendor_filter.value)
        if weights.sum() <= 0:
            self.status.value = "<p><strong>All weights are zero:</strong> give at least one criterion a weight.</p>"
            self.ranking.value = ""
            return
        if not vendors:
            self.status.value = "<p><strong>No vendor selected.</strong></p>"
            self.ranking.value = ""
            return
        table = self.ranking_table()
        norm = weights / weights.sum()
        leader = table.sort_values("rank")["vendor"].iloc[0]
        self.status.value = (f"<p>Leader: <strong>{html.escape(str(leader))}</strong> "
                             f"({html.escape(self.method.value)}). Weights used: "
                             + ", ".join(f"{html.escape(c)} {v:.2f}" for c, v in norm.items()) + "</p>")
        self.ranking.value = panels.ranking_html(table)
        self.last_ranking_seconds = time.perf_counter() - started
        if self._executor is None:
            self._render_charts(self._generation, weights, vendors, started)
        else:
            self._pending = self._executor.submit(self._render_charts, self._generation, weights, vendors, started)

    def wait_for_charts(self, timeout: float | None = 30.0) -> None:
        """Block until the charts of the latest change are drawn (for scripts and tests)."""
        if self._pending is not None:
            self._pending.result(timeout=timeout)

    def _render_charts(self, generation: int, weights: pd.Series, vendors: list[str], started: float) -> None:
        def stale() -> bool:
            return generation != self._generation  # a newer change arrived: skip the outdated drawing

        matrix = self.eligible.loc[vendors]
        contrib = weighted_contributions(matrix, weights, cost_criteria=self.cost)
        svg = charts.contributions_svg(contrib, labels=self._criterion_labels)
        if stale():
            return
        self.contrib_svg.value = svg
        if len(vendors) > 1:
            acc = smaa(matrix, weights, cost_criteria=self.cost, n_samples=self.smaa_samples, seed=self.seed,
                       concentration=self.concentration, low=self.low.loc[vendors], high=self.high.loc[vendors])
            svg = charts.acceptability_svg(
                acc, title=f"Rank acceptability (SMAA, {self.smaa_samples:,} draws around these weights)")
        else:
            svg = ""
        if stale():
            return
        self.accept_svg.value = svg
        key = tuple(vendors)
        if key not in self._heatmap_cache:
            self._heatmap_cache[key] = chart_to_svg(charts.heatmap_chart(
                self.base.matrix.loc[vendors].drop(columns=[self.rubric.cost.id])), validate=False)
        if stale():
            return
        self.heatmap_svg.value = self._heatmap_cache[key]
        self.last_render_seconds = time.perf_counter() - started


def build_dashboard(evaluations: Evaluations, **options) -> "VendorDashboard":
    """Build the interactive comparison for loaded evaluations; display ``.widget``."""
    return VendorDashboard(evaluations, **options)


def dashboard_from_paths(vendor_evals_dir: str = "vendor_evals", rubric_path: str = "templates/rubric.yaml",
                         *, background_charts: bool = True, **options):
    """Load the rubric and evaluations (paths relative to the project root) and return the dashboard widget.

    Charts are drawn on a worker thread by default, so the ranking follows a slider immediately.
    """
    rubric = load_rubric(find_path(rubric_path))
    evaluations = load_evaluations(find_path(vendor_evals_dir), rubric)
    dashboard = build_dashboard(evaluations, background_charts=background_charts, **options)
    dashboard.wait_for_charts()
    return dashboard.widget
