"""Generated pages of each type, in several languages, for page-type tests.

None is taken from the benchmark pages the page-type model is trained on: the layouts are
written here, and the text is made of words of the chosen language in random order (seeded),
so a test checks the shape of a page, not its wording.
"""

from __future__ import annotations

import random
from html import escape


def _vocabulary(text: str) -> list[str]:
    return text.split()


WORDS = {
    "de": _vocabulary(
        "der die das und ist nicht mit für auf eine dem den von sich auch Regierung Stadt "
        "Jahr Bürger Entscheidung Gesetz neue wurde haben werden nach Menschen heute sagte"
    ),
    "fr": _vocabulary(
        "le la les et est une des pour dans qui pas plus avec sur ville gouvernement année "
        "nouveau projet selon personnes depuis contre entre faire aussi tout deux"
    ),
    "es": _vocabulary(
        "el la los las y es una para con por que del más como pero sus ciudad gobierno "
        "año nuevo proyecto según personas desde contra entre hacer también"
    ),
    "ru": _vocabulary(
        "и в не на что он с по как это все она так его но да ты к у же вы за бы "
        "город правительство год новый проект люди"
    ),
    "en": _vocabulary(
        "the of and to in is that for it with as was on be by this are from at or "
        "city government year new project people since against between"
    ),
}


