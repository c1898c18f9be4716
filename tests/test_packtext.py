"""gzgeo.packtext: bytes as page text, 7 bits per UTF-8 byte, safe in a JavaScript string in <script>."""

from __future__ import annotations

import numpy as np
import pytest

from gzgeo.packtext import UNSAFE, pack7, unpack7


@pytest.mark.parametrize("n", [*range(0, 30), 255, 256, 4097])
def test_round_trip_every_length(n):
    rng = np.random.default_rng(n)
    for _ in range(20):
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        text = pack7(data)
        assert unpack7(text) == data
        codes = [ord(c) for c in text]
        assert not set(codes) & set(UNSAFE)  # no quote, backslash, "<", "&", line break or NUL as itself
        assert all(c < 0x80 or 0x100 <= c < 0x800 + len(UNSAFE) for c in codes)


def test_runs_of_unsafe_groups_and_size():
    # Runs of unsafe 7-bit groups (zeros, quotes) pair up across the run; the page cost stays 8/7 per byte.
    for data in (bytes(1000), b'"' * 999, b"<\\&'`\n\r" * 300, bytes(range(256)) * 20):
        text = pack7(data)
        assert unpack7(text) == data
        assert len(text.encode("utf-8")) <= len(data) * 8 / 7 + 3


def test_rejects_text_that_is_not_pack7():
    with pytest.raises(ValueError):
        unpack7(chr(0x800) + "a")
