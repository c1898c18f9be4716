"""The plan timeline on the interactive map: what each plan named, in status symbology, and what changed.

:func:`plan_stage_layer` draws the platforms one stage of
:data:`gzgeo.plans.PLAN_STAGES` names, one ``CircleMarker`` each (a plan names
at most about 100 platforms, so no clustering is needed), coloured by the
status class the plan's wording gives (:data:`STATUS_STYLES`). A platform
known only to its zone or district keeps the dashed outline it has on the
main map: the plan says *that* it exists, not *where*. Every popup lists the
platform's whole plan history (document, year, clause, phrase as printed,
quote), so a planner sees how its wording moved. :func:`plan_changes_layer`
rings the platforms that changed between two plans and :func:`add_plan_legend`
explains the symbols and the framework renames ("1+1+4+4+N" → "2+2+N").

Every string from the data is escaped with :func:`html.escape` before it
becomes HTML; platform ids become CSS class names only when they match
``[a-z0-9-]+``. Coordinates are WGS-84, shifted to GCJ-02 over an AMap basemap
like every other overlay.

Examples
--------
>>> group = plan_stage_layer("2021-04")
>>> n = sum(1 for c in group._children.values() if "gzgeo-plan " in c.options.get("className", ""))
>>> n == len(plan_snapshot("2021-04"))
True
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from .basemaps import overlay_datum
from .crs import convert
from .i18n import DEFAULT_LANGUAGE, normalise_language, t, value_label
from .layers import load
from .plans import PLAN_STAGES, PlanStage, _mentions, plan_changes, plan_history, plan_snapshot

__all__ = [
    "CHANGE_STYLES",
    "CURRENT",
    "PLAN_MARKERS_JS",
    "STATUS_STYLES",
    "StatusStyle",
    "add_plan_legend",
    "add_plan_overlays",
    "framework_renames",
    "plan_changes_layer",
    "plan_history_html",
    "plan_stage_label",
    "plan_stage_layer",
]

#: Timeline value meaning "no plan: the project's checked current data" (the app's default).
CURRENT = "current"


@dataclass(frozen=True)
class StatusStyle:
    """Symbol of one status class.

    Colour, fill opacity (hollow → solid as a platform advances), stroke weight in pixels and radius in pixels.
    """

    color: str
    fill_opacity: float
    weight: float
    radius: float


#: Status class of a plan's wording -> symbol. Planned is nearly hollow, building half filled, operating solid;
#: upgrading is solid with a heavy ring; a bare mention (``named``) is small and grey.
STATUS_STYLES: dict[str, StatusStyle] = {
    "planned": StatusStyle("#2c7bb6", 0.15, 2.0, 7.0),
    "building": StatusStyle("#e08214", 0.55, 2.0, 7.5),
    "operating": StatusStyle("#1a9850", 0.9, 2.0, 8.0),
    "upgrading": StatusStyle("#762a83", 0.9, 4.0, 9.0),
    "named": StatusStyle("#7f7f7f", 0.5, 1.5, 5.5),
    "target": StatusStyle("#b2182b", 0.1, 2.0, 7.0),
}
#: ``plan_changes`` kind -> ring colour (the ring of a platform no longer named is dashed).
CHANGE_STYLES: dict[str, str] = {"added": "#1a9850", "status_changed": "#e08214", "no_longer_named": "#525252"}

#: JavaScript for ``frame.evaluate``: sorted ids of the plan markers on the app's map (``[]`` when none), or
#: ``null`` before Leaflet and the map exist. Canvas-drawn markers have no DOM node, so it reads their options.
PLAN_MARKERS_JS = """() => {
    if (!window.map || !window.L) return null;
    const ids = [];
    window.map.eachLayer(l => {
        const c = (l.options && l.options.className) || "";
        const m = c.match(/(?:^| )gzgeo-plan-id-([a-z0-9-]+)/);
        if (c.split(" ").includes("gzgeo-plan") && m) ids.push(m[1]);
    });
    return ids.sort();
}"""

_SAFE_ID = re.compile(r"^[a-z0-9-]+$")


def _stage(stage: str | PlanStage) -> PlanStage:
    if isinstance(stage, PlanStage):
        return stage
    for candidate in PLAN_STAGES:
        if candidate.key == str(stage):
            return candidate
    raise ValueError(f"unknown plan stage {stage!r}; expected one of {', '.join(s.key for s in PLAN_STAGES)}")


def plan_stage_label(stage: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Label of a timeline value (a :data:`~gzgeo.plans.PLAN_STAGES` key or :data:`CURRENT`).

    Examples
    --------
    >>> plan_stage_label("2022", "en"), plan_stage_label("current", "zh")
    ('2022 Guangzhou 14th FYP', '当前数据')
    """
    if stage == CURRENT:
        return t("plan_current", lang)
    found = _stage(stage)
    return found.label_en if normalise_language(lang) == "en" else found.label_zh


