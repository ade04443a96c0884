"""Altair output that renders with no network: charts become inline SVG.

Stock altair output needs vega, vega-lite and vega-embed from a CDN, so charts are blank in
an HTML report opened offline. :func:`enable_offline_charts` registers a renderer that
turns each chart into an SVG with ``vl-convert`` (which bundles vega) inside the notebook
output itself: the executed notebook, the HTML report, Voila and a printout all show the
same picture, and the report carries no scripts.
"""

from __future__ import annotations

import html

import altair as alt

RENDERER = "workbench_svg"


def chart_to_svg(chart: alt.TopLevelMixin, *, validate: bool = True) -> str:
    """Render an altair chart to an SVG string, offline.

    ``validate=False`` skips altair's schema validation (30-60 ms a chart): for specs the
    workbench built itself and redraws often, such as the dashboard's charts on a slider change.
    """
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict(validate=validate))


def svg_bundle(spec: dict, **_: object) -> dict:
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec)
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    label = html.escape(str(title or "chart"))
    return {
        "text/html": f'<figure class="wb-chart" role="img" aria-label="{label}">{svg}</figure>',
        "text/plain": f"<chart: {label}>",
    }


def enable_offline_charts() -> None:
    """Register and activate the offline SVG renderer; lift the 5,000-row guard only knowingly."""
    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, svg_bundle)
    alt.renderers.enable(RENDERER)
