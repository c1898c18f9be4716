"""How the layout moved from plan to plan: per-document mentions, histories and changes.

The five seed documents are successive plans: the 2018 action plan (004, as
interpreted), the April 2021 new-infrastructure plan (000; 001 is its PDF copy),
Huangpu's 14th five-year plan (003, December 2021) and the press report of the
city's 14th five-year plan (002, February 2022). ``data/plan_mentions.csv`` keeps,
for every named entity, each status a plan gives it: the phrase exactly as
printed (``status_phrase``), a class (``status_class``), a quote of at most 40
characters, the clause, and whether the passage looks back (``looking_back``:
003 一(一) and 002's review of 2021). The plan's wording is never mixed with the
project's checked current ``status`` of a platform (``data/platforms.csv``).

Status classes, from least to most advanced: ``named`` (no status phrase),
``planned`` (筹建, 创建, 争取, 打造 ...), ``building`` (建设, 推进, 组建 ...),
``operating`` (挂牌运行, 落户, 建成, 获批 ...), ``upgrading`` (提升, 高质量发展,
列入国家专项规划 ...); ``target`` marks a quantitative or framework target.

Examples
--------
>>> import gzgeo
>>> history = gzgeo.plan_history("guangzhou-laboratory")
>>> history["year"].is_monotonic_increasing
True
>>> changes = gzgeo.plan_changes("000", "002")
>>> sorted(changes.loc[changes["change"] == "status_changed", "platform_id"])[:2]
['cold-seep-ecosystem-facility', 'gba-national-tech-innovation-center']
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .layers import load

__all__ = [
    "PLAN_STAGES",
    "STATUS_CLASSES",
    "PlanStage",
    "plan_changes",
    "plan_documents",
    "plan_history",
    "plan_snapshot",
]

#: Status classes of a plan's wording, least to most advanced (``target`` is apart).
STATUS_CLASSES: tuple[str, ...] = ("named", "planned", "building", "operating", "upgrading", "target")
_RANK = {name: rank for rank, name in enumerate(STATUS_CLASSES[:-1])}

#: Document order of the plans (the seed file prefix); 001 is the PDF copy of 000.
_PLAN_ORDER: tuple[str, ...] = ("004", "000", "003", "002")
_FOURTEENTH_FYP: tuple[str, ...] = ("003", "002")


@dataclass(frozen=True)
class PlanStage:
    """One step of the plan timeline.

    Attributes
    ----------
    key : str
        Stable identifier (``"2018"``, ``"2021-04"``, ``"2021-12"``, ``"2022"``, ``"2025"``).
    label_zh, label_en : str
        Labels for the timeline control.
    documents : tuple of str
        Seed file prefixes whose mentions make up the stage.
    """

    key: str
    label_zh: str
    label_en: str
    documents: tuple[str, ...]


#: The timeline: each plan in issue order, then the 2025 layout the 14th-FYP plans aim at.
PLAN_STAGES: tuple[PlanStage, ...] = (
    PlanStage("2018", "2018 三年行动计划", "2018 action plan", ("004",)),
    PlanStage("2021-04", "2021.04 新基建方案", "2021-04 new-infrastructure plan", ("000",)),
    PlanStage("2021-12", "2021.12 黄埔“十四五”", "2021-12 Huangpu 14th FYP", ("003",)),
    PlanStage("2022", "2022 广州“十四五”", "2022 Guangzhou 14th FYP", ("002",)),
    PlanStage("2025", "2025 目标布局", "2025 target layout", _FOURTEENTH_FYP),
)


def _prefix(document: str) -> str:
    """Accept a seed file prefix (``"000"``), a file name or a policy id; return the prefix."""
    policies = load("policies")
    text = str(document).strip()
    if text in set(policies["id"]):
        text = policies.loc[policies["id"] == text, "source_file"].iloc[0]
    prefix = text[:3]
    if prefix == "001":  # the PDF copy of 000
        prefix = "000"
    if prefix not in _PLAN_ORDER:
        raise ValueError(f"unknown plan document {document!r}; expected one of {', '.join(_PLAN_ORDER)} or a policy id")
    return prefix


def plan_documents() -> pd.DataFrame:
    """The plans in issue order, with year and type.

    Returns
    -------
    pandas.DataFrame
        Columns ``document`` (seed prefix), ``policy_id``, ``title_zh``, ``title_en``, ``date``, ``doc_type``,
        ``n_entities`` (distinct entities the plan gives a mention).

    Examples
    --------
    >>> import gzgeo
    >>> list(gzgeo.plan_documents()["document"])
    ['004', '000', '003', '002']
    """
    policies = load("policies").assign(document=lambda t: t["source_file"].str[:3])
    mentions = _mentions()
    counts = mentions.groupby("document")["entity_zh"].nunique()
    out = policies[policies["document"].isin(_PLAN_ORDER)].copy()
    out["order"] = out["document"].map({d: i for i, d in enumerate(_PLAN_ORDER)})
    out["n_entities"] = out["document"].map(counts).fillna(0).astype(int)
    out = out.sort_values("order").rename(columns={"id": "policy_id"})
    return out[["document", "policy_id", "title_zh", "title_en", "date", "doc_type", "n_entities"]].reset_index(
        drop=True
    )


def _mentions() -> pd.DataFrame:
    table = load("plan_mentions").copy()
    table["document"] = table["source_file"].str[:3]
    table["year"] = pd.to_numeric(table["issue_year"], errors="coerce").astype("Int64")
    table["order"] = table["document"].map({d: i for i, d in enumerate(_PLAN_ORDER)})
    table["looking_back"] = table["looking_back"].str.lower().eq("true")
    return table


def plan_history(platform_id: str) -> pd.DataFrame:
    """Every mention of one platform, in plan order.

    Parameters
    ----------
    platform_id : str
        A platform ``id`` from ``gzgeo.load("platforms")``.

    Returns
    -------
    pandas.DataFrame
        One row per mention: ``document``, ``policy_id``, ``year``, ``clause``, ``status_phrase`` (as printed),
        ``status_class``, ``quote``, ``looking_back``, ``notes``. Empty when the plans never name it.

    Raises
    ------
    KeyError
        When ``platform_id`` is not a platform.

    Examples
    --------
    >>> import gzgeo
    >>> h = gzgeo.plan_history("gba-national-tech-innovation-center")
    >>> h.iloc[-1][["document", "status_phrase"]].tolist()
    ['002', '挂牌运行']
    """
    if platform_id not in set(load("platforms")["id"]):
        raise KeyError(f"unknown platform id {platform_id!r}")
    table = _mentions()
    rows = table[table["platform_id"] == platform_id].sort_values(
        ["order", "looking_back", "clause"], ascending=[True, False, True]
    )
    return rows[
        ["document", "policy_id", "year", "clause", "status_phrase", "status_class", "quote", "looking_back", "notes"]
    ].reset_index(drop=True)


def _status_by_platform(table: pd.DataFrame) -> pd.DataFrame:
    """The most advanced status class each platform gets in the given mentions, with its phrase."""
    rated = table[table["platform_id"] != ""].copy()
    rated["rank"] = rated["status_class"].map(_RANK).fillna(-1)
    best = rated.sort_values("rank").groupby("platform_id").tail(1).set_index("platform_id")
    return best[["status_class", "status_phrase", "clause", "quote"]]


def plan_snapshot(stage: str | PlanStage) -> pd.DataFrame:
    """What one timeline stage names: each platform once, with its most advanced status there.

    Parameters
    ----------
    stage : str or PlanStage
        A :data:`PLAN_STAGES` key (``"2018"``, ``"2021-04"``, ``"2021-12"``, ``"2022"``, ``"2025"``) or a
        document prefix such as ``"003"``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``platform_id``: ``status_class``, ``status_phrase``, ``clause``, ``quote``.

    Examples
    --------
    >>> import gzgeo
    >>> snap = gzgeo.plan_snapshot("2022")
    >>> snap.loc["guangzhou-laboratory", "status_phrase"]
    '挂牌运行'
    """
    if isinstance(stage, PlanStage):
        documents = stage.documents
    else:
        match = [s for s in PLAN_STAGES if s.key == str(stage)]
        documents = match[0].documents if match else (_prefix(str(stage)),)
    table = _mentions()
    return _status_by_platform(table[table["document"].isin(documents)])


def plan_changes(doc_a: str, doc_b: str) -> pd.DataFrame:
    """What changed between two plans: entities added, status changed, no longer named.

    Parameters
    ----------
    doc_a, doc_b : str
        The earlier and the later plan: a seed prefix (``"000"``), a seed file name or a policy id.

    Returns
    -------
    pandas.DataFrame
        One row per platform that changed: ``platform_id``, ``name_zh``, ``change`` (``added``,
        ``status_changed``, ``no_longer_named``), ``status_a``, ``status_b``, ``phrase_a``, ``phrase_b``,
        ``quote_b`` and ``caveat``. A press report (``doc_type`` ``press report``) summarises: its silence is
        weak evidence of a drop, and the caveat says so.

    Examples
    --------
    >>> import gzgeo
    >>> ch = gzgeo.plan_changes("000", "002")
    >>> "hypersonic-wind-tunnel" in set(ch.loc[ch["change"] == "no_longer_named", "platform_id"])
    True
    """
    a, b = _prefix(doc_a), _prefix(doc_b)
    table = _mentions()
    status_a = _status_by_platform(table[table["document"] == a])
    status_b = _status_by_platform(table[table["document"] == b])
    names = load("platforms").set_index("id")["name_zh"]
    policies = load("policies").assign(document=lambda t: t["source_file"].str[:3]).set_index("document")
    weak = (
        "press summary: silence is weak evidence of a drop"
        if policies.loc[b, "doc_type"] == "press report"
        else "not named in the later plan's text"
    )
    rows = []
    for pid in sorted(set(status_a.index) | set(status_b.index)):
        in_a, in_b = pid in status_a.index, pid in status_b.index
        sa = status_a.loc[pid] if in_a else None
        sb = status_b.loc[pid] if in_b else None
        if in_a and in_b:
            if sa["status_class"] == sb["status_class"]:
                continue
            change, caveat = "status_changed", ""
        elif in_b:
            change, caveat = "added", "" if a != "004" else "the 2018 text is an interpretation naming few entities"
        else:
            change, caveat = "no_longer_named", weak
        rows.append(
            {
                "platform_id": pid,
                "name_zh": names.get(pid, ""),
                "change": change,
                "status_a": sa["status_class"] if in_a else "",
                "status_b": sb["status_class"] if in_b else "",
                "phrase_a": sa["status_phrase"] if in_a else "",
                "phrase_b": sb["status_phrase"] if in_b else "",
                "quote_b": sb["quote"] if in_b else "",
                "caveat": caveat,
            }
        )
    columns = ["platform_id", "name_zh", "change", "status_a", "status_b", "phrase_a", "phrase_b", "quote_b", "caveat"]
    order = {"added": 0, "status_changed": 1, "no_longer_named": 2}
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(
        ["change", "platform_id"], key=lambda s: s.map(order) if s.name == "change" else s
    ).reset_index(drop=True)


def check_plan_mentions(tables: dict[str, pd.DataFrame], platform_ids: set[str]) -> list[tuple[str, str, str]]:
    """Problems in ``plan_mentions``: ``(feature, check, message)`` triples for :func:`gzgeo.validate`."""
    problems: list[tuple[str, str, str]] = []
    mentions = tables["plan_mentions"]
    sources = set(tables["policies"]["source_file"])
    for row_number, row in enumerate(mentions.itertuples(index=False), start=2):
        where = f"row {row_number}"
        if row.platform_id and row.platform_id not in platform_ids:
            problems.append((where, "reference", f"platform_id {row.platform_id!r} not in platforms"))
        if row.status_class not in STATUS_CLASSES:
            problems.append((where, "status_class", f"status_class must be one of {', '.join(STATUS_CLASSES)}"))
        if row.source_file not in sources:
            problems.append((where, "reference", "source_file not in policies"))
        if not row.quote or len(row.quote) > 40:
            problems.append((where, "quote", "quote must be 1-40 characters"))
        if row.status_phrase and row.status_phrase not in row.quote and "clause heading" not in row.notes:
            problems.append((where, "quote", "the status phrase must appear in the quote"))
        if row.looking_back not in ("true", "false"):
            problems.append((where, "looking_back", "looking_back must be true or false"))
    return problems