def _points(frame: gpd.GeoDataFrame, datum: str) -> list[tuple[float, float]]:
    lon, lat = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    if datum != "wgs84" and len(frame):
        lon, lat = convert(lon, lat, "wgs84", datum)
    return [(float(y), float(x)) for x, y in zip(lon, lat, strict=True)]


def _located_points(platforms: gpd.GeoDataFrame | None, ids: pd.Index) -> gpd.GeoDataFrame:
    """The platforms among ``ids`` that have a point (estimates included: they are drawn dashed)."""
    frame = load("platforms") if platforms is None else platforms
    frame = frame[frame["id"].isin(ids)]
    return frame[frame.geometry.notna() & ~frame.geometry.is_empty]


def _class_name(kind: str, platform_id: str, extra: str) -> str:
    """CSS classes of a marker; data values become class names only when they are plain slugs."""
    safe_extra = f" {kind}-{extra}" if _SAFE_ID.match(extra.replace("_", "-")) else ""
    safe_id = f" gzgeo-plan-id-{platform_id}" if _SAFE_ID.match(platform_id) else ""
    return f"{kind}{safe_extra}{safe_id}"


def _history_table() -> pd.DataFrame:
    table = _mentions()
    return table.sort_values(["platform_id", "order", "looking_back", "clause"], ascending=[True, True, False, True])


def plan_history_html(platform_id: str, history: pd.DataFrame | None = None, lang: str = DEFAULT_LANGUAGE) -> str:
    """An HTML table of one platform's plan history (escaped), for popups.

    Parameters
    ----------
    platform_id : str
        A platform ``id``.
    history : DataFrame, optional
        Its rows of ``plan_mentions`` (as :func:`gzgeo.plan_history` returns them); read when omitted.
    lang : {"zh", "en"}

    Examples
    --------
    >>> text = plan_history_html("guangzhou-laboratory", lang="en")
    >>> "挂牌运行" in text and "looking back" in text and "<script" not in text
    True
    """
    if history is None:
        history = plan_history(platform_id)
    if history.empty:
        return f"<div class='gzgeo-plan-history'><i>{html.escape(t('plan_never_named', lang))}</i></div>"
    head = "".join(f"<th>{html.escape(t(k, lang))}</th>" for k in ("plan_year", "plan_clause", "plan_phrase"))
    rows = []
    for row in history.itertuples(index=False):
        phrase = row.status_phrase or "—"
        status = value_label("plan_status", row.status_class, lang)
        back = f" <i>({html.escape(t('plan_looking_back', lang))})</i>" if row.looking_back else ""
        rows.append(
            f"<tr><td>{html.escape(str(row.year))} · {html.escape(str(row.document))}</td>"
            f"<td>{html.escape(str(row.clause))}</td>"
            f"<td><b>{html.escape(str(phrase))}</b> ({html.escape(status)}){back}<br>"
            f"<span style='color:#555'>“{html.escape(str(row.quote))}”</span></td></tr>"
        )
    return (
        f"<div class='gzgeo-plan-history'><b>{html.escape(t('plan_history', lang))}</b>"
        f"<table><tr>{head}</tr>{''.join(rows)}</table></div>"
    )


class _Bind(MacroElement):
    """Tooltip and popup of a vector layer, passed to Leaflet as JSON strings.

    folium's ``Popup`` and ``Tooltip`` put their HTML in a JavaScript template literal (a ``${...}`` in the data
    would run) and the popup needs jQuery, which gzgeo's maps do not load. The HTML given here is escaped by
    the caller; ``tojson`` makes it a safe string inside the ``<script>``.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindTooltip({{ this.tooltip|tojson }}, {sticky: true});
        {%- if this.popup %}
        {{ this._parent.get_name() }}.bindPopup({{ this.popup|tojson }}, {maxWidth: {{ this.max_width|int }}});
        {%- endif %}
        {% endmacro %}
    """)

    def __init__(self, tooltip: str, popup: str = "", max_width: int = 460):
        super().__init__()
        self._name = "Bind"
        self.tooltip, self.popup, self.max_width = tooltip, popup, max_width


