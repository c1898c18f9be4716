"""Slide primitives of the briefing deck: text metrics, text boxes, titles, notes and paged tables.

Kept apart from the deck's slide sequence (:mod:`gzgeo.deck`) so that other decks
(:mod:`gzgeo.plandeck`) lay out tables the same way without importing the module
that dispatches to them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from functools import cache

import pandas as pd
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from ..cartography.furniture import (
    SLIDE_MIN_FONT_PT,
)

#: East Asian typeface written into every run (``a:ea``); Latin text uses the same font.
EAST_ASIAN_FONT = "Noto Sans CJK SC"
_SLIDE_W, _SLIDE_H = Inches(13.333), Inches(7.5)
_DARK = RGBColor(0x22, 0x22, 0x22)
_ACCENT = RGBColor(0xB2, 0x18, 0x2B)
_GREY = RGBColor(0x55, 0x55, 0x55)
_MIN_PT = SLIDE_MIN_FONT_PT
_EDGE = Inches(0.4)  # left/right margin of text and tables
_PICTURE_EDGE = Inches(0.3)
_INSET_X, _INSET_Y = Inches(0.1), Inches(0.05)  # text frame and table cell insets (PowerPoint's defaults)
_EMU_PER_PT = 12700
# Renderers add space between CJK and Latin text and around CJK punctuation (LibreOffice's autospace):
# lay out as if lines were this much shorter than the box, so a line never wraps where we did not expect it.
_SLACK = 1.12


# ---------------------------------------------------------------------------------------------------------------
# text metrics


@cache
def _font(bold: bool):
    """PIL face of :data:`EAST_ASIAN_FONT` (size 1000) or None when it is not installed."""
    from matplotlib import font_manager
    from PIL import ImageFont

    try:
        path = font_manager.findfont(
            font_manager.FontProperties(family=EAST_ASIAN_FONT, weight="bold" if bold else "normal"),
            fallback_to_default=False,
        )
    except ValueError:
        return None
    for index in range(16):  # a .ttc holds the JP/KR/SC/TC/HK faces: take the SC one
        try:
            face = ImageFont.truetype(path, 1000, index=index)
        except OSError:
            break
        if face.getname()[0] == EAST_ASIAN_FONT:
            return face
    return ImageFont.truetype(path, 1000)


@cache
def text_width_pt(text: str, size: float, bold: bool = False) -> float:
    """Advance width of one line of ``text`` set at ``size`` points, in points.

    Measured with the installed Noto Sans CJK SC; without it, 1 em per wide
    (CJK) character and 0.6 em per other character, which is wider than the
    font for Latin text.

    Examples
    --------
    >>> round(text_width_pt("广州", 12))
    24
    """
    face = _font(bold)
    if face is not None:
        return face.getlength(text) * size / 1000.0
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text) * size


def _line_height_pt(size: float) -> float:
    face = _font(False)
    ascent, descent = face.getmetrics() if face is not None else (1160, 288)
    return (ascent + descent) / 1000.0 * size


# one CJK character or punctuation mark, or a Latin word with its trailing spaces, or spaces
_TOKEN = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”‘’《》（）：；，、。·]"
    r"|[^\s\u2e80-\u9fff]+\s*|\s+"
)


def _count_lines(text: str, size: float, width_pt: float, bold: bool = False) -> int:
    """Lines ``text`` takes when wrapped into ``width_pt``: CJK breaks anywhere, Latin at spaces."""
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for token in _TOKEN.findall(paragraph):
            width = text_width_pt(token, size, bold)
            if used and used + text_width_pt(token.rstrip(), size, bold) > width_pt:
                lines += 1
                used = 0.0
                if not token.strip():
                    continue
            while width > width_pt:  # a word longer than the line is broken by characters
                lines += 1
                width -= width_pt
            used += width
    return lines


def text_height_pt(paragraphs: Sequence[tuple[str, float, bool]], width_pt: float) -> float:
    """Height in points of paragraphs ``(text, size, bold)`` wrapped into ``width_pt`` (no insets).

    Examples
    --------
    >>> one = text_height_pt([("广州科技创新", 12, False)], 500)
    >>> two = text_height_pt([("广州科技创新", 12, False)], 40)
    >>> round(one, 1), two > one
    (17.4, True)
    """
    return sum(_count_lines(text, size, width_pt, bold) * _line_height_pt(size) for text, size, bold in paragraphs)


# ---------------------------------------------------------------------------------------------------------------
# shapes


def _set_font(run, size: float, bold: bool = False, color: RGBColor = _DARK) -> None:
    """Size, weight, colour and CJK typefaces (latin + east Asian) of one run."""
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color
    run.font.name = EAST_ASIAN_FONT  # a:latin
    rpr = run._r.get_or_add_rPr()
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = rpr.makeelement(qn("a:ea"), {})
        rpr.find(qn("a:latin")).addnext(ea)  # schema order: latin, ea, cs
    ea.set("typeface", EAST_ASIAN_FONT)


def _fixed_frame(frame) -> None:
    """Wrap inside the box, never resize it, PowerPoint's insets written out so every reader uses them."""
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = _INSET_X
    frame.margin_top = frame.margin_bottom = _INSET_Y


def _box_height(paragraphs: Sequence[tuple[str, float, bool, RGBColor]], width) -> int:
    """EMU height a text box of ``width`` needs for ``paragraphs``, insets included."""
    inner_pt = (width - 2 * _INSET_X) / _EMU_PER_PT / _SLACK
    needed = text_height_pt([(t, s, b) for t, s, b, _ in paragraphs], inner_pt)
    return int(math.ceil(needed * 1.02 * _EMU_PER_PT)) + 2 * _INSET_Y  # 2 % for renderers' rounding


