"""Bytes as text for a JavaScript string in an HTML page: 7 bits per UTF-8 byte instead of base64's 6.

Base64 spends 4 characters on 3 bytes (1.33 bytes of page per byte of data).
:func:`pack7` cuts the data into 7-bit groups and writes each as one ASCII
character, except the groups that would be unsafe or awkward in a
double-quoted JavaScript string inside a ``<script>`` element (NUL, line
breaks, quotes, ``&``, ``<``, backslash, backtick): such a group and the one
after it become one two-byte UTF-8 character (U+0100..U+07FF); an unsafe last
group with none after it becomes U+0800 + its index. Either way a page byte
carries 7 data bits: 1.14 bytes of page per byte of data (the idea of Kevin
Albertson's base-122). The text holds whole bytes and fewer than 7 padding
bits, so it needs no length. ``static/gzgeo-platforms.js`` decodes it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pack7", "unpack7", "UNSAFE"]

#: 7-bit values never written as themselves: NUL, the characters Python's ``str.splitlines`` breaks at
#: (LF, VT, FF, CR, FS, GS, RS), the quotes and backtick, ``&``, ``<`` and the backslash.
UNSAFE = (0x00, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x22, 0x26, 0x27, 0x3C, 0x5C, 0x60)
_PAIR_BASE = 0x100  # first code point of a pair: U+0100 + 128 * (index in UNSAFE) + next group
_LAST_BASE = 0x800  # an unsafe last group alone: U+0800 + its index in UNSAFE
_UNSAFE_INDEX = np.full(128, -1, dtype=np.int32)
_UNSAFE_INDEX[list(UNSAFE)] = np.arange(len(UNSAFE))
_SHIFTS = np.arange(49, -1, -7, dtype=np.uint64)


def pack7(data: bytes) -> str:
    """Text holding ``data``, safe inside a double-quoted JavaScript string in a ``<script>`` element.

    Examples
    --------
    >>> text = pack7(b"<script>")
    >>> unpack7(text)
    b'<script>'
    >>> len(pack7(bytes(700)).encode("utf-8"))  # 700 zero bytes: 800 groups, two per character
    800
    """
    # Every 7 bytes are 8 groups: read them as one big-endian 64-bit integer with a zero top byte.
    n = len(data)
    rows = np.zeros((-(-n // 7), 8), dtype=np.uint8)
    flat = np.zeros(rows.shape[0] * 7, dtype=np.uint8)
    flat[:n] = np.frombuffer(data, dtype=np.uint8)
    rows[:, 1:] = flat.reshape(-1, 7)
    words = rows.view(">u8").ravel()
    groups = ((words[:, None] >> _SHIFTS) & 127).astype(np.int32).ravel()[: -(-8 * n // 7)]
    m = len(groups)
    if m == 0:
        return ""
    unsafe = _UNSAFE_INDEX[groups] >= 0
    # A group starts a character unless the one before started a pair. In a run of unsafe groups that
    # alternates, from the run's first group (which always starts one): start iff even distance from it.
    prev = np.concatenate([[False], unsafe[:-1]])
    run_first = unsafe & ~prev
    idx = np.arange(m, dtype=np.int32)
    first_of_run = np.maximum.accumulate(np.where(run_first, idx, 0))
    prev_first = np.concatenate([np.zeros(1, np.int32), first_of_run[:-1]])
    starts = ~prev | ((idx - prev_first) % 2 == 0)
    pos = idx[starts]
    nxt = np.concatenate([groups, np.zeros(1, np.int32)])[pos + 1]
    pair = unsafe[pos]
    code = np.where(pair, _PAIR_BASE + 128 * _UNSAFE_INDEX[groups[pos]] + nxt, groups[pos])
    if pair[-1] and pos[-1] == m - 1:  # no group left to pair with: 7 bits, not 14 (keeps the length exact)
        code[-1] = _LAST_BASE + _UNSAFE_INDEX[groups[-1]]
    return code.astype("<u4").tobytes().decode("utf-32-le")


def unpack7(text: str) -> bytes:
    """The bytes held by a :func:`pack7` text.

    Examples
    --------
    >>> unpack7(pack7(bytes(range(256)))) == bytes(range(256))
    True
    """
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.int64)
    last = codes >= _LAST_BASE
    if last.any():
        if not (last[-1] and last.sum() == 1):
            raise ValueError("not a pack7 text")
        codes = codes.copy()
        codes[-1] = UNSAFE[codes[-1] - _LAST_BASE]
    pair = codes >= _PAIR_BASE
    width = 1 + pair
    at = np.cumsum(width) - width
    groups = np.empty(int(width.sum()), dtype=np.uint8)
    groups[at[~pair]] = codes[~pair]
    rest = codes[pair] - _PAIR_BASE
    groups[at[pair]] = np.asarray(UNSAFE, dtype=np.uint8)[rest >> 7]
    groups[at[pair] + 1] = rest & 127
    bits = np.unpackbits(groups[:, None], axis=1)[:, 1:].ravel()
    return np.packbits(bits[: len(bits) // 8 * 8]).tobytes()