def sentence(rng: random.Random, lang: str, words: int) -> str:
    chosen = [rng.choice(WORDS[lang]) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def paragraph(rng: random.Random, lang: str, sentences: int = 4) -> str:
    return " ".join(sentence(rng, lang, rng.randint(10, 20)) for _ in range(sentences))


def _html(title: str, head: str, body: str, lang: str, url: str) -> str:
    """A whole page; it names its own URL (a canonical link), as most pages do."""
    nav = "".join(
        f'<li><a href="/s{i}/">{escape(w)}</a></li>' for i, w in enumerate(WORDS[lang][:8])
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<title>{escape(title)}</title><link rel="canonical" href="{url}">{head}</head><body>'
        f'<header><nav><ul class="menu">{nav}</ul></nav></header>{body}'
        f"<footer><p>© 2024</p><ul>{nav}</ul></footer></body></html>"
    )


def _meta(og: str | None, ld: str | None) -> str:
    head = f'<meta property="og:type" content="{og}">' if og else ""
    if ld:
        head += f'<script type="application/ld+json">{{"@type": "{ld}"}}</script>'
    return head


def article_page(lang: str, seed: int = 0, *, metadata: bool = True) -> tuple[str, str]:
    """A news article: a headline, a byline, a run of prose paragraphs. Returns (html, url)."""
    rng = random.Random(seed)
    title = sentence(rng, lang, 8)
    paras = "".join(f"<p>{escape(paragraph(rng, lang))}</p>" for _ in range(8))
    body = (
        f'<main><article><h1>{escape(title)}</h1><p class="byline">{escape(sentence(rng, lang, 3))}'
        f" <time>2024-05-01</time></p>{paras}</article>"
        f"<aside><h3>{escape(sentence(rng, lang, 2))}</h3><ul>"
        + "".join(
            f'<li><a href="/x/{i}">{escape(sentence(rng, lang, 7))}</a></li>' for i in range(5)
        )
        + "</ul></aside></main>"
    )
    head = _meta("article", "NewsArticle") if metadata else ""
    url = f"https://news{seed}.example/{lang}/2024/05/{'-'.join(title.lower().split()[:6])}"
    return _html(title, head, body, lang, url), url


def forum_page(lang: str, seed: int = 0, *, metadata: bool = True) -> tuple[str, str]:
    """A discussion thread: a topic and a dozen posts with author, time and a reply form."""
    rng = random.Random(seed)
    title = sentence(rng, lang, 6)
    posts = "".join(
        f'<div class="post" id="p{i}"><div class="author"><a href="/u/{i}">user{i}</a>'
        f"<span>{rng.randint(3, 900)}</span></div>"
        f"<time>2024-0{1 + i % 9}-1{i % 9} 1{i % 9}:0{i % 6}</time>"
        f'<div class="message">{escape(paragraph(rng, lang, rng.randint(1, 3)))}</div>'
        f'<a href="#reply">↩</a> <a href="#quote">❝</a></div>'
        for i in range(12)
    )
    form = '<form><textarea name="m"></textarea><button>➤</button></form>'
    body = f'<main><h1>{escape(title)}</h1><div class="thread">{posts}</div>{form}</main>'
    head = _meta("website", "DiscussionForumPosting") if metadata else ""
    url = f"https://forum{seed}.example/t/{rng.randint(10000, 99999)}?page=2"
    return _html(title, head, body, lang, url), url


def product_page(lang: str, seed: int = 0, *, metadata: bool = True) -> tuple[str, str]:
    """A shop page: a name, a price, size and quantity inputs, a description, a spec table."""
    rng = random.Random(seed)
    title = sentence(rng, lang, 3)
    specs = "".join(
        f"<tr><th>{escape(rng.choice(WORDS[lang]))}</th><td>{rng.randint(1, 99)} cm</td></tr>"
        for _ in range(8)
    )
    related = "".join(
        f'<li class="item"><a href="/p/{i}"><img src="/i/{i}.jpg">'
        f"{escape(sentence(rng, lang, 2))}</a>"
        f"<span>{rng.randint(5, 300)},{rng.randint(10, 99)} €</span></li>"
        for i in range(8)
    )
    body = (
        f'<main><h1>{escape(title)}</h1><div class="gallery"><img src="/a.jpg"><img src="/b.jpg">'
        f"</div><p><strong>{rng.randint(20, 400)},{rng.randint(10, 99)} €</strong></p>"
        '<form><select name="size"><option>S</option><option>M</option><option>L</option>'
        '</select><input type="number" name="qty" value="1"><button>+</button></form>'
        f"<p>{escape(paragraph(rng, lang, 3))}</p><table>{specs}</table>"
        f'<ul class="related">{related}</ul></main>'
    )
    head = _meta("product", "Product") if metadata else ""
    url = f"https://shop{seed}.example/p/{rng.randint(100000, 999999)}.html"
    return _html(title, head, body, lang, url), url


def documentation_page(lang: str, seed: int = 0, *, metadata: bool = True) -> tuple[str, str]:
    """Reference documentation: a table of contents, sections with code and parameters."""
    rng = random.Random(seed)
    title = sentence(rng, lang, 3)
    toc = "".join(
        f'<li><a href="#s{i}">{escape(sentence(rng, lang, 2))}</a></li>' for i in range(15)
    )
    sections = "".join(
        f'<h2 id="s{i}">{escape(sentence(rng, lang, 3))}</h2>'
        f"<p>{escape(paragraph(rng, lang, 1))}</p>"
        f"<pre><code>client = Client(timeout={i})\nclient.fetch('/v{i}', retries=3)</code></pre>"
        f"<table><tr><th>name</th><th>type</th></tr><tr><td><code>timeout</code></td>"
        f"<td><code>int</code></td></tr></table>"
        for i in range(6)
    )
    body = (
        f'<div class="layout"><nav><ul>{toc}</ul></nav>'
        f"<main><h1>{escape(title)}</h1>{sections}</main></div>"
    )
    head = _meta(None, "TechArticle") if metadata else ""
    url = f"https://docs{seed}.example/v2/reference/client.html"
    return _html(title, head, body, lang, url), url


def listing_page(lang: str, seed: int = 0, *, metadata: bool = True) -> tuple[str, str]:
    """A section front: twenty linked headlines, each with a one-line teaser and a date."""
    rng = random.Random(seed)
    title = sentence(rng, lang, 1)
    cards = "".join(
        f'<article class="card"><h3><a href="/{lang}/2024/05/{i}">'
        f"{escape(sentence(rng, lang, 8))}</a></h3><p>{escape(sentence(rng, lang, 14))}</p>"
        f"<time>2024-05-{1 + i % 28:02d}</time></article>"
        for i in range(20)
    )
    body = f"<main><h1>{escape(title)}</h1><section>{cards}</section></main>"
    head = _meta("website", "CollectionPage") if metadata else ""
    url = f"https://news{seed}.example/{lang}/section/"
    return _html(title, head, body, lang, url), url
