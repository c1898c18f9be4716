"""Chinese and English labels for the app, the maps and their popups.

The app speaks 中文 by default and English on request. UI strings live in
:data:`STRINGS`; the labels of data values (categories, levels, statuses,
location precisions) come from the data where the data has them
(``categories.csv`` carries ``name_zh``/``name_en``) and from
:data:`VALUE_LABELS` otherwise. An unknown key falls back to itself, so a new
value in the data shows up raw rather than breaking the app.
"""

from __future__ import annotations

from functools import lru_cache

from .layers import data_home, load

__all__ = [
    "LANGUAGES",
    "DEFAULT_LANGUAGE",
    "STRINGS",
    "VALUE_LABELS",
    "t",
    "value_label",
    "category_labels",
    "normalise_language",
]

LANGUAGES: tuple[str, ...] = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

#: UI strings: key -> (中文, English).
STRINGS: dict[str, tuple[str, str]] = {
    "title": ("广州科技创新空间布局", "Guangzhou science-and-technology innovation layout"),
    "caption": (
        "一区三城 · 黄埔“123”布局 · “1+1+4+4+N”/“1+1+3+N”平台体系 — 空心虚线圆圈表示位置为估计",
        'One zone, three cities · Huangpu "123" layout · "1+1+4+4+N"/"1+1+3+N" platforms — '
        "hollow dashed circles are estimated locations",
    ),
    "language": ("语言 Language", "Language 语言"),
    "filters": ("筛选", "Filters"),
    "category": ("类别", "Category"),
    "level": ("级别", "Level"),
    "status": ("状态", "Status"),
    "district": ("行政区", "District"),
    "zone": ("片区", "Zone"),
    "framework": ("规划体系", "Plan framework"),
    "source": ("来源文件", "Source document"),
    "search": ("搜索名称/别名", "Search names and aliases"),
    "choose": ("请选择", "Choose"),
    "reset": ("清除筛选", "Clear filters"),
    "shown": ("显示平台", "Platforms shown"),
    "of_total": ("共", "of"),
    "layers": ("图层", "Layers"),
    "basemap": ("底图", "Basemap"),
    "tianditu_key": ("天地图密钥 (tk)", "Tianditu key (tk)"),
    "tianditu_key_help": (
        "在 console.tianditu.gov.cn 申请；密钥不会写入网址。",
        "Apply at console.tianditu.gov.cn; the key is never put in the URL.",
    ),
    "datum": ("坐标系", "Datum"),
    "datum_shift_note": (
        "高德底图为 GCJ-02：所有叠加图层已偏移以对齐。",
        "AMap tiles are GCJ-02: every overlay is shifted to line up.",
    ),
    "offline_note": ("无底图：完全离线，不访问互联网。", "No basemap: fully offline, nothing leaves this machine."),
    "online_note": ("在线底图需要互联网。", "Online basemaps need the internet."),
    "synthetic": ("测试：合成平台数量", "Test: synthetic platforms"),
    "synthetic_help": (
        "0 = 使用真实数据。用于压力测试（例如 20000）。",
        "0 = the real data. For stress tests (e.g. 20000).",
    ),
    "synthetic_banner": ("正在显示合成测试数据，而非真实平台。", "Showing synthetic test data, not real platforms."),
    "skipped_rows": (
        "以下数据行因坐标无效（非数字、无穷或超出经纬度范围）被跳过",
        "Rows skipped for invalid coordinates (not a number, infinite or out of range)",
    ),
    "url_ignored": ("链接中的以下参数不存在或不被接受，已忽略", "Ignored link parameters (unknown or not accepted)"),
    "map": ("地图", "Map"),
    "tab_table": ("平台列表", "Platforms"),
    "tab_proximity": ("邻近分析", "Proximity"),
    "tab_clusters": ("聚类", "Clusters"),
    "tab_stats": ("统计", "Statistics"),
    "tab_export": ("导出", "Export"),
    "axis_corridor": ("科创大道走廊", "Innovation-axis corridor"),
    "corridor_m": ("走廊宽度（米，轴线两侧）", "Corridor half-width (m, each side of the axis)"),
    "along_axis": ("沿轴线距离（千米）", "Distance along the axis (km)"),
    "from_axis": ("离轴线距离（米）", "Distance from the axis (m)"),
    "nearest": ("点击地图 → 最近平台", "Click the map → nearest platforms"),
    "click_hint": ("在地图上点击任意位置。", "Click anywhere on the map."),
    "k_nearest": ("数量", "How many"),
    "drawn": ("绘制多边形或圆 → 范围内平台", "Draw a polygon or circle → platforms inside"),
    "draw_hint": ("使用地图左侧的绘图工具。", "Use the drawing tools on the left of the map."),
    "distance_between": ("两平台之间的距离", "Distance between two platforms"),
    "platform_a": ("平台 A", "Platform A"),
    "platform_b": ("平台 B", "Platform B"),
    "distance_km": ("直线距离（千米）", "Straight-line distance (km)"),
    "inside": ("范围内平台", "Platforms inside"),
    "area_km2": ("面积（平方千米）", "Area (km²)"),
    "method": ("方法", "Method"),
    "eps_m": ("邻域半径（米）", "Neighbourhood radius (m)"),
    "min_samples": ("最少点数", "Minimum points"),
    "clusters_found": ("聚类数", "Clusters found"),
    "noise": ("噪声点", "Noise points"),
    "show_hulls": ("在地图上显示聚类外包", "Show cluster hulls on the map"),
    "by_zone": ("按片区统计", "Counts by zone"),
    "by_district": ("按行政区统计", "Counts by district"),
    "by_category": ("按类别统计", "Counts by category"),
    "density_choropleth": ("行政区平台密度（个/百平方千米）", "Platform density by district (per 100 km²)"),
    "targets": ("规划目标与已标注数量", "Plan targets against mapped counts"),
    "analysis_missing": ("分析模块尚不可用。", "The analysis module is not available yet."),
    "official_km2": ("规划面积 km²", "official km²"),
    "mapped_km2": ("图上面积 km²", "mapped km²"),
    "geometry_quality": ("几何精度", "geometry quality"),
    "precision_note": ("边界精度说明", "boundary precision"),
    "length_km": ("长度 km", "length km"),
    "export_snapshot": ("当前地图视图 PNG（所见即所得）", "Current map view as PNG (what you see)"),
    "export_format": ("格式", "Format"),
    "export_button": ("生成并下载", "Build and download"),
    "legend": ("图例", "Legend"),
    "legend_exact": ("实心：位置精确到地点/园区", "Filled: site or campus location"),
    "legend_estimate": ("空心虚线：位置为片区/行政区估计", "Hollow dashed: estimated from zone/district"),
    "estimate": ("位置为估计", "estimated location"),
    "name": ("名称", "Name"),
    "address": ("地址", "Address"),
    "location_precision": ("位置精度", "Location precision"),
    "sources": ("政策来源", "Policy source"),
    "count": ("数量", "Count"),
    "no_results": ("没有符合条件的平台。", "No platform matches."),
    "not_located": (
        "另有 {n} 个平台仅知所在行政区，位置未知，未计入。",
        "{n} more known only to their district are not shown (their location is unknown).",
    ),
    "distance_unknown": (
        "无法测距：{name} 仅知所在行政区，没有确切位置。",
        "No distance: {name} is known only to its district, not located.",
    ),
    "layer_districts": ("行政区", "Districts"),
    "layer_zones": ("一区三城", "Zones"),
    "layer_parts": ("片区分区", "Zone parts"),
    "layer_axis": ("创新大道", "Innovation axis"),
    "layer_cores": ("双核", "Cores"),
    "layer_nodes": ("节点", "Nodes"),
    "layer_platforms": ("平台", "Platforms"),
    "layer_heatmap": ("平台密度（热力图）", "Platform density (heatmap)"),
    "layer_hulls": ("聚类外包", "Cluster hulls"),
    "layer_rings": ("邻近范围", "Proximity rings"),
    "layer_selection": ("选中平台", "Selected platforms"),
    "measure": ("量测", "Measure"),
    "layer_metro": ("地铁（方位参考）", "Metro (orientation)"),
    "layer_district_counts": ("仅知所在区的平台数", "Platforms known only to their district"),
    "district_only_popup": ("{district}：{n} 个平台仅知所在区", "{district}: {n} platforms known only to the district"),
    "legend_district_badge": (
        "数字框：仅知所在区的平台数（不绘为点）",
        "Number box: platforms known only to the district (not drawn as points)",
    ),
    "precisely_located": (
        "{n}/{total} 个所示平台位置精确到地点或园区",
        "{n} of {total} shown platforms located to a site or campus",
    ),
    "location_source": ("位置来源", "Location source"),
    # sign-in (gzgeo.app_auth)
    "signin_header": ("编辑登录", "Sign in to edit"),
    "signin_user": ("用户名", "User name"),
    "signin_password": ("密码", "Password"),
    "signin_button": ("登录", "Sign in"),
    "signin_oidc": ("使用单位账号登录", "Sign in with your organisation"),
    "signout": ("退出登录", "Sign out"),
    "signed_in_as": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
    "signin_failed": ("用户名或密码错误。", "Wrong user name or password."),
    "signin_throttled": ("登录失败次数过多，请 {s} 秒后再试。", "Too many failed sign-ins; try again in {s} s."),
    "session_expired": ("登录已过期，请重新登录。", "Your session expired; please sign in again."),
    "no_users": (
        "尚未设置编辑用户（gzgeo users add）；地图为只读。",
        "No editors set up yet (gzgeo users add); the map is read-only.",
    ),
    "read_only_note": (
        "浏览无需登录；导入、地理编码、修正和撤销需要编辑权限。",
        "Viewing needs no sign-in; importing, geocoding, correcting and undoing need an editor.",
    ),
    "edit_refused": ("无编辑权限，操作被拒绝。", "Not allowed to edit: the action was refused."),
}

