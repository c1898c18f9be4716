"""The plan-evolution slides of the briefing deck: the small multiples and "how the layout moved".

:func:`plan_change_summary` counts, for each pair of successive plans (and the
two city plans 000 → 002), the platforms added, whose status changed and that
are no longer named; :func:`add_plan_slides` puts the small multiples
(:func:`gzgeo.plancarto.plan_small_multiples`) and a slide with these tables
into a :mod:`gzgeo.deck` presentation.

Examples
--------
>>> summary = plan_change_summary()
>>> city = summary.set_index(["from", "to"]).loc[("000", "002")]
>>> int(city["status_changed"]), int(city["no_longer_named"])
(6, 36)
"""

from __future__ import annotations

import io

import pandas as pd
from pptx.util import Inches

from .cartography import _save
from .deck import _ACCENT, _DARK, _GREY, _map_slide, _table, _text_box
from .plancarto import PLAN_STAGES_TITLE, plan_small_multiples
from .planmap import framework_renames
from .plans import plan_changes, plan_documents

__all__ = ["PLAN_PAIRS", "add_plan_slides", "plan_change_summary"]

#: Pairs of plans compared on the slide: each plan against the one before it, and the two city plans.
PLAN_PAIRS: tuple[tuple[str, str], ...] = (("004", "000"), ("000", "003"), ("003", "002"), ("000", "002"))
_KINDS = ("added", "status_changed", "no_longer_named")


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
        rows.append({"from": a, "to": b, "from_date": str(dates[a])[:7], "to_date": str(dates[b])[:7],
                     **{kind: int(counts.get(kind, 0)) for kind in _KINDS}})
    return pd.DataFrame(rows, columns=["from", "to", "from_date", "to_date", *_KINDS])


def _status_changes(pairs: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    rows = []
    for a, b in pairs:
        changed = plan_changes(a, b)
        for row in changed[changed["change"] == "status_changed"].itertuples(index=False):
            rows.append({"平台 platform": row.name_zh, "较早 earlier": f"{row.phrase_a or '—'}（{a}）",
                         "较晚 later": f"{row.phrase_b or '—'}（{b}）"})
    return pd.DataFrame(rows).drop_duplicates(subset=["平台 platform", "较晚 later"])


def add_plan_slides(prs, platforms=None, review_number: str | None = None, dpi: int = 120) -> None:
    """Append the small-multiples map slide and the "how the layout moved" slide to a deck.

    Parameters
    ----------
    prs : pptx.presentation.Presentation
        A 16:9 deck from :func:`gzgeo.deck.build_deck`.
    platforms : GeoDataFrame, optional
        Selection drawn on the small multiples (the tables always count the plans' own mentions).
    review_number : str, optional
        审图号 printed on the map.
    dpi : int
        Map resolution (120 dpi = 1920×1080).
    """
    buffer = io.BytesIO()
    _save(plan_small_multiples(platforms, review_number=review_number), buffer, "png", dpi)
    _map_slide(prs, buffer.getvalue(), PLAN_STAGES_TITLE,
               "2018 → 2021.04 → 2021.12 → 2022 → 2025：每版规划点名的平台，按原文状态表述着色；空心虚线为估计位置。")

    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text_box(slide, Inches(0.4), Inches(0.15), Inches(12.5), Inches(0.6),
              [("规划演变：布局如何变化 How the layout moved", 22, True, _DARK)])
    summary = plan_change_summary()
    counts = pd.DataFrame({
        "较早 earlier": summary["from"] + " (" + summary["from_date"] + ")",
        "较晚 later": summary["to"] + " (" + summary["to_date"] + ")",
        "新增 added": summary["added"], "状态变化 changed": summary["status_changed"],
        "不再点名 no longer named": summary["no_longer_named"],
    })
    _text_box(slide, Inches(0.4), Inches(0.85), Inches(6.2), Inches(0.4),
              [("各版规划之间的变化（平台数）Changes between plans (platforms)", 14, True, _ACCENT)])
    _table(slide, counts, Inches(0.4), Inches(1.3), Inches(6.2), Inches(0.36) * (len(counts) + 1), font_size=10)
    changes = _status_changes((("000", "002"), ("003", "002")))
    _text_box(slide, Inches(6.9), Inches(0.85), Inches(6.0), Inches(0.4),
              [("状态表述的变化 Status wording that changed", 14, True, _ACCENT)])
    _table(slide, changes, Inches(6.9), Inches(1.3), Inches(6.0), Inches(0.33) * (len(changes) + 1), font_size=9.5)
    dropped = plan_changes("000", "002")
    dropped = dropped[dropped["change"] == "no_longer_named"]
    renames = "；".join(f"{scope} " + " → ".join(f"{p}（{d}）" for p, d in items)
                       for scope, items in framework_renames("zh"))
    _text_box(slide, Inches(0.4), Inches(3.4), Inches(6.2), Inches(3.4), [
        (f"2022 年报道不再点名的 2021 年平台（{len(dropped)} 个）No longer named in 2022", 12, True, _ACCENT),
        ("、".join(dropped["name_zh"]), 9, False, _DARK),
    ])
    _text_box(slide, Inches(0.4), Inches(6.55), Inches(12.5), Inches(0.8), [
        (f"平台体系 Frameworks: {renames}。", 11, False, _DARK),
        ("002 为新闻报道的摘要：未点名不等于撤销 (a press summary's silence is weak evidence of a drop)。"
         "表述为规划原文，与项目核实的当前状态分列。", 10, False, _GREY),
    ])
