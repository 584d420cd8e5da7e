"""The per-rule ablation: a row for every block rule, counted and scored, rules restored."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from cleaners.rules import registry
from cleaners.rules.registry import Stage
from evaluation.rule_ablation import ablate

PAGE = Path(__file__).parents[1] / "data" / "html" / "article.html"


def test_every_block_rule_gets_a_row_and_its_test_back(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    (tmp_path / "ground-truth").mkdir()
    truth = "The city council voted seven to two on Wednesday night to build protected bike lanes."
    for i in range(2):
        (tmp_path / "html" / f"{i:04d}.html.gz").write_bytes(gzip.compress(PAGE.read_bytes()))
        record = {"url": f"https://s{i}.example/a", "ground_truth": {"main_content": truth}}
        (tmp_path / "ground-truth" / f"{i:04d}.json").write_text(json.dumps(record))
    tests = {rule.name: rule.test for rule in registry.rules(Stage.BLOCK)}
    table = ablate(tmp_path, ["markdown", "visible"], None, None, jobs=1).splitlines()
    assert table[0].startswith("2 pages;")
    assert table[1].split()[:4] == ["rule", "off", "fired", "markdown"]
    base = table[2].split()
    assert base[0] == "(none)" and all(0 <= float(f) <= 1 for f in base[1:])
    rows = {line.split()[0]: line.split()[1:] for line in table[3:]}
    assert set(rows) == set(tests)
    assert all(int(fired) >= 0 and len(deltas) == 2 for fired, *deltas in rows.values())
    assert {rule.name: rule.test for rule in registry.rules(Stage.BLOCK)} == tests