def _popup(row: pd.Series, history: pd.DataFrame, stage_line: str, lang: str) -> str:
    name_en = f"<br><i>{html.escape(str(row.get('name_en', '')))}</i>" if row.get("name_en") else ""
    current = value_label("status", row.get("status", ""), lang)
    estimate = (
        f"<br><span class='gzgeo-estimate'>{html.escape(t('legend_estimate', lang))}</span>"
        if bool(row.get("location_is_estimate", False))
        else ""
    )
    text = (
        f"<div class='gzgeo-popup'><b>{html.escape(str(row['name_zh']))}</b>{name_en}<br>{stage_line}"
        f"<br>{html.escape(t('plan_checked_status', lang))}: {html.escape(current)}{estimate}"
        f"{plan_history_html(str(row['id']), history, lang)}</div>"
    )
    return text


def plan_stage_layer(
    stage: str | PlanStage,
    platforms: gpd.GeoDataFrame | None = None,
    lang: str = DEFAULT_LANGUAGE,
    basemap: str = "none",
    tianditu_key: str | None = None,
) -> folium.FeatureGroup:
    """What one plan stage names, as circle markers styled by the plan's status class.

    Parameters
    ----------
    stage : str or PlanStage
        A :data:`gzgeo.plans.PLAN_STAGES` key (``"2018"``, ``"2021-04"``, ``"2021-12"``, ``"2022"``, ``"2025"``).
    platforms : GeoDataFrame, optional
        WGS-84 platforms to draw from (e.g. the app's filtered selection); all by default. Only those the
        stage names are drawn.
    lang : {"zh", "en"}
    basemap, tianditu_key : str
        Over a GCJ-02 basemap with tiles the markers are shifted to GCJ-02.

    Returns
    -------
    folium.FeatureGroup
        One ``CircleMarker`` per named platform with class ``gzgeo-plan gzgeo-plan-<status class>
        gzgeo-plan-id-<id>``; tooltip: name and phrase; popup: the full history.

    Examples
    --------
    >>> group = plan_stage_layer("2022", lang="en")
    >>> group.layer_name
    'Plan: 2022 Guangzhou 14th FYP'
    """
    found = _stage(stage)
    lang = normalise_language(lang)
    snapshot = plan_snapshot(found)
    frame = _located_points(platforms, snapshot.index)
    group = folium.FeatureGroup(name=f"{t('plan_layer', lang)}: {plan_stage_label(found.key, lang)}")
    histories = _history_table()
    by_platform = {pid: rows for pid, rows in histories.groupby("platform_id")}
    columns = ["document", "policy_id", "year", "clause", "status_phrase", "status_class", "quote", "looking_back"]
    points = _points(frame, overlay_datum(basemap, tianditu_key))
    for (lat, lon), (_, row) in zip(points, frame.iterrows(), strict=True):
        pid = str(row["id"])
        status = snapshot.loc[pid]
        style = STATUS_STYLES.get(status["status_class"], STATUS_STYLES["named"])
        estimate = bool(row.get("location_is_estimate", False))
        label = value_label("plan_status", status["status_class"], lang)
        phrase = status["status_phrase"] or "—"
        stage_line = (
            f"{html.escape(plan_stage_label(found.key, lang))}: <b>{html.escape(str(phrase))}</b> "
            f"({html.escape(label)}, {html.escape(str(status['clause']))})"
        )
        history = by_platform.get(pid, histories.iloc[:0])[columns]
        marker = folium.CircleMarker(
            (lat, lon),
            radius=style.radius,
            color=style.color,
            weight=style.weight,
            fill=True,
            fill_color=style.color,
            fill_opacity=style.fill_opacity,
            dash_array="4 3" if estimate else None,
            class_name=_class_name("gzgeo-plan", pid, status["status_class"]),
        )
        marker.add_child(
            _Bind(html.escape(f"{row['name_zh']} · {phrase} ({label})"), _popup(row, history, stage_line, lang))
        )
        marker.add_to(group)
    return group


