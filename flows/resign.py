"""Re-signing the articles whose stored signatures were made under an earlier spec.

Signatures of different specs are never compared, so after the spec changes (another shingle
hash, say) the stored ones would silently stop matching new articles. Before a run loads the
dedup state, the stale ones are recomputed from the stored passages, a chunk of articles per
transaction: an interrupted upgrade resumes where it stopped, and the rows of a chunk change
together. An article's new signature covers its landed paragraphs, so paragraphs removed as
site chrome after it was signed no longer count.
"""

from __future__ import annotations

import logging

import duckdb
import pyarrow as pa

import warehouse
from dedup.matching import ARTICLE_POLICY, PASSAGE_POLICY, passage_id
from dedup.signatures import signatures_with_parts
from flows.stages import is_passage
from warehouse.load import ARTICLE_SIGNATURE_COLUMNS, PASSAGE_SIGNATURE_COLUMNS

logger = logging.getLogger(__name__)

#: Articles re-signed per transaction.
CHUNK = 5_000


def resign_stale(con: duckdb.DuckDBPyConnection, chunk: int = CHUNK) -> int:
    """Recompute every article and passage signature not made under the current specs;
    return how many articles were re-signed."""
    done = 0
    while stale := warehouse.dedup_state.stale_articles(
        con, ARTICLE_POLICY.spec.id, PASSAGE_POLICY.spec.id, chunk
    ):
        signed = signatures_with_parts(
            [paragraphs for _, paragraphs in stale],
            ARTICLE_POLICY.spec,
            PASSAGE_POLICY.spec,
            is_passage,
        )
        articles, passages = [], []
        for (article_id, _), (whole, parts) in zip(stale, signed, strict=True):
            articles.append(
                {"article_id": article_id, "spec": whole.spec.id, "size": whole.size,
                 "hashvalues": whole.to_bytes()}
            )  # fmt: skip
            passages.extend(
                {"passage_id": passage_id(article_id, position), "article_id": article_id,
                 "spec": part.spec.id, "size": part.size, "hashvalues": part.to_bytes()}
                for position, part in enumerate(parts)
                if part is not None
            )  # fmt: skip
        warehouse.dedup_state.replace_signatures(
            con,
            pa.Table.from_pylist(articles, schema=ARTICLE_SIGNATURE_COLUMNS),
            pa.Table.from_pylist(passages, schema=PASSAGE_SIGNATURE_COLUMNS),
        )
        done += len(stale)
        logger.warning("re-signed %d articles stored under an earlier signature spec", done)
    return done
