"""The learned line classifier of text dumps, on pages and languages it was not trained on.

The dumps here are written for these tests (German, Portuguese and English pages in the
shapes of a visible-text dump, a ``lynx -dump`` and a page converted to markdown), not taken
from the training pages.
"""

from __future__ import annotations

import numpy as np
import pytest

from cleaners import clean_text, make_block
from cleaners.learned import Model
from cleaners.text_model import (
    CONTEXT,
    FEATURES,
    STACKED,
    Classifier,
    _max_segment,
    context_features,
    features,
    relabel,
    shipped,
)

MODEL = shipped()
needs_model = pytest.mark.skipif(MODEL is None, reason="no shipped text model")

PROSE = {
    "de": [
        "Der Stadtrat hat am Mittwochabend mit großer Mehrheit beschlossen, die alte Brücke über "
        "den Fluss bis zum Herbst des kommenden Jahres vollständig sanieren zu lassen.",
        "Die Kosten für die Arbeiten werden nach Angaben der Verwaltung auf rund zwölf Millionen "
        "Euro geschätzt, von denen das Land etwa die Hälfte übernehmen soll.",
        "Anwohner hatten sich in den vergangenen Monaten immer wieder über den Zustand der "
        "Brücke beschwert, weil sich an mehreren Stellen der Beton gelöst hatte.",
        "Während der Bauzeit soll der Verkehr über eine Umleitung durch das Gewerbegebiet "
        "geführt werden, wie ein Sprecher der Stadt am Donnerstag mitteilte.",
    ],
    "pt": [
        "A prefeitura anunciou nesta segunda-feira um plano para ampliar o horário de "
        "funcionamento das bibliotecas municipais, que passarão a abrir também aos domingos.",
        "Segundo a secretaria de cultura, a medida deve beneficiar principalmente estudantes "
        "que trabalham durante a semana e não conseguem frequentar os espaços.",
        "O investimento previsto é de cerca de dois milhões de reais por ano, valor que inclui "
        "a contratação de novos funcionários e a compra de livros.",
        "Os moradores ouvidos pela reportagem aprovaram a mudança, mas pediram mais segurança "
        "no entorno das unidades localizadas nos bairros mais afastados.",
    ],
}
NAV = {
    "de": ["Startseite", "Politik", "Wirtschaft", "Sport", "Kultur", "Anmelden", "Suche"],
    "pt": ["Início", "Brasil", "Mundo", "Economia", "Esportes", "Entrar", "Buscar"],
}
FOOTER = {
    "de": ["Impressum", "Datenschutz", "Kontakt", "Cookie-Einstellungen", "© 2024 Stadtblatt"],
    "pt": ["Quem somos", "Política de privacidade", "Fale conosco", "Anuncie", "© 2024 Jornal"],
}


def _visible(lang: str) -> tuple[str, list[str]]:
    lines = [*NAV[lang], "Teilen" if lang == "de" else "Compartilhar", *PROSE[lang], *FOOTER[lang]]
    return "\n".join(lines) + "\n", PROSE[lang]


def _lynx(lang: str) -> tuple[str, list[str]]:
    nav = [f"  * [{i}]{item}" for i, item in enumerate(NAV[lang], start=1)]
    n = len(nav)
    foot = [f"[{n + i}]{item}" for i, item in enumerate(FOOTER[lang], start=1)]
    refs = [f"  {i}. https://example.org/{i}" for i in range(1, n + len(foot) + 1)]
    lines = [*nav, "(BUTTON) Suche", "", *PROSE[lang], "", *foot, "", "References", "", *refs]
    return "\n".join(lines) + "\n", PROSE[lang]


def _page_markdown(lang: str) -> tuple[str, list[str]]:
    nav = [f"* [{item}](/{item.lower()})" for item in NAV[lang]]
    foot = [f"* [{item}](/f/{i})" for i, item in enumerate(FOOTER[lang])]
    lines = [*nav, "", *(p + "\n" for p in PROSE[lang]), *foot]
    return "\n".join(lines) + "\n", PROSE[lang]