#: Labels of coded data values: (field, value) -> (中文, English).
VALUE_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("level", "national"): ("国家级", "National"),
    ("level", "provincial"): ("省级", "Provincial"),
    ("level", "municipal"): ("市级", "Municipal"),
    ("level", "district"): ("区级", "District"),
    ("status", "operating"): ("已运行", "Operating"),
    ("status", "under_construction"): ("建设中", "Under construction"),
    ("status", "planned"): ("规划中", "Planned"),
    ("location_precision", "site"): ("具体地点", "Site"),
    ("location_precision", "campus_or_park"): ("园区/校区", "Campus or park"),
    ("location_precision", "zone"): ("片区（估计）", "Zone (estimate)"),
    ("location_precision", "district"): ("行政区（估计）", "District (estimate)"),
    ("basemap", "none"): ("无底图（离线）", "None (offline)"),
    ("role", "viewer"): ("查看者", "Viewer"),
    ("role", "editor"): ("编辑者", "Editor"),
    ("role", "admin"): ("管理员", "Admin"),
}

# The plan timeline and "what changed" view (gzgeo.planmap, the app's plan panel).
STRINGS.update(
    {
        "plan_stage": ("规划时间轴", "Plan timeline"),
        "plan_stage_help": (
            "选择一份规划：地图只显示该规划点名的平台，按规划表述的状态着色。",
            "Choose a plan: the map shows only the platforms it names, coloured by the plan's wording.",
        ),
        "plan_current": ("当前数据", "Current data"),
        "plan_layer": ("规划", "Plan"),
        "plan_legend": ("规划表述", "Plan wording"),
        "plan_frameworks": ("平台体系更名", "Framework renames"),
        "plan_scope_city": ("广州市", "Guangzhou"),
        "plan_scope_huangpu": ("黄埔区", "Huangpu"),
        "plan_history": ("历次规划表述", "Plan history"),
        "plan_never_named": ("历次规划均未点名", "Not named in any plan"),
        "plan_year": ("年份·文件", "Year · document"),
        "plan_clause": ("条款", "Clause"),
        "plan_phrase": ("表述", "Wording"),
        "plan_looking_back": ("回顾", "looking back"),
        "plan_checked_status": ("核实的当前状态", "Checked current status"),
        "plan_changes_layer": ("规划变化", "Plan changes"),
        "tab_plans": ("规划演变", "Plan evolution"),
        "plan_from": ("较早的规划", "Earlier plan"),
        "plan_to": ("较晚的规划", "Later plan"),
        "plan_highlight": ("在地图上标出变化", "Highlight the changes on the map"),
        "plan_same": ("请选择两份不同的规划。", "Choose two different plans."),
        "plan_named_count": ("点名平台", "Platforms named"),
        "plan_change_counts": (
            "新增 {added} · 状态变化 {status_changed} · 不再点名 {no_longer_named}",
            "added {added} · status changed {status_changed} · no longer named {no_longer_named}",
        ),
        "plan_press_caveat": (
            "较晚的文件是新闻报道：未提及不等于撤销。",
            "The later document is a press report: not mentioning a platform is weak evidence that it was dropped.",
        ),
        "plan_wording_note": (
            "“表述”为规划原文，与项目核实的当前状态分列。",
            "Wording is the plan's own; the project's checked current status is a separate column.",
        ),
    }
)
VALUE_LABELS.update(
    {
        ("plan_status", "named"): ("仅点名", "Named"),
        ("plan_status", "planned"): ("筹建/创建", "Planned"),
        ("plan_status", "building"): ("建设中", "Building"),
        ("plan_status", "operating"): ("已运行/获批", "Operating"),
        ("plan_status", "upgrading"): ("提升/列入国家规划", "Upgrading"),
        ("plan_status", "target"): ("目标", "Target"),
        ("plan_change", "added"): ("新增", "Added"),
        ("plan_change", "status_changed"): ("状态变化", "Status changed"),
        ("plan_change", "no_longer_named"): ("不再点名", "No longer named"),
    }
)


