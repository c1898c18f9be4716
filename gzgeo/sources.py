"""The planning documents behind the data, each named once with its full title.

``data/policies.csv`` lists every seed file; some are copies of one document
(``001`` is the text extracted from the PDF attachment of ``000``). Maps and
decks cite documents, not files, so copies are folded into the document they
copy and their files are listed as its copies.
"""

from __future__ import annotations

import re

import pandas as pd

from .layers import load

__all__ = ["documents", "document_label"]

# A trailing "(附件)" / "（PDF 附件）" marks a file that is an attachment copy of the document of the same title.
_COPY_SUFFIX = re.compile(r"\s*[（(][^()（）]*(?:附件|PDF|pdf)[^()（）]*[)）]\s*$")
_DUPLICATE_NOTE = re.compile(r"[Dd]uplicate of ([A-Za-z0-9_.-]+)")


def _base_title(title: str) -> str:
    return _COPY_SUFFIX.sub("", str(title)).strip()


def documents(policies: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per distinct document, copies folded in.

    A row is a copy of another when its ``notes`` say "Duplicate of <id>" or
    when its title is another's plus an attachment suffix such as "(附件)",
    with the same date.

    Parameters
    ----------
    policies : DataFrame, optional
        ``gzgeo.load("policies")`` by default.

    Returns
    -------
    DataFrame
        The policies columns of each original document, in file order, plus
        ``copies`` (list of str): the source files of that document, its own
        first (e.g. ``["000_….txt", "001_….txt"]``).

    Examples
    --------
    >>> docs = documents()
    >>> len(docs) == len(load("policies")) - 1  # 001 is the PDF copy of 000
    True
    >>> [f[:3] for f in docs["copies"].iloc[0]]
    ['000', '001']
    """
    table = load("policies") if policies is None else policies
    table = table.reset_index(drop=True)
    ids = list(table["id"])
    original_of: dict[int, int] = {}
    by_title = {}
    for i, row in table.iterrows():
        match = _DUPLICATE_NOTE.search(str(row.get("notes", "") or ""))
        if match and match.group(1) in ids and ids.index(match.group(1)) != i:
            original_of[i] = ids.index(match.group(1))
            continue
        key = (_base_title(row["title_zh"]), str(row.get("date", "")))
        if key in by_title:
            original_of[i] = by_title[key]
        else:
            by_title[key] = i
    keep = [i for i in range(len(table)) if i not in original_of]
    out = table.loc[keep].copy()
    out["copies"] = [
        [table.at[i, "source_file"]] + [table.at[j, "source_file"] for j, o in original_of.items() if o == i]
        for i in keep
    ]
    return out.reset_index(drop=True)


def document_label(row) -> str:
    """Full title in 《》 (kept as written when it already quotes one), issuer, date and file numbers.

    Examples
    --------
    >>> label = document_label(documents().iloc[0])
    >>> label.startswith("《广州市2021年推进科技创新领域新型基础设施建设实施方案》") and "000/001" in label
    True
    """
    title = str(row["title_zh"]).strip()
    if "《" not in title:
        title = f"《{title}》"
    files = "/".join(str(f)[:3] for f in row["copies"])
    return f"{title}，{row['issuer']}，{row['date']}（{files}）"
