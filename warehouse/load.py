"""Landing a batch of cleaned articles: one transaction, bulk inserts through Arrow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.clock import utc_naive
from warehouse.transaction import registered, transaction

Row = Mapping[str, Any]

#: The columns a caller may give for each kind of row; ``run_id`` and ``ingested_at`` /
#: ``rejected_at`` come from the :class:`Batch`, ``passage_id`` is derived.
ARTICLE_COLUMNS = pa.schema(
    [
        ("article_id", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("site", pa.string()),
        ("published", pa.date32()),
        ("authors", pa.list_(pa.string())),
        ("body", pa.string()),
        ("word_count", pa.int32()),
        ("duplicate_of", pa.string()),
        ("duplicate_relation", pa.string()),
        ("content_sha256", pa.string()),
        ("encoding", pa.string()),
        ("input_format", pa.string()),
        ("fetched_at", pa.timestamp("us")),
        ("page_type", pa.string()),
    ]
)
PASSAGE_COLUMNS = pa.schema(
    [
        ("article_id", pa.string()),
        ("position", pa.int32()),
        ("text", pa.string()),
        ("duplicate_of", pa.string()),
    ]
)
REMOVAL_COLUMNS = pa.schema(
    [
        ("article_id", pa.string()),
        ("position", pa.int32()),
        ("kind", pa.string()),
        ("rule", pa.string()),
        ("text", pa.string()),
        ("before_passage", pa.int32()),
    ]
)
REJECT_COLUMNS = pa.schema(
    [("source", pa.string()), ("reason", pa.string()), ("position", pa.int64())]
)
ARTICLE_SIGNATURE_COLUMNS = pa.schema(
    [
        ("article_id", pa.string()),
        ("spec", pa.string()),
        ("site", pa.string()),
        ("size", pa.int32()),
        ("hashvalues", pa.binary()),
    ]
)
PASSAGE_SIGNATURE_COLUMNS = pa.schema(
    [
        ("passage_id", pa.string()),
        ("article_id", pa.string()),
        ("spec", pa.string()),
        ("size", pa.int32()),
        ("hashvalues", pa.binary()),
    ]
)
SITE_PASSAGE_COLUMNS = pa.schema(
    [
        ("site", pa.string()),
        ("passage_hash", pa.uint64()),
        ("article_count", pa.int32()),
        ("first_seen", pa.string()),
    ]
)
INBOX_FILE_COLUMNS = pa.schema(
    [("path", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64())]
)
RELINK_COLUMNS = pa.schema(
    [
        ("article_id", pa.string()),
        ("duplicate_of", pa.string()),
        ("duplicate_relation", pa.string()),
    ]
)
CLUSTER_MERGE_COLUMNS = pa.schema(
    [("merged_root", pa.string()), ("into_root", pa.string()), ("articles", pa.int32())]
)

_REQUIRED = {
    "articles": ("article_id", "source", "body", "word_count", "page_type"),
    "passages": ("article_id", "position", "text"),
    "removals": ("article_id", "position", "kind", "rule", "text"),
    "rejects": ("source", "reason"),
    "inbox_files": ("path", "size", "mtime_ns"),
    "article_signatures": ("article_id", "spec", "size", "hashvalues"),
    "passage_signatures": ("passage_id", "article_id", "spec", "size", "hashvalues"),
    "site_passages": ("site", "passage_hash", "article_count", "first_seen"),
    "relinks": ("article_id", "duplicate_of", "duplicate_relation"),
    "cluster_merges": ("merged_root", "into_root", "articles"),
}


@dataclass(slots=True)
class Batch:
    """What one cleaning step hands over: rows as plain dicts keyed by column name.

    Article rows use the keys of :data:`ARTICLE_COLUMNS` (``article_id``, ``source``,
    ``body`` and ``word_count`` are required), passage rows those of
    :data:`PASSAGE_COLUMNS`, removal rows those of :data:`REMOVAL_COLUMNS`, reject rows
    ``source`` and ``reason`` (and ``position``, where in its container), inbox file rows
    ``path``, ``size`` and ``mtime_ns`` (files of a watched inbox this batch took, recorded
    in the same transaction so each is taken once), relink rows ``article_id``,
    ``duplicate_of`` and ``duplicate_relation`` (stored articles whose cluster joined an
    older one, updated) and cluster merge rows ``merged_root``, ``into_root`` and
    ``articles`` (the audit of those joins). ``run_id`` and ``ingested_at``
    (default: landing time, naive taken as UTC) stamp every article and reject of the batch.
    """

    run_id: str | None = None
    articles: list[Row] = field(default_factory=list)
    passages: list[Row] = field(default_factory=list)
    removals: list[Row] = field(default_factory=list)
    rejects: list[Row] = field(default_factory=list)
    inbox_files: list[Row] = field(default_factory=list)
    article_signatures: list[Row] = field(default_factory=list)
    passage_signatures: list[Row] = field(default_factory=list)
    site_passages: list[Row] = field(default_factory=list)
    relinks: list[Row] = field(default_factory=list)
    cluster_merges: list[Row] = field(default_factory=list)
    ingested_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class LandResult:
    """What :func:`land` did. Ids are in batch order."""

    landed: tuple[str, ...]
    existing: tuple[str, ...]
    passages: int
    removals: int
    rejects: int


def land(con: duckdb.DuckDBPyConnection, batch: Batch) -> LandResult:
    """Insert ``batch`` in one transaction; idempotent per ``article_id``.

    Rows repeating an id within the batch are dropped (the first one wins: an article by
    ``article_id``, a passage or removal by ``(article_id, position)``, a passage signature
    by ``passage_id``, a reject by ``(source, reason, position)``). Articles already in the
    warehouse are skipped together with their passages and removals; a reject already stored
    for the same source, reason, position and run is not stored again. Any failure rolls the
    whole batch back.
    """
    articles = _first_by(batch.articles, lambda r: r.get("article_id"))
    passages = _first_by(batch.passages, lambda r: (r.get("article_id"), r.get("position")))
    removals = _first_by(batch.removals, lambda r: (r.get("article_id"), r.get("position")))
    rejects = _first_by(
        batch.rejects, lambda r: (r.get("source"), r.get("reason"), r.get("position"))
    )
    passage_signatures = _first_by(batch.passage_signatures, lambda r: r.get("passage_id"))
    tables = {
        "_batch_articles": _to_table("articles", articles, ARTICLE_COLUMNS),
        "_batch_passages": _to_table("passages", passages, PASSAGE_COLUMNS),
        "_batch_removals": _to_table("removals", removals, REMOVAL_COLUMNS),
        "_batch_rejects": _to_table("rejects", rejects, REJECT_COLUMNS),
        "_batch_inbox_files": _to_table("inbox_files", batch.inbox_files, INBOX_FILE_COLUMNS),
        "_batch_article_signatures": _to_table(
            "article_signatures", batch.article_signatures, ARTICLE_SIGNATURE_COLUMNS
        ),
        "_batch_passage_signatures": _to_table(
            "passage_signatures", passage_signatures, PASSAGE_SIGNATURE_COLUMNS
        ),
        "_batch_site_passages": _to_table(
            "site_passages", batch.site_passages, SITE_PASSAGE_COLUMNS
        ),
        "_batch_relinks": _to_table("relinks", batch.relinks, RELINK_COLUMNS),
        "_batch_cluster_merges": _to_table(
            "cluster_merges", batch.cluster_merges, CLUSTER_MERGE_COLUMNS
        ),
    }
    ids = tables["_batch_articles"]["article_id"]
    _check_parents("passages", tables["_batch_passages"], ids)
    _check_parents("removals", tables["_batch_removals"], ids)
    stamp = {"run_id": batch.run_id, "at": utc_naive(batch.ingested_at)}
    batch_ids = ids.to_pylist()

    with registered(con, tables), transaction(con):
        existing = stored_ids(con, "articles", batch_ids)
        skip = {"existing": sorted(existing)}
        (n_passages,) = con.execute(_INSERT_PASSAGES, skip).fetchall()[0]
        (n_removals,) = con.execute(_INSERT_REMOVALS, skip).fetchall()[0]
        con.execute(_INSERT_ARTICLES, {**stamp, **skip})
        (n_rejects,) = con.execute(_INSERT_REJECTS, stamp).fetchall()[0]
        con.execute(_INSERT_INBOX_FILES, stamp)
        # Passage signatures go with their article's signature, when that is new.
        signed = stored_ids(con, "article_signatures", _signed_ids(batch))
        con.execute(_INSERT_PASSAGE_SIGNATURES, {"existing": sorted(signed)})
        con.execute(_INSERT_ARTICLE_SIGNATURES)
        con.execute(_UPSERT_SITE_PASSAGES, {"at": stamp["at"]})
        if batch.relinks:
            con.execute(_UPDATE_RELINKS)
        if batch.cluster_merges:
            con.execute(_INSERT_CLUSTER_MERGES, stamp)

    return LandResult(
        landed=tuple(i for i in batch_ids if i not in existing),
        existing=tuple(i for i in batch_ids if i in existing),
        passages=n_passages,
        removals=n_removals,
        rejects=n_rejects,
    )


#: Above this many rows, :func:`stored_ids` looks ids up through the primary key instead of
#: joining: the join scans the whole column (2.5 ms + 14 ns per row for 1,000 ids), a lookup
#: costs some 15 us per id whatever the size of the table.
LOOKUP_ROWS = 250_000
#: Ids per lookup: DuckDB answers ``IN (?, ...)`` from the index up to ``index_scan_max_count``
#: values (2,048 by default).
LOOKUP_CHUNK = 1000


def stored_ids(con: duckdb.DuckDBPyConnection, table: str, ids: Iterable[str]) -> set[str]:
    """The ``article_id`` values among ``ids`` that ``table`` (keyed by it) holds.

    A small table is joined with the ids; a large one is searched through its primary key,
    so that landing a batch does not slow down as the warehouse grows (joins against the
    articles, as landing did before, cost 30 ms per statement at 1.9 million articles).
    """
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    (rows,) = con.execute(_TABLE_ROWS, [table]).fetchall()[0]
    if rows <= LOOKUP_ROWS:
        sql = f"SELECT article_id FROM {table} SEMI JOIN {_IDS.format('$ids')} USING (article_id)"
        return {i for (i,) in con.execute(sql, {"ids": wanted}).fetchall()}
    found: set[str] = set()
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT article_id FROM {table} WHERE article_id IN ({marks})"
        found.update(i for (i,) in con.execute(sql, chunk).fetchall())
    return found


_TABLE_ROWS = """
SELECT coalesce(max(estimated_size), 0) FROM duckdb_tables()
WHERE schema_name = 'main' AND table_name = ?
"""
#: A list of ids as a table with one column, ``article_id``.
_IDS = "(SELECT unnest({}::VARCHAR[]) AS article_id)"


def _signed_ids(batch: Batch) -> set[str]:
    rows = (*batch.article_signatures, *batch.passage_signatures)
    return {row["article_id"] for row in rows if row.get("article_id") is not None}


#: Rows of ``$existing`` articles are left out: the warehouse has them already.
_NEW = f"ANTI JOIN {_IDS.format('$existing')} USING (article_id)"
_INSERT_ARTICLES = f"""
INSERT INTO articles BY NAME
SELECT b.* EXCLUDE (authors), coalesce(b.authors, []) AS authors,
       $run_id AS run_id, $at AS ingested_at
