"""The fast signature path gives exactly the values of the plain one, and signatures survive
pickling unchanged."""

from __future__ import annotations

import pickle

import cloudpickle
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.matching import ARTICLE_SPEC, PASSAGE_SPEC
from dedup.signatures import SignatureSpec, signatures, signatures_with_parts

# Paragraphs as scrapers leave them: punctuation runs, curly quotes, combining marks, styled
# letters, odd whitespace, very short and wordless paragraphs.
_PIECES = st.sampled_from(
    ["word", "Kabul", "KABUL", "13", "U.S.", "—", "“quote”", "e\u0301", "\u0301", "𝐛𝐨𝐥𝐝",
     "ﬁ", "x²", "\u00a0", "\x1c", "\u2028", "...", "naïve", "中文", "-", "_", "a"]
)  # fmt: skip
_PARAGRAPH = st.lists(_PIECES, max_size=40).map(" ".join) | st.text(max_size=60)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_PARAGRAPH, max_size=6), max_size=4), st.integers(0, 8))
def test_signatures_with_parts_equal_plain_signatures(
    documents: list[list[str]], min_words: int
) -> None:
    def wanted(text: str) -> bool:
        return len(text.split()) >= min_words

    for spec, part_spec in ((ARTICLE_SPEC, PASSAGE_SPEC), (SignatureSpec(5, 32), PASSAGE_SPEC)):
        got = signatures_with_parts(documents, spec, part_spec, wanted)
        wholes = signatures(["\n\n".join(parts) for parts in documents], spec)
        assert [whole for whole, _ in got] == wholes
        for (_, parts_got), parts in zip(got, documents, strict=True):
            expected = [signatures([p], part_spec)[0] if wanted(p) else None for p in parts]
            assert parts_got == expected


def test_signatures_survive_pickling_unchanged_and_read_only() -> None:
    sigs = signatures(["one two three four", "", "Kabul: troops 13 — “left”"], ARTICLE_SPEC)
    for dumps in (pickle.dumps, cloudpickle.dumps):
        back = pickle.loads(dumps(sigs))
        assert back == sigs
        assert [s.size for s in back] == [s.size for s in sigs]
        assert not any(s.hashvalues.flags.writeable for s in back)
