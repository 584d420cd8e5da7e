"""U64Map reads back what a dict would, across merges of its new keys into its arrays."""

from __future__ import annotations

import random

import pytest

from dedup.u64_map import U64Map


@pytest.mark.parametrize("seed", range(4))
def test_batches_of_reads_and_writes_agree_with_a_dict(monkeypatch, seed: int) -> None:
    monkeypatch.setattr(U64Map, "MERGE_AT", 7)  # many merges, with keys on both sides
    rng = random.Random(seed)
    pool = [rng.getrandbits(64) for _ in range(300)] + [0, 1, (1 << 64) - 1]
    start = {key: rng.getrandbits(64) for key in rng.sample(pool, 20)}
    table, reference = U64Map(start.items()), dict(start)
    for _ in range(200):
        keys = rng.sample(pool, rng.randint(0, 12))
        assert table.get_many(keys) == [reference.get(key, 0) for key in keys]
        values = [rng.getrandbits(64) for _ in keys]
        table.put_many(keys, values)
        reference.update(zip(keys, values, strict=True))
        assert len(table) == len(reference)
    assert table.get_many(pool) == [reference.get(key, 0) for key in pool]


def test_an_empty_map_reads_zero() -> None:
    table = U64Map()
    assert table.get_many([]) == [] and table.get_many([5, 0]) == [0, 0] and len(table) == 0
