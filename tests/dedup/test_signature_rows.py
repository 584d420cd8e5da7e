"""Signature rows spilled to a temporary file read back as they were written, on both sides
of a block boundary."""

from __future__ import annotations

import numpy as np

from dedup.index import _SignatureRows


def test_rows_read_back_equal_before_and_after_their_block_is_written(monkeypatch):
    monkeypatch.setattr(_SignatureRows, "BLOCK", 8)
    rows = _SignatureRows(4, np.uint32)
    values = np.random.default_rng(3).integers(0, 2**32, (21, 4), dtype=np.uint64)
    values = values.astype(np.uint32)
    done = 0
    for size in (1, 3, 0, 9, 8):  # extends that end in, at and past block boundaries
        rows.extend(values[done : done + size])
        done += size
        assert len(rows) == done
        assert np.array_equal(rows[done - 1], values[done - 1])
    assert len(rows) == 21
    for i, row in enumerate(values):  # 16 from the file, 5 from memory
        read = rows[i]
        assert np.array_equal(read, row)
        assert read.dtype == np.uint32
        assert not read.flags.writeable