def test_features_have_one_row_per_block_and_every_column_finite() -> None:
    text, _ = _visible("de")
    blocks = [make_block(line) for line in text.splitlines()]
    rows = features(blocks)
    assert rows.shape == (len(blocks), len(FEATURES))
    assert np.isfinite(rows).all()
    assert features([]).shape == (0, len(FEATURES))


def test_an_inline_image_does_not_make_a_paragraph_an_image_line() -> None:
    image = "![Brücke](https://x.example/bruecke.jpg)"
    rows = features(
        [make_block(f"{PROSE['de'][0]} {image}"), make_block(image), make_block(PROSE["de"][1])]
    )
    share = rows[:, FEATURES.index("image")]
    assert share[0] < 0.5 < share[1]
    assert share[2] == 0.0


@pytest.mark.parametrize(
    "sentence",
    [
        "专家表示，这项措施非常重要，各地政府需要制定详细的计划，确保人民的生命财产安全。",
        "計画は来年から実施される予定であり、各区は避難所の整備を急いでいる。",
    ],
)
def test_prose_without_spaces_counts_its_words_by_characters(sentence: str) -> None:
    rows = features([make_block(sentence), make_block("Startseite")])
    words = np.expm1(rows[:, FEATURES.index("log_words")])
    assert words[0] >= 12  # one token to a regex, about 15 to 20 words to a reader
    assert words[1] == pytest.approx(1.0)


def test_densest_run_is_the_largest_sum_segment() -> None:
    assert _max_segment(np.array([-8.0, 30, -8, 25, -8, -8, 5])) == (1, 3)
    assert _max_segment(np.array([-1.0, -2])) == (0, -1)


def _constant(content_logit: float) -> Classifier:
    """A classifier that calls every block content (positive logit) or chrome (negative)."""
    width = len(FEATURES)
    model = Model(
        name="constant",
        version="0",
        features=FEATURES,
        classes=("chrome", "content"),
        mean=np.zeros(width, np.float32),
        scale=np.ones(width, np.float32),
        weights=(np.zeros((width, 1), np.float32),),
        biases=(np.array([content_logit], np.float32),),
    )
    return Classifier(model, threshold=0.5)


def _context_row(chrome: list[float], words: int = 20) -> np.ndarray:
    rows = np.zeros((len(chrome), len(FEATURES)), np.float32)
    rows[:, FEATURES.index("log_words")] = np.log1p(words)
    return context_features(rows, np.array(chrome))


def test_context_reads_the_first_stage_around_each_block() -> None:
    column = {name: i for i, name in enumerate(CONTEXT)}
    ctx = _context_row([0.9, 0.9, 0.1, 0.1, 0.1, 0.9])
    assert ctx.shape == (6, len(CONTEXT)) and np.isfinite(ctx).all()
    assert ctx[0, column["prev_chrome"]] == 1.0  # no block before: counts as chrome
    assert ctx[3, column["prev_chrome"]] == pytest.approx(0.1)
    assert ctx[1, column["next_chrome"]] == pytest.approx(0.1)
    # the content words before a block grow and those after it shrink, down the page
    assert np.all(np.diff(ctx[:, column["content_before"]]) >= 0)
    assert np.all(np.diff(ctx[:, column["content_after"]]) <= 0)
    assert ctx[:, column["in_content_run"]].tolist() == [0, 0, 1, 1, 1, 0]
    assert ctx[0, column["content_run_distance"]] > ctx[1, column["content_run_distance"]] > 0
    assert context_features(np.zeros((0, len(FEATURES))), np.zeros(0)).shape == (0, len(CONTEXT))


def _stage(features: tuple[str, ...], weights: dict[str, float], bias: float) -> Model:
    """A logistic stage whose content logit is ``bias`` plus the weighted named columns."""
    w = np.zeros((len(features), 1), np.float32)
    for name, value in weights.items():
        w[features.index(name), 0] = value
    return Model(
        name="stacked",
        version="0",
        features=features,
        classes=("chrome", "content"),
        mean=np.zeros(len(features), np.float32),
        scale=np.ones(len(features), np.float32),
        weights=(w,),
        biases=(np.array([bias], np.float32),),
    )


