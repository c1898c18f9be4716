"""The plan-evolution slides of the briefing deck: "how the layout moved".

:func:`plan_change_summary` counts, for each pair of successive plans (and the
two city plans 000 → 002), the platforms added, whose status changed and that
are no longer named; :func:`plan_changes_slides` puts these counts, the status
wording that changed and the 2021 platforms the 2022 report no longer names
(by category) on deck slides. The small multiples of the same timeline are the
``plan_stages`` map slide (:func:`gzgeo.plancarto.plan_small_multiples`).

Examples
--------
>>> summary = plan_change_summary()
>>> city = summary.set_index(["from", "to"]).loc[("000", "002")]
>>> int(city["status_changed"]), int(city["no_longer_named"])
(6, 47)
"""

from __future__ import annotations

import pandas as pd

from .deck.slides import _table_slides
from .i18n import value_label
from .layers import load
from .planmap import framework_renames
from .plans import plan_changes, plan_documents

__all__ = ["PLAN_PAIRS", "plan_change_summary", "plan_changes_slides"]

#: Pairs of plans compared on the slide: each plan against the one before it, and the two city plans.
PLAN_PAIRS: tuple[tuple[str, str], ...] = (("004", "000"), ("000", "003"), ("003", "002"), ("000", "002"))
_KINDS = ("added", "status_changed", "no_longer_named")
#: Title of the slide with the change tables.
CHANGES_TITLE = "规划演变：布局如何变化 How the layout moved"


def plan_change_summary(pairs: tuple[tuple[str, str], ...] = PLAN_PAIRS) -> pd.DataFrame:
    """How many platforms each pair of plans adds, changes and stops naming.

    Returns
    -------
    pandas.DataFrame
        Columns ``from``, ``to`` (seed prefixes), ``from_date``, ``to_date``, ``added``, ``status_changed``,
        ``no_longer_named``.
    """
    dates = dict(zip(*(plan_documents()[c] for c in ("document", "date")), strict=True))
    rows = []
    for a, b in pairs:
        counts = plan_changes(a, b)["change"].value_counts()
        rows.append(
            {
                "from": a,
                "to": b,
                "from_date": str(dates[a])[:7],
                "to_date": str(dates[b])[:7],
                **{kind: int(counts.get(kind, 0)) for kind in _KINDS},
            }
        )
    return pd.DataFrame(rows, columns=["from", "to", "from_date", "to_date", *_KINDS])


def _status_changes(pairs: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    rows = []
    for a, b in pairs:
        changed = plan_changes(a, b)
        for row in changed[changed["change"] == "status_changed"].itertuples(index=False):
            rows.append(
                {
                    "平台 platform": row.name_zh,
                    "较早 earlier": f"{row.phrase_a or '—'}（{a}）",
                    "较晚 later": f"{row.phrase_b or '—'}（{b}）",
                }
            )
    return pd.DataFrame(rows, columns=["平台 platform", "较早 earlier", "较晚 later"]).drop_duplicates(
        subset=["平台 platform", "较晚 later"]
    )


def _dropped_by_category(a: str = "000", b: str = "002") -> pd.DataFrame:
    changes = plan_changes(a, b)
    dropped = changes[changes["change"] == "no_longer_named"]
    category = dropped["platform_id"].map(load("platforms").set_index("id")["category"])
    table = dropped.assign(category=category).groupby("category", sort=False)["name_zh"].agg(list)
    table = table.reindex(table.map(len).sort_values(ascending=False, kind="stable").index)
    return pd.DataFrame(
        {
            "类别 category": [value_label("category", c, "zh") for c in table.index],
            "数量 n": [len(names) for names in table],
            "平台 platforms": ["、".join(names) for names in table],
        }
    )


def plan_changes_slides(prs, layout, notes: str) -> None:
    """Append the "how the layout moved" slides to a :mod:`gzgeo.deck` presentation.

    Parameters
    ----------
    prs : pptx.presentation.Presentation
    layout : pptx.slide.SlideLayout
        The plain layout the deck places its shapes on.
    notes : str
        Speaker notes (the deck's sources and location-precision text); the caveats are added.
    """
    summary = plan_change_summary()
    counts = pd.DataFrame(
        {
            "较早 earlier": summary["from"] + " (" + summary["from_date"] + ")",
            "较晚 later": summary["to"] + " (" + summary["to_date"] + ")",
            "新增 added": summary["added"],
            "状态变化 changed": summary["status_changed"],
            "不再点名 dropped": summary["no_longer_named"],
        }
    )
    renames = "；".join(
        f"{scope} " + " → ".join(f"{p}（{d}）" for p, d in items) for scope, items in framework_renames("zh")
    )
    caveat = (
        "002 为新闻报道的摘要：未点名不等于撤销 (a press summary's silence is weak evidence of a drop)。"
        "表述为规划原文，与项目核实的当前状态分列。"
    )
    notes = "\n".join([f"平台体系 Frameworks: {renames}。", caveat, notes])
    _table_slides(
        prs,
        layout,
        CHANGES_TITLE,
        [(counts, (1.5, 1.5, 1.0, 1.1, 1.1)), (_status_changes((("000", "002"), ("003", "002"))), (2.6, 1.5, 1.7))],
        notes,
        intro=f"平台体系 Frameworks: {renames}。{caveat}",
    )
    _table_slides(
        prs,
        layout,
        "2022 年报道不再点名的 2021 年平台 Named in 2021, not in the 2022 report",
        [(_dropped_by_category(), (1.6, 0.6, 7.0))],
        notes,
    )
