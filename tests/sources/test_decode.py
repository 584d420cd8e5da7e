"""decode(): the encoding order, the rejects, and what is recovered from hostile bytes."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from sources.decode import SNIFF_BYTES, Decoded, RejectInput, decode
from tests.helpers import hostile


def rejected(data: bytes, **kwargs: object) -> RejectInput:
    with pytest.raises(RejectInput) as caught:
        decode(data, source=str(kwargs.pop("source", "doc.txt")), **kwargs)
    return caught.value


# --- rejects -------------------------------------------------------------------------


def test_empty_is_rejected_with_source_and_reason(tmp_path: Path) -> None:
    path = hostile.empty_file(tmp_path)
    error = rejected(path.read_bytes(), source=str(path))
    assert (error.source, error.reason) == (str(path), "empty (0 bytes)")
    assert str(error) == f"{path}: empty (0 bytes)"


def test_blank_is_rejected(tmp_path: Path) -> None:
    error = rejected(hostile.blank_file(tmp_path).read_bytes())
    assert error.reason == "blank (only whitespace)"


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_blank_in_any_encoding_is_rejected(encoding: str) -> None:
    assert rejected(" \r\n\t \n".encode(encoding)).reason == "blank (only whitespace)"


def test_png_under_a_text_name_is_binary(tmp_path: Path) -> None:
    path = hostile.png_file(tmp_path)
    error = rejected(path.read_bytes(), source=str(path))
    assert error.reason == "binary (PNG image)"
    assert str(path) in str(error)


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("story.txt", "A story.")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (_zip(), "ZIP archive"),
        (b"\x7fELF\x02\x01\x01" + bytes(64), "ELF executable"),
        (gzip.compress(b"<html><body>gzip where text was expected</body></html>"), "gzip data"),
        (b"GIF89a\x01\x00\x01\x00", "GIF image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
    ],
)
def test_known_signatures_are_binary(data: bytes, kind: str) -> None:
    assert rejected(data).reason == f"binary ({kind})"


def test_random_bytes_are_binary(tmp_path: Path) -> None:
    reason = rejected(hostile.random_binary(tmp_path).read_bytes()).reason
    assert reason.startswith("binary (control characters:")


def test_text_padded_with_nul_runs_is_binary(tmp_path: Path) -> None:
    reason = rejected(hostile.nul_padded(tmp_path).read_bytes()).reason
    assert reason.startswith("binary (NUL bytes:")


@pytest.mark.parametrize("count", [1, 3, 8])
def test_stray_nuls_are_stripped(tmp_path: Path, count: int) -> None:
    path, text = hostile.stray_nuls(tmp_path, count=count)
    assert path.read_bytes().count(0) == count
    assert decode(path.read_bytes(), source=str(path)) == Decoded(text, "utf-8")


def test_reject_message_stays_on_one_line(tmp_path: Path) -> None:
    error = rejected(b"", source="new\nline\r.txt")
    assert error.source == "new\nline\r.txt"
    assert str(error) == "new\\nline\\r.txt: empty (0 bytes)"


# --- byte-order marks and UTF-16 without one -----------------------------------------


@pytest.mark.parametrize(
    ("encoding", "reported"), [("utf-8", "utf-8"), ("utf-16", "utf-16"), ("utf-32", "utf-32")]
)
def test_bom_decides_and_is_dropped(tmp_path: Path, encoding: str, reported: str) -> None:
    path = hostile.encoded_file(tmp_path, "bom.txt", hostile.UTF8_TEXT, encoding, bom=True)
    assert decode(path.read_bytes(), source="x") == Decoded(hostile.UTF8_TEXT, reported)


def test_bom_beats_a_wrong_declaration() -> None:
    data = hostile.CP1252_TEXT.encode("utf-16")
    assert decode(data, source="x", declared="cp1252") == Decoded(hostile.CP1252_TEXT, "utf-16")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [hostile.UTF8_TEXT, hostile.LATIN1_TEXT, hostile.CP1252_TEXT])
def test_utf16_without_bom_is_found_from_nul_bytes(
    tmp_path: Path, encoding: str, text: str
) -> None:
    path = hostile.encoded_file(tmp_path, "wide.txt", text, encoding)
    assert decode(path.read_bytes(), source="x") == Decoded(text, encoding)


# --- declarations --------------------------------------------------------------------


def test_declared_charset_is_used() -> None:
    data = hostile.JAPANESE_TEXT.encode("shift_jis")
    assert decode(data, source="x", declared="Shift_JIS") == Decoded(
        hostile.JAPANESE_TEXT, "shift_jis"
    )


def test_declared_latin1_reads_as_cp1252() -> None:
    data = hostile.CP1252_TEXT.encode("cp1252")
    assert decode(data, source="x", declared="ISO-8859-1") == Decoded(hostile.CP1252_TEXT, "cp1252")


@pytest.mark.parametrize("declared", ["iso-8859-1", "windows-1252", "koi8-r", "shift_jis"])
def test_valid_utf8_beats_a_declared_legacy_charset(declared: str) -> None:
    data = hostile.UTF8_TEXT.encode()
    assert decode(data, source="x", declared=declared) == Decoded(hostile.UTF8_TEXT, "utf-8")


@pytest.mark.parametrize("declared", ["utf-8", "x-no-such-charset", "base64", "utf-7", ""])
def test_wrong_or_unusable_declarations_are_ignored(declared: str) -> None:
    data = hostile.CP1252_TEXT.encode("cp1252")
    assert decode(data, source="x", declared=declared) == Decoded(hostile.CP1252_TEXT, "cp1252")


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="Shift_JIS">',
        "<meta charset=shift_jis>",
        '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">',
        "<META CONTENT='text/html; charset=shift_jis' HTTP-EQUIV='Content-Type'>",
    ],
)
def test_meta_charset_in_html_is_used(tmp_path: Path, meta: str) -> None:
    page = hostile.html_page(hostile.JAPANESE_TEXT, meta=meta)
    path = hostile.encoded_file(tmp_path, "ja.html", page, "shift_jis")
    assert decode(path.read_bytes(), source="x", html=True) == Decoded(page, "shift_jis")


def test_meta_is_not_sniffed_outside_html() -> None:
    page = hostile.html_page(hostile.UTF8_TEXT, meta='<meta charset="koi8-r">')
    data = page.encode("cp1252")
    assert decode(data, source="x").encoding != "koi8-r"
    assert decode(data, source="x", html=True) == Decoded(data.decode("koi8-r"), "koi8-r")


def test_xml_declaration_is_used_for_xhtml() -> None:
    page = '<?xml version="1.0" encoding="windows-1251"?>\n' + hostile.html_page("Москва, Киев.")
    assert decode(page.encode("cp1251"), source="x", html=True) == Decoded(page, "cp1251")


def test_meta_declaring_utf16_is_ignored() -> None:
    page = hostile.html_page(hostile.UTF8_TEXT, meta='<meta charset="utf-16">')
    assert decode(page.encode(), source="x", html=True) == Decoded(page, "utf-8")


# --- CJK pages, with and without a declaration ----------------------------------------


@pytest.mark.parametrize(
    ("text", "meta", "expected"),
    [
        (hostile.JAPANESE_TEXT, '<meta charset="Shift_JIS">', "shift_jis"),
        # ① is only in the Windows superset: strict Shift_JIS fails, cp932 reads it.
        (hostile.JAPANESE_VENDOR_TEXT, '<meta charset="Shift_JIS">', "cp932"),
        (hostile.JAPANESE_TEXT, None, "cp932"),
        (hostile.JAPANESE_VENDOR_TEXT, None, "cp932"),
    ],
)
def test_shift_jis_html(tmp_path: Path, text: str, meta: str | None, expected: str) -> None:
    page = hostile.html_page(text, title="ニュース", meta=meta)
    path = hostile.encoded_file(tmp_path, "ja.html", page, "cp932")
    assert decode(path.read_bytes(), source="x", html=True) == Decoded(page, expected)


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        # 镕 is not in GB2312, a label many Chinese sites still declare: widened to GB18030.
        ('<meta charset="gb2312">', "gb18030"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=GBK">', "gbk"),
        ('<meta charset="GB18030">', "gb18030"),
        (None, "gb18030"),
    ],
)
def test_gb18030_html(tmp_path: Path, meta: str | None, expected: str) -> None:
    page = hostile.html_page(hostile.CHINESE_TEXT, title="新闻", meta=meta)
    path = hostile.encoded_file(tmp_path, "zh.html", page, "gb18030")
    assert decode(path.read_bytes(), source="x", html=True) == Decoded(page, expected)


# --- undeclared legacy text ----------------------------------------------------------


def test_cp1252_smart_quotes(tmp_path: Path) -> None:
    path = hostile.encoded_file(tmp_path, "smart.txt", hostile.CP1252_TEXT, "cp1252")
    assert decode(path.read_bytes(), source="x") == Decoded(hostile.CP1252_TEXT, "cp1252")


def test_latin1_reads_as_cp1252_its_superset(tmp_path: Path) -> None:
    path = hostile.encoded_file(tmp_path, "latin.txt", hostile.LATIN1_TEXT, "latin-1")
    assert decode(path.read_bytes(), source="x") == Decoded(hostile.LATIN1_TEXT, "cp1252")


#: A paragraph of local news per language: one-line snippets are too short to tell
#: cp1250 from cp1252 reliably, a real article paragraph is not.
LEGACY_PARAGRAPHS = [
    (
        "Der Bürgermeister sagte am Dienstag, die Straße werde wegen der Bauarbeiten für "
        "drei Wochen gesperrt. Anwohner äußerten Ärger über die kurzfristige "
        "Ankündigung. „Wir wurden nicht gefragt“, sagte eine Geschäftsführerin. Die "
        "Stadt prüft nun Umleitungen über die Brücke am Fluss.\n",
        "cp1252",
    ),
    (
        "Le maire a annoncé mardi que la rue serait fermée pendant trois semaines. Les "
        "riverains ont exprimé leur colère face à cette décision prise « sans "
        "concertation ». La municipalité étudie désormais des déviations par le pont et "
        "promet une réunion publique à l’hôtel de ville.\n",
        "cp1252",
    ),
    (
        "El alcalde anunció el martes que la calle permanecerá cerrada durante tres "
        "semanas. Los vecinos expresaron su enfado por una decisión tomada «sin "
        "consultar a nadie». El ayuntamiento estudia desvíos por el puente y promete una "
        "reunión pública en la próxima sesión.\n",
        "cp1252",
    ),
    (
        "O prefeito anunciou na terça-feira que a rua ficará fechada por três semanas. "
        "Os moradores manifestaram irritação com a decisão, tomada sem consulta. A "
        "prefeitura estuda desvios pela ponte e promete uma reunião pública na próxima "
        "sessão da câmara.\n",
        "cp1252",
    ),
    (
        "Burmistrz ogłosił we wtorek, że ulica zostanie zamknięta na trzy tygodnie. "
        "Mieszkańcy wyrazili złość z powodu decyzji podjętej bez konsultacji. Urząd "
        "miasta rozważa objazdy przez most i obiecuje spotkanie publiczne w przyszłym "
        "tygodniu w ratuszu.\n",
        "cp1250",
    ),
    (
        "Polgármester kedden bejelentette, hogy az utcát három hétre lezárják. A lakók "
        "felháborodtak a döntés miatt, amelyet egyeztetés nélkül hoztak. A város "
        "kerülőutakat vizsgál a hídon keresztül, és nyilvános fórumot ígér a jövő héten.\n",
        "cp1250",
    ),
    (
        "Мэр объявил во вторник, что улица будет закрыта на три недели. Жители выразили "
        "недовольство решением, принятым без обсуждения. Городская администрация "
        "рассматривает объезды через мост и обещает провести публичные слушания на "
        "следующей неделе.\n",
        "cp1251",
    ),
    (
        "Ο δήμαρχος ανακοίνωσε την Τρίτη ότι ο δρόμος θα παραμείνει κλειστός για τρεις "
        "εβδομάδες. Οι κάτοικοι εξέφρασαν την αντίδρασή τους για την απόφαση, που ελήφθη "
        "χωρίς διαβούλευση. Ο δήμος εξετάζει παρακάμψεις μέσω της γέφυρας.\n",
        "cp1253",
    ),
    (
        "Belediye başkanı salı günü caddenin üç hafta boyunca kapalı kalacağını "
        "açıkladı. Mahalle sakinleri, danışılmadan alınan karara tepki gösterdi. "
        "Belediye köprü üzerinden alternatif güzergâhları inceliyor ve gelecek hafta "
        "halka açık bir toplantı yapacağını söylüyor.\n",
        "cp1254",
    ),
    (
        "Meras antradienį paskelbė, kad gatvė bus uždaryta trims savaitėms. Gyventojai "
        "išreiškė nepasitenkinimą sprendimu, priimtu be konsultacijų. Savivaldybė "
        "svarsto apvažiavimus per tiltą ir žada viešą susitikimą kitą savaitę rotušėje.\n",
        "cp1257",
    ),
]


@pytest.mark.parametrize(("text", "encoding"), LEGACY_PARAGRAPHS, ids=lambda v: v[:12])
def test_legacy_charsets_are_guessed(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding), source="x") == Decoded(text, encoding)


def test_mostly_utf8_keeps_utf8_and_marks_the_breaks(tmp_path: Path) -> None:
    path, expected = hostile.invalid_utf8(tmp_path)
    assert decode(path.read_bytes(), source="x") == Decoded(expected, "utf-8")


def test_utf8_cut_mid_character_keeps_utf8() -> None:
    data = hostile.UTF8_TEXT.encode() + "é".encode()[:1]
    assert decode(data, source="x") == Decoded(hostile.UTF8_TEXT + "\ufffd", "utf-8")


def test_guess_looks_past_a_long_ascii_head() -> None:
    head = "<p>" + "plain ascii " * (SNIFF_BYTES // 6) + "</p>\n"
    text = head + hostile.CP1252_TEXT
    assert len(head) >= 2 * SNIFF_BYTES
    assert decode(text.encode("cp1252"), source="x") == Decoded(text, "cp1252")
