"""The web map's legend: an HTML Leaflet control listing every style, and the data attribution.

No d3/branca colormap, so nothing is fetched from a CDN.
"""

from __future__ import annotations

import html

import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from ..i18n import category_labels, t
from ..orientation import badge_html
from ..pointlayer import _swatch
from ..style import FALLBACK_COLOR, METRO_COLOR, district_name
from .popup import PAGE_CSS
from .styles import AXIS_STYLE, CORE_STYLE, NODE_STYLE, PART_STYLE, ZONE_STYLE

__all__ = ["Legend", "legend_html"]


class Legend(MacroElement):
    """An HTML legend as a Leaflet control (bottom right), plus the map's data attribution.

    Parameters
    ----------
    html_text : str
        Inner HTML of the legend box.
    attribution : str, optional
        Added to Leaflet's attribution control.

    Examples
    --------
    >>> import folium
    >>> m = folium.Map(tiles=None)
    >>> _ = Legend("<b>key</b>", attribution="gzgeo").add_to(m)
    >>> "gzgeo-legend" in m.get_root().render()
    True
    """

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>{{ this.page_css }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "gzgeo-legend");
                div.innerHTML = {{ this.html_text|tojson }};
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
            {%- if this.attribution %}
            {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution|tojson }});
            {%- endif %}
        })();
        {% endmacro %}
    """)

    def __init__(self, html_text: str, attribution: str = ""):
        super().__init__()
        self._name = "Legend"
        self.html_text = html_text
        self.attribution = attribution
        self.page_css = PAGE_CSS


def legend_html(
    platforms: gpd.GeoDataFrame, lang: str, colors: dict[str, str], badges: pd.DataFrame | None = None
) -> str:
    """Inner HTML of the legend: platform categories with counts, exact/estimated, fixed layers, badges.

    Every style is listed, not only the visible layers: any layer may be switched on in the control.
    Every text is HTML-escaped.

    Examples
    --------
    >>> import gzgeo
    >>> text = legend_html(gzgeo.load("platforms"), "en", {"national_lab": "#b2182b", "x": "#000000"})
    >>> "National laboratory" in text, "#b2182b" in text, "#000000" in text  # a category with no platform: left out
    (True, True, False)
    """
    cat_labels = category_labels(lang)
    counted = platforms["category"].astype(str).value_counts() if "category" in platforms else pd.Series(dtype=int)
    # A dict in value_counts' order (largest first): looked up once per colour, not through the pandas index.
    counts = dict(zip(counted.index.tolist(), counted.to_numpy().tolist(), strict=True))
    parts = [f"<h4>{html.escape(t('legend', lang))}</h4>"]
    for cat, color in colors.items():
        if cat in counts:
            parts.append(
                f"<div>{_swatch(color)}{html.escape(cat_labels.get(cat, cat))} "
                f"<span style='color:#666'>({int(counts[cat])})</span></div>"
            )
    for cat, n in counts.items():
        if cat not in colors:
            parts.append(f"<div>{_swatch(FALLBACK_COLOR)}{html.escape(cat)} ({int(n)})</div>")
    parts.append(f"<div>{_swatch('#555')}{html.escape(t('legend_exact', lang))}</div>")
    parts.append(f"<div>{_swatch('#555', estimate=True)}{html.escape(t('legend_estimate', lang))}</div>")
    styles = [
        (ZONE_STYLE, "layer_zones"),
        (PART_STYLE, "layer_parts"),
        (CORE_STYLE, "layer_cores"),
        (NODE_STYLE, "layer_nodes"),
    ]
    parts.append("<hr style='margin:4px 0'>")
    for style, label in styles:
        border = "dashed" if style.get("dashArray") else "solid"
        parts.append(
            f"<div><span class='sw' style='border:2px {border} {style['color']};"
            f"background:{style['color']}22'></span>{html.escape(t(label, lang))}</div>"
        )
    parts.append(
        f"<div><span class='sw' style='height:4px;background:{AXIS_STYLE['color']}'></span>"
        f"{html.escape(t('layer_axis', lang))}</div>"
    )
    parts.append(
        f"<div><span class='sw' style='height:2px;background:{METRO_COLOR}'></span>"
        f"{html.escape(t('layer_metro', lang))}</div>"
    )
    if badges is not None and len(badges):
        listed = "、".join(
            f"{html.escape(district_name(d, lang))} {int(n)}"
            for d, n in zip(badges["district"], badges["n"], strict=True)
        )
        parts.append(
            f"<div>{badge_html(int(badges['n'].sum()))} {html.escape(t('legend_district_badge', lang))}"
            f"<br><span style='color:#666'>{listed}</span></div>"
        )
    return "".join(parts)