def plan_changes_layer(
    doc_a: str,
    doc_b: str,
    platforms: gpd.GeoDataFrame | None = None,
    lang: str = DEFAULT_LANGUAGE,
    basemap: str = "none",
    tianditu_key: str | None = None,
    changes: pd.DataFrame | None = None,
) -> folium.FeatureGroup:
    """Rings around the platforms that changed between two plans (:func:`gzgeo.plan_changes`).

    Added: green ring; status changed: orange ring; no longer named: dashed dark-grey ring (for a press
    report, weak evidence of a drop). Class names ``gzgeo-change gzgeo-change-<kind> gzgeo-plan-id-<id>``.

    Examples
    --------
    >>> group = plan_changes_layer("000", "002")
    >>> kinds = [c.options["className"].split()[1] for c in group._children.values()]
    >>> kinds.count("gzgeo-change-status_changed")
    6
    """
    lang = normalise_language(lang)
    changes = plan_changes(doc_a, doc_b) if changes is None else changes
    frame = _located_points(platforms, pd.Index(changes["platform_id"]))
    kinds = changes.set_index("platform_id")
    group = folium.FeatureGroup(name=t("plan_changes_layer", lang))
    points = _points(frame, overlay_datum(basemap, tianditu_key))
    for (lat, lon), (_, row) in zip(points, frame.iterrows(), strict=True):
        pid = str(row["id"])
        change = kinds.loc[pid]
        kind = str(change["change"])
        arrow = f"{change['phrase_a'] or change['status_a'] or '∅'} → {change['phrase_b'] or change['status_b'] or '∅'}"
        ring = folium.CircleMarker(
            (lat, lon),
            radius=13,
            color=CHANGE_STYLES.get(kind, "#000000"),
            weight=3,
            fill=False,
            dash_array="6 4" if kind == "no_longer_named" else None,
            class_name=_class_name("gzgeo-change", pid, kind),
        )
        ring.add_child(_Bind(html.escape(f"{row['name_zh']} · {value_label('plan_change', kind, lang)}: {arrow}")))
        ring.add_to(group)
    return group


def framework_renames(lang: str = DEFAULT_LANGUAGE) -> list[tuple[str, list[tuple[str, str]]]]:
    """The numbered platform frameworks by scope and date: ``[(scope label, [(pattern, date), ...]), ...]``.

    Read from ``data/frameworks.csv`` (names such as “1+1+4+4+N”战略创新平台体系) and dated by their source
    document in ``data/policies.csv``.

    Examples
    --------
    >>> dict(framework_renames("en"))["Guangzhou"]
    [('“1+1+4+4+N”', '2021-04'), ('“2+2+N”', '2022-02')]
    """
    frameworks, policies = load("frameworks"), load("policies")
    dates = dict(zip(policies["source_file"], policies["date"].astype(str), strict=True))
    scopes: dict[str, list[tuple[str, str]]] = {}
    for row in frameworks.itertuples(index=False):
        match = re.search(r"“([0-9N]+(?:\+[0-9N]+)+)”", str(row.name_zh))
        if not match:
            continue
        scope = t("plan_scope_huangpu" if str(row.id).startswith("hp-") else "plan_scope_city", lang)
        scopes.setdefault(scope, []).append((f"“{match.group(1)}”", dates.get(row.source_file, "")[:7]))
    return [(scope, sorted(items, key=lambda item: item[1])) for scope, items in scopes.items()]


def _swatch(style: StatusStyle, dashed: bool = False) -> str:
    alpha = format(round(style.fill_opacity * 255), "02x")
    return (
        f"<span style='display:inline-block;width:11px;height:11px;border-radius:50%;"
        f"border:{min(style.weight, 3):g}px {'dashed' if dashed else 'solid'} {style.color};"
        f"background:{style.color}{alpha};margin-right:5px;vertical-align:middle'></span>"
    )