def _text_box(slide, left, top, width, height, paragraphs: Sequence[tuple[str, float, bool, RGBColor]]):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    _fixed_frame(frame)
    for i, (text, size, bold, color) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        _set_font(run, size, bold, color)
    return box


_TITLE_TOP = Inches(0.2)


def _title_paragraphs(text: str) -> list[tuple[str, float, bool, RGBColor]]:
    """A title as large as fits on one line (28 to 20 pt), else wrapped at 22 pt."""
    inner_pt = (_SLIDE_W - 2 * _EDGE - 2 * _INSET_X) / _EMU_PER_PT / _SLACK
    size = next((s for s in (28, 26, 24, 22, 20) if text_width_pt(text, s, True) <= inner_pt), 22)
    return [(text, size, True, _DARK)]


def _title(slide, text: str, top: int = _TITLE_TOP) -> int:
    """The slide's one title (:func:`_title_paragraphs`); returns its bottom."""
    paragraphs = _title_paragraphs(text)
    height = _box_height(paragraphs, _SLIDE_W - 2 * _EDGE)
    box = _text_box(slide, _EDGE, top, _SLIDE_W - 2 * _EDGE, height, paragraphs)
    box.name = "Title"
    return top + height


def _notes(slide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def _table_height(frame: pd.DataFrame, widths: Sequence[int], size: float = _MIN_PT) -> list[int]:
    """EMU height of the header and each row, from the wrapped cell text."""
    heights = []
    rows = [list(map(str, frame.columns))] + [
        ["" if pd.isna(v) else str(v) for v in row] for row in frame.itertuples(index=False)
    ]
    for i, row in enumerate(rows):
        needed = max(
            text_height_pt([(value, size, i == 0)], (w - 2 * _INSET_X) / _EMU_PER_PT / _SLACK)
            for value, w in zip(row, widths, strict=True)
        )
        heights.append(int(math.ceil(needed * 1.02 * _EMU_PER_PT)) + 2 * _INSET_Y)
    return heights


def _table(slide, frame: pd.DataFrame, left, top, widths: Sequence[int], size: float = _MIN_PT):
    heights = _table_height(frame, widths, size)
    shape = slide.shapes.add_table(len(frame) + 1, len(frame.columns), left, top, sum(widths), sum(heights))
    table = shape.table
    for j, width in enumerate(widths):
        table.columns[j].width = width
    for i, height in enumerate(heights):
        table.rows[i].height = height
    rows = [list(map(str, frame.columns))] + [
        ["" if pd.isna(v) else str(v) for v in row] for row in frame.itertuples(index=False)
    ]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.margin_left = cell.margin_right = _INSET_X
            cell.margin_top = cell.margin_bottom = _INSET_Y
            cell.text_frame.word_wrap = True
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = value
            _set_font(run, size, i == 0, RGBColor(0xFF, 0xFF, 0xFF) if i == 0 else _DARK)
    return shape


def _pages(frame: pd.DataFrame, widths: Sequence[int], room: int) -> list[pd.DataFrame]:
    """Split rows so each page's table (header repeated) fits in ``room`` EMU."""
    heights = _table_height(frame, widths)
    pages, start, used = [], 0, heights[0]
    for i, height in enumerate(heights[1:]):
        if used + height > room and i > start:
            pages.append(frame.iloc[start:i])
            start, used = i, heights[0]
        used += height
    pages.append(frame.iloc[start:])
    return pages


def _widths(total, weights: Sequence[float]) -> list[int]:
    scale = total / sum(weights)
    return [int(w * scale) for w in weights]


def _table_slides(
    prs, layout, title: str, tables: Sequence[tuple[pd.DataFrame, Sequence[float]]], notes: str, intro: str = ""
) -> None:
    """Tables side by side under one title, continued on further slides while rows remain."""
    gap = Inches(0.25)
    width = (_SLIDE_W - 2 * _EDGE - gap * (len(tables) - 1)) / len(tables)
    # the longest title of the run ("… (n/n)") decides the room left for rows on every slide of it
    probe_top = _TITLE_TOP + _box_height(_title_paragraphs(title + " (99/99)"), _SLIDE_W - 2 * _EDGE) + Inches(0.1)
    intro_paragraphs = [(intro, _MIN_PT, False, _GREY)] if intro else []
    intro_h = _box_height(intro_paragraphs, _SLIDE_W - 2 * _EDGE) if intro else 0
    room = _SLIDE_H - Inches(0.3) - probe_top - intro_h
    split = [(_pages(frame, _widths(width, w), room), _widths(width, w)) for frame, w in tables]
    count = max(len(pages) for pages, _ in split)
    for number in range(count):
        slide = prs.slides.add_slide(layout)
        more = f" ({number + 1}/{count})" if count > 1 else ""
        top = _title(slide, title + more) + Inches(0.1)
        if intro:
            _text_box(slide, _EDGE, top, _SLIDE_W - 2 * _EDGE, intro_h, intro_paragraphs)
            top += intro_h
        for k, (pages, widths) in enumerate(split):
            if number < len(pages) and len(pages[number]):
                _table(slide, pages[number], int(_EDGE + k * (width + gap)), top, widths)
        _notes(slide, notes)