def normalise_language(lang: str | None) -> str:
    """Return ``"zh"`` or ``"en"``; anything else falls back to the default.

    Examples
    --------
    >>> normalise_language("EN"), normalise_language("fr"), normalise_language(None)
    ('en', 'zh', 'zh')
    """
    key = str(lang or "").strip().lower()[:2]
    return key if key in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Translate a UI string.

    Examples
    --------
    >>> t("category", "zh"), t("category", "en")
    ('类别', 'Category')
    >>> t("no-such-key", "en")
    'no-such-key'
    """
    pair = STRINGS.get(key)
    if pair is None:
        return key
    return pair[LANGUAGES.index(normalise_language(lang))]


def value_label(field: str, value: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """Label of a coded data value (level, status, location precision, category).

    Categories are labelled from ``data/categories.csv``; other fields from
    :data:`VALUE_LABELS`. Unknown values are returned as they are.

    Examples
    --------
    >>> value_label("level", "national", "zh"), value_label("status", "planned", "en")
    ('国家级', 'Planned')
    >>> value_label("level", "galactic", "en")
    'galactic'
    """
    text = "" if value is None else str(value)
    if field == "category":
        return category_labels(normalise_language(lang)).get(text, text)
    pair = VALUE_LABELS.get((field, text))
    if pair is None:
        return text
    return pair[LANGUAGES.index(normalise_language(lang))]


@lru_cache(maxsize=4)
def _category_labels_cached(lang: str, home: str) -> dict[str, str]:
    try:
        cats = load("categories")
    except (FileNotFoundError, KeyError):
        return {}
    column = "name_zh" if lang == "zh" else "name_en"
    return dict(zip(cats["id"], cats[column], strict=True))


def category_labels(lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Category id -> label in ``lang``, from ``data/categories.csv`` (empty if missing).

    Examples
    --------
    >>> labels = category_labels("en")
    >>> all(isinstance(v, str) for v in labels.values())
    True
    """
    return dict(_category_labels_cached(normalise_language(lang), str(data_home())))
