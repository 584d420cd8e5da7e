"""The throughput paths: the bench runs the real flow and times every stage, and the fast
signature paths give exactly the values of the plain ones."""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import sys
from pathlib import Path

import cloudpickle
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.dedup import ARTICLE_SPEC, PASSAGE_SPEC
from cleaners.signatures import SignatureSpec, signatures, signatures_with_parts

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import throughput  # noqa: E402

SENTENCES = [
    "The city council approved the new transit budget after a long evening debate.",
    "Officials said the first buses on the extended routes would run in early spring.",
    "Residents of the northern districts had asked for better service for several years.",
    "A spokesperson for the mayor declined to say how the plan would be paid for.",
    "Opposition members argued that fares would have to rise within two years.",
    "The regional rail operator welcomed the decision in a short written statement.",
    "Analysts expect ridership to recover slowly after a difficult decade for the network.",
    "Construction of two new depots is scheduled to begin before the end of the year.",
    "Local businesses near the planned stops said they hoped for more foot traffic.",
    "The vote passed with nine members in favour and four against the proposal.",
]
CHROME = [
    "Home", "Sign in", "Subscribe", "Privacy policy", "Contact us", "Newsletter",
    "Most read", "Advertise with us", "Terms of use", "Cookie settings",
]  # fmt: skip


def _dataset(root: Path, pages: int = 4) -> Path:
    """A dataset in the WCXB layout: ground truth with bodies and chrome lines, and pages."""
    (root / "ground-truth").mkdir(parents=True)
    (root / "html").mkdir()
    for i in range(pages):
        body = [" ".join(SENTENCES[(i + k) % 10] for k in range(j, j + 3)) for j in range(4)]
        truth = {"title": f"Transit plan, part {i}", "main_content": "\n".join(body),
                 "without": CHROME}  # fmt: skip
        (root / "ground-truth" / f"{i:04d}.json").write_text(
            json.dumps({"url": f"https://news.example.org/{i}", "ground_truth": truth})
        )
        html = "<html><head><title>{t}</title></head><body><nav>{n}</nav><article><h1>{t}</h1>"
        html += "".join(f"<p>{p}</p>" for p in body) + "</article><footer>{n}</footer></body>"
        html = html.format(t=truth["title"], n=" | ".join(CHROME[:5]))
        (root / "html" / f"{i:04d}.html.gz").write_bytes(gzip.compress(html.encode()))
    return root


@pytest.mark.usefixtures("prefect_server")
def test_bench_runs_the_flow_and_times_every_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL

    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    dataset = _dataset(tmp_path / "dataset")
    corpus = tmp_path / "corpus"
    throughput.write_text_corpus(dataset, 30, corpus / "text")
    throughput.write_html_corpus(dataset, 6, corpus / "html")
    warmup = throughput.write_text_corpus(dataset, 2, tmp_path / "warmup")
    args = argparse.Namespace(tmp=str(tmp_path), runner="processes", workers=2, batch_size=8)

    result = throughput._child("mixed", 36, corpus, warmup, args)

    assert result["inputs"] == 36
    assert result["landed"] + result["duplicates"] + result["rejected"] == 36
    stages = result["stages"]
    assert stages["read"]["items"] == stages["decode"]["items"] == 36
    assert stages["extract (HTML)"]["items"] == 6
    assert stages["clean (rules)"]["items"] == 36
    assert stages["dedup"]["items"] == stages["signatures"]["items"] == 36 - result["rejected"]
    assert all(s["wall"] > 0 for s in stages.values())
    assert 0 < result["busy"] <= result["wall"]
    assert 0 < result["worker_body_cpu"] <= result["worker_run_cpu"] <= result["worker_cpu"]
    assert 0 < result["flow_body_cpu"] <= result["flow_cpu"]
    assert result["warehouse_bytes"] > 0 and result["peak_rss"] >= result["peak_pss"] > 0


def test_bench_comparisons_time_both_sides(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path)
    html = throughput.compare_html(dataset, pages=3, repeats=1)
    assert html["pages"] == 3 and html["ours"] > 0 and html["theirs"] > 0
    sig = throughput.compare_signatures(dataset, count=5, repeats=1)
    assert sig["texts"] == 5 and sig["ours"] > 0 and sig["plain"] > 0


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