def test_the_context_stage_overrules_a_block_its_neighbours_contradict() -> None:
    # the first stage calls every long block content; the second calls a block content only
    # when the blocks around it are too
    first = _stage(FEATURES, {"log_words": 4.0}, -8.0)
    second = _stage(STACKED, {"window3_chrome": -20.0}, 10.0)
    lines = ["Menu", "Home", "A long line of words that reads like a sentence here.", "Login"]
    rows = features([make_block(line) for line in lines])
    alone = Classifier(first, 0.5).chrome(rows)
    both = Classifier(first, 0.5, second).chrome(rows)
    assert alone[2] < 0.5 < both[2]
    assert Classifier(first, 0.5, second).rule == "stacked@0"


def _labelled() -> list:
    blocks = [make_block("Startseite"), make_block(PROSE["de"][0]), make_block("Titel")]
    blocks[0].label, blocks[0].rule = "navigation", "section_kicker"
    blocks[2].label, blocks[2].rule = "title", "headline"
    return blocks


def test_the_model_decides_every_block_but_the_lifted_ones() -> None:
    blocks = _labelled()
    relabel(blocks, _constant(-10.0))
    assert (blocks[0].label, blocks[0].rule) == ("navigation", "section_kicker")  # agreed
    assert blocks[1].label != "body" and blocks[1].rule == "constant@0"
    assert (blocks[2].label, blocks[2].rule) == ("title", "headline")
    blocks = _labelled()
    relabel(blocks, _constant(10.0))
    assert [b.label for b in blocks] == ["body", "body", "title"]


@needs_model
@pytest.mark.parametrize("make", [_visible, _lynx, _page_markdown])
@pytest.mark.parametrize("lang", ["de", "pt"])
def test_full_page_dumps_lose_no_prose_in_other_languages(make, lang: str) -> None:
    text, prose = make(lang)
    article = clean_text(text, source=f"{lang}.txt")
    for paragraph in prose:
        assert paragraph in article.paragraphs


@needs_model
@pytest.mark.parametrize("make", [_visible, _lynx, _page_markdown])
@pytest.mark.parametrize("lang", ["de", "pt"])
def test_full_page_dumps_lose_their_menus_and_footers(make, lang: str) -> None:
    text, prose = make(lang)
    article = clean_text(text, source=f"{lang}.txt")
    kept_chrome = [p for p in article.paragraphs if p not in prose]
    assert len(kept_chrome) <= 2, kept_chrome


@needs_model
def test_model_removals_name_the_model_and_a_kind() -> None:
    text, _ = _lynx("pt")
    article = clean_text(text)
    mine = [r for r in article.removed if r.rule == MODEL.rule]
    assert mine, "the model removed nothing from a page of menus and footers"
    assert MODEL.rule.startswith("text_blocks@")
    assert {r.kind for r in mine} <= {"navigation", "sidebar", "widget", "caption", "comment"}


LISTICLE = "\n".join(
    [
        "# Seven plants that survive a dry summer",
        "",
        "Gardeners in the south have had three dry summers in a row, and many have started to "
        "replace thirsty lawns and borders with plants that need almost no watering.",
        "",
        *(
            f"{i}. {name}"
            for i, name in enumerate(
                ["Lavender", "Rosemary", "Sage", "Thyme", "Yarrow", "Sea holly", "Russian sage"], 1
            )
        ),
        "",
        "All seven grow well in poor soil, and most of them flower from June to September, "
        "which makes them popular with bees as well as with gardeners.",
        "",
        '"Water deeply, but rarely," said one grower.',
        '"Never every day."',
        "",
        "The nursery association expects sales of drought-tolerant plants to rise again this "
        "year after a record spring.",
    ]
)


@needs_model
def test_an_articles_own_lists_and_short_quotes_stay() -> None:
    article = clean_text(LISTICLE)
    for item in ("Lavender", "Sea holly", "Russian sage"):
        assert any(item in p for p in article.paragraphs), item
    assert any("Never every day." in p for p in article.paragraphs)
    assert article.title == "Seven plants that survive a dry summer"