def plan_legend_html(stage: str | None, lang: str = DEFAULT_LANGUAGE, changes: tuple[str, str] | None = None) -> str:
    """HTML of the plan legend: status classes, estimate outline, change rings, framework renames.

    Examples
    --------
    >>> text = plan_legend_html("2022", "en")
    >>> "Operating" in text and "“1+1+4+4+N” (2021-04) → “2+2+N” (2022-02)" in text
    True
    """
    lang = normalise_language(lang)
    parts = [f"<h4>{html.escape(t('plan_legend', lang))}</h4>"]
    if stage and stage != CURRENT:
        parts.append(f"<div><b>{html.escape(plan_stage_label(stage, lang))}</b></div>")
        for key, style in STATUS_STYLES.items():
            parts.append(f"<div>{_swatch(style)}{html.escape(value_label('plan_status', key, lang))}</div>")
        parts.append(
            f"<div>{_swatch(STATUS_STYLES['named'], dashed=True)}{html.escape(t('legend_estimate', lang))}</div>"
        )
    if changes:
        a, b = (html.escape(d) for d in changes)
        parts.append(f"<div style='margin-top:3px'><b>{html.escape(t('plan_changes_layer', lang))} {a} → {b}</b></div>")
        for kind, color in CHANGE_STYLES.items():
            border = "dashed" if kind == "no_longer_named" else "solid"
            parts.append(
                f"<div><span style='display:inline-block;width:11px;height:11px;border-radius:50%;"
                f"border:3px {border} {color};margin-right:5px;vertical-align:middle'></span>"
                f"{html.escape(value_label('plan_change', kind, lang))}</div>"
            )
    parts.append(f"<div style='margin-top:3px'><b>{html.escape(t('plan_frameworks', lang))}</b></div>")
    for scope, items in framework_renames(lang):
        chain = " → ".join(f"{pattern} ({date})" for pattern, date in items)
        parts.append(f"<div>{html.escape(scope)}: {html.escape(chain)}</div>")
    return "".join(parts)


class PlanLegend(MacroElement):
    """A bottom-left Leaflet control holding :func:`plan_legend_html` (apart from the main ``.gzgeo-legend``)."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .gzgeo-plan-legend{background:rgba(255,255,255,.93);padding:6px 9px;border-radius:5px;
            box-shadow:0 0 6px rgba(0,0,0,.3);font:12px/1.45 "Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",
            sans-serif;max-height:45vh;overflow:auto;color:#222}
          .gzgeo-plan-legend h4{margin:2px 0 4px;font-size:13px}
          .gzgeo-plan-history table{border-collapse:collapse;margin-top:3px}
          .gzgeo-plan-history td,.gzgeo-plan-history th{border-top:1px solid #ddd;padding:2px 4px;
            vertical-align:top;text-align:left}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "gzgeo-plan-legend");
                div.innerHTML = {{ this.html_text|tojson }};
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, html_text: str):
        super().__init__()
        self._name = "PlanLegend"
        self.html_text = html_text


def add_plan_legend(
    fmap: folium.Map, stage: str | None, lang: str = DEFAULT_LANGUAGE, changes: tuple[str, str] | None = None
) -> folium.Map:
    """Add the plan legend (:func:`plan_legend_html`) to ``fmap`` and return it."""
    PlanLegend(plan_legend_html(stage, lang, changes)).add_to(fmap)
    return fmap


def add_plan_overlays(
    fmap: folium.Map,
    stage: str | None = None,
    changes: tuple[str, str] | None = None,
    platforms: gpd.GeoDataFrame | None = None,
    lang: str = DEFAULT_LANGUAGE,
    basemap: str = "none",
    tianditu_key: str | None = None,
) -> folium.Map:
    """Add a plan stage, the changes between two plans and the plan legend to a map (e.g. :func:`gzgeo.layout_map`).

    Parameters
    ----------
    fmap : folium.Map
    stage : str, optional
        A :data:`gzgeo.plans.PLAN_STAGES` key; None or :data:`CURRENT` adds no stage layer.
    changes : (str, str), optional
        Earlier and later plan (seed prefixes such as ``("000", "002")``) whose changes are ringed.
    platforms, lang, basemap, tianditu_key
        As in :func:`plan_stage_layer`.

    Returns
    -------
    folium.Map
        ``fmap``, unchanged when neither a stage nor changes are given.

    Examples
    --------
    >>> from gzgeo.maps import layout_map
    >>> m = add_plan_overlays(layout_map(layers=("districts",)), "2021-12", ("003", "002"))
    >>> text = m.get_root().render()
    >>> "gzgeo-plan-legend" in text and "gzgeo-change-added" in text
    True
    """
    staged = bool(stage) and stage != CURRENT
    if staged:
        plan_stage_layer(stage, platforms, lang, basemap, tianditu_key).add_to(fmap)
    if changes:
        plan_changes_layer(*changes, platforms=platforms, lang=lang, basemap=basemap, tianditu_key=tianditu_key).add_to(
            fmap
        )
    if staged or changes:
        add_plan_legend(fmap, stage if staged else None, lang, changes)
        # The layer control's script must run after every layer it lists is defined: move it behind ours.
        for key in [k for k, child in fmap._children.items() if isinstance(child, folium.LayerControl)]:
            fmap._children[key] = fmap._children.pop(key)
    return fmap
