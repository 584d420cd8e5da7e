"""KeyRows numbers keys as a dict and a list would, 64-bit hash collisions included."""

from __future__ import annotations

import random

import pytest

from dedup import key_rows
from dedup.key_rows import KeyRows


def _check_against_a_dict(rng: random.Random) -> None:
    pool = [f"{rng.getrandbits(40):x}:{rng.randrange(30)}" for _ in range(400)] + ["", "ü:é"]
    table, rows, keys = KeyRows(), {}, []
    for _ in range(60):
        batch = rng.sample(pool, rng.randint(0, 15))
        batch += rng.sample(batch, min(2, len(batch)))  # a key twice in one call
        assert table.rows(batch) == [rows.get(key, -1) for key in batch]
        added = table.add(batch)
        assert list(added) == list(range(len(keys), len(keys) + len(batch)))
        for row, key in zip(added, batch, strict=True):
            rows[key] = row
            keys.append(key)
        assert len(table) == len(keys)
    assert table.rows(pool) == [rows.get(key, -1) for key in pool]
    assert [table.key(row) for row in range(len(keys))] == keys


@pytest.mark.parametrize("seed", range(3))
def test_rows_and_keys_agree_with_a_dict_and_a_list(seed: int) -> None:
    _check_against_a_dict(random.Random(seed))


@pytest.mark.parametrize("seed", range(3))
def test_keys_whose_hashes_collide_keep_their_own_rows(monkeypatch, seed: int) -> None:
    # A hash of 8 values: nearly every key shares its hash with others.
    monkeypatch.setattr(key_rows.xxhash, "xxh3_64_intdigest", lambda blob: len(blob) % 8)
    monkeypatch.setattr(key_rows.U64Map, "MERGE_AT", 4)
    _check_against_a_dict(random.Random(seed))