FROM _batch_articles AS b {_NEW}
"""
_INSERT_PASSAGES = f"""
INSERT INTO passages BY NAME
SELECT p.*, p.article_id || ':' || p.position AS passage_id
FROM _batch_passages AS p {_NEW}
"""
_INSERT_REMOVALS = f"""
INSERT INTO removals BY NAME
SELECT r.* FROM _batch_removals AS r {_NEW}
"""
_INSERT_REJECTS = """
INSERT INTO rejects BY NAME
SELECT b.source, b.reason, b.position, $run_id AS run_id, $at AS rejected_at
FROM _batch_rejects AS b
WHERE NOT EXISTS (
    SELECT 1 FROM rejects AS r
    WHERE r.source = b.source AND r.reason = b.reason
      AND r.position IS NOT DISTINCT FROM b.position
      AND r.run_id IS NOT DISTINCT FROM $run_id
)
"""
_INSERT_INBOX_FILES = """
INSERT INTO inbox_files BY NAME
SELECT DISTINCT f.*, $run_id AS run_id, $at AS processed_at FROM _batch_inbox_files AS f
ON CONFLICT DO NOTHING
"""
#: Articles of earlier batches whose cluster joined an older one (see ``cluster_merges``).
_UPDATE_RELINKS = """
UPDATE articles SET duplicate_of = r.duplicate_of, duplicate_relation = r.duplicate_relation
FROM _batch_relinks AS r WHERE articles.article_id = r.article_id
"""
_INSERT_CLUSTER_MERGES = """
INSERT INTO cluster_merges BY NAME
SELECT m.*, $run_id AS run_id, $at AS merged_at FROM _batch_cluster_merges AS m
"""
_INSERT_ARTICLE_SIGNATURES = """
INSERT INTO article_signatures BY NAME
SELECT * FROM _batch_article_signatures ON CONFLICT DO NOTHING
"""
_INSERT_PASSAGE_SIGNATURES = f"""
INSERT INTO passage_signatures BY NAME
SELECT s.* FROM _batch_passage_signatures AS s {_NEW}
"""
# Counts in a batch are the caller's running totals: the newest value wins.
_UPSERT_SITE_PASSAGES = """
INSERT INTO site_passages BY NAME SELECT *, $at AS last_seen FROM _batch_site_passages
ON CONFLICT (site, passage_hash)
DO UPDATE SET article_count = excluded.article_count, last_seen = excluded.last_seen
"""


def _first_by(rows: Iterable[Row], key: Callable[[Row], Hashable]) -> list[Row]:
    """Keep the first row of each key, in order."""
    seen: set[Hashable] = set()
    kept = []
    for row in rows:
        k = key(row)
        if k not in seen:
            seen.add(k)
            kept.append(row)
    return kept


def _to_table(kind: str, rows: list[Row], schema: pa.Schema) -> pa.Table:
    """Convert rows to Arrow, refusing unknown keys and missing or null required values."""
    unknown = set().union(*(row.keys() for row in rows)) - set(schema.names)
    if unknown:
        raise ValueError(f"{kind} rows have unknown keys {sorted(unknown)}")
    table = pa.Table.from_pylist(rows, schema=schema)
    for column in _REQUIRED[kind]:
        nulls = table[column].null_count
        if nulls:
            raise ValueError(f"{kind}: {column!r} is missing or None in {nulls} row(s)")
    return table


def _check_parents(kind: str, table: pa.Table, article_ids: pa.ChunkedArray) -> None:
    orphans = pc.unique(
        table["article_id"].filter(pc.invert(pc.is_in(table["article_id"], article_ids)))
    )
    if len(orphans):
        raise ValueError(f"{kind} refer to articles not in the batch: {orphans[:3].to_pylist()}")
