"""Supporters' handbook (A5) and the booklet imposed from it (A4 landscape, two-up)."""

from __future__ import annotations

import re

import pytest

from app.printing.handbook import BOOKLET_PAGES, booklet_order, booklet_parts, impose
from tests.printing.pdfcheck import A4_LANDSCAPE, A5, flat, page_sizes, page_texts

VISION = "動ける人がお互いに見守る交流のあるまち"
LISTED = ("小林 美智子", "大澤 勝利", "渡辺 久美子", "山口 健一")
NOT_CONSENTED = ("田中 幸子", "吉田 弘子", "阿部 千代", "中村 博")
LEFT = "松本 義男"  # consented, but has left (退会)


@pytest.fixture(scope="module")
def handbook(rendered):
    return rendered("handbook")


@pytest.fixture(scope="module")
def handbook_text(handbook):
    return flat("".join(page_texts(handbook.path)))


def test_a5_with_at_least_eight_pages(handbook):
    assert handbook.pages >= 8
    assert set(page_sizes(handbook.path)) == {A5}
    assert len(page_sizes(handbook.path)) == handbook.pages


def test_every_body_page_is_numbered_in_order(handbook):
    texts = page_texts(handbook.path)
    assert not re.search(r"-\s*1\s*-", texts[0])  # the cover carries no number
    for number, text in enumerate(texts[1:], start=2):
        assert f"-{number}-" in flat(text)


CHAPTERS = ("八幡地区協議体と目指す地域像", "サポーターの活動", "安全に活動するために",
            "個人情報を守る約束", "地域の社会資源（集まり・活動）", "困ったとき・連絡先",
            "サポーター・協議体メンバー")


def _contents(path) -> list[tuple[str, int]]:
    """The もくじ page read back: (chapter, page) in order."""
    lines = [line.strip() for line in page_texts(path)[1].splitlines() if line.strip()]
    assert "もくじ" in lines
    found = []
    for title, number in zip(lines, lines[1:], strict=False):
        if title in CHAPTERS and number.isdigit():
            found.append((title, int(number)))
    return found


def _body(text: str) -> str:
    """A page's text without its footer number (extracted first)."""
    return re.sub(r"^-\d+-", "", flat(text))


@pytest.mark.slow
def test_contents_page_lists_every_chapter_on_its_real_page(handbook):
    entries = _contents(handbook.path)
    assert [t for t, _ in entries] == list(CHAPTERS)
    texts = page_texts(handbook.path)
    for title, number in entries:
        assert _body(texts[number - 1]).startswith(flat(title)), (title, number)
        assert f"- {number} -" in texts[number - 1]


@pytest.mark.slow
def test_contents_of_the_stress_handbook(stress_template, tmp_path):
    from app.printing import render
    from app.services import councils
    from app.services.stress import STRESS_COUNCIL
    from app.store import Store

    with Store.open(stress_template) as store:
        council = councils.find_council(store, STRESS_COUNCIL)
        result = render(store, "handbook", council.id, tmp_path / "handbook.pdf")
    texts = page_texts(result.path)
    lines = [line.strip() for line in texts[1].splitlines() if line.strip()]
    members = lines.index("サポーター・協議体メンバー")
    page = int(lines[members + 1])
    assert _body(texts[page - 1]).startswith("サポーター・協議体メンバー")
    assert page < result.pages - 50  # the long member list follows it


def test_sections_vision_resources_and_contacts(handbook_text):
    for heading in ("地域支え合いサポーター", "ハンドブック", "目指す地域像", "サポーターの活動",
                    "地域づくりを考える人", "サービスの担い手", "安全に活動するために",
                    "個人情報を守る約束", "地域の社会資源", "困ったとき・連絡先", "メモ"):
        assert heading in handbook_text, heading
    assert f"「{VISION}」" in handbook_text
    for phone in ("027-000-0111", "027-000-0222", "027-000-0100"):
        assert phone in handbook_text
    for resource in ("ミチの会", "カラオケ", "移動販売", "お休み処のベンチ"):
        assert resource in handbook_text
    assert "毎週火・金曜日10:00〜12:00又は18:00〜21:00" in handbook_text
    assert "平成29年1月30日" in handbook_text and "65人" in handbook_text


def test_only_consenting_active_members_are_listed_without_phones(handbook_text):
    for name in LISTED:
        assert flat(name) in handbook_text, name
    for name in (*NOT_CONSENTED, LEFT):
        assert flat(name) not in handbook_text, name
    assert "090-0000-" not in handbook_text  # members' own numbers never go in the handbook
    assert "高崎市金井淵" not in handbook_text  # nor addresses


@pytest.mark.parametrize("pages, expected", [
    (8, [(8, 1), (2, 7), (6, 3), (4, 5)]),
    (4, [(4, 1), (2, 3)]),
    (5, [(8, 1), (2, 7), (6, 3), (4, 5)]),
    (12, [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]),
])
def test_booklet_order(pages, expected):
    assert booklet_order(pages) == expected


def _numbers_by_half(path):
    """For each sheet side: the page numbers printed in its left and right halves, read with
    pdfium's text boxes (what is really drawn where, however the pages were placed)."""
    import pypdfium2 as pdfium

    out = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            width, height = page.get_size()
            text = page.get_textpage()
            halves = {}
            for side, (x0, x1) in (("left", (0, width / 2)), ("right", (width / 2, width))):
                found = text.get_text_bounded(left=x0, bottom=0, right=x1, top=height)
                halves[side] = [int(n) for n in  # the footer 「- 8 -」, not 027-000-0111
                                re.findall(r"(?<![\w-])- (\d+) -(?![\w-])", found)]
            out.append(halves)
    finally:
        pdf.close()
    return out


def test_booklet_is_a4_landscape_in_folding_order(rendered, handbook):
    booklet = rendered("booklet")
    total = -(-handbook.pages // 4) * 4
    assert booklet.pages == total // 2
    assert set(page_sizes(booklet.path)) == {A4_LANDSCAPE}
    found = _numbers_by_half(booklet.path)
    for side, (left, right) in zip(found, booklet_order(handbook.pages), strict=True):
        # page 1 (cover) and padding pages carry no number
        assert side["left"] == ([left] if 1 < left <= handbook.pages else [])
        assert side["right"] == ([right] if 1 < right <= handbook.pages else [])
    text = flat("".join(page_texts(booklet.path)))
    assert f"「{VISION}」" in text and "027-000-0111" in text


@pytest.mark.parametrize(("pages", "parts"), [
    (8, [(1, 8)]), (40, [(1, 40)]), (41, [(1, 24), (25, 41)]), (80, [(1, 40), (41, 80)]),
    (161, [(1, 36), (37, 72), (73, 108), (109, 144), (145, 161)])])
def test_long_handbooks_become_several_booklets(pages, parts):
    found = booklet_parts(pages)
    assert [(p.start, p.stop - 1) for p in found] == parts
    assert all(len(p) <= BOOKLET_PAGES for p in found)


def test_each_booklet_is_imposed_on_its_own_sheets(tmp_path):
    import io

    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A5)
    for number in range(1, 42):
        c.drawString(190, 30, f"- {number} -")
        c.showPage()
    c.save()
    data, sides = impose(buffer.getvalue(), 41)
    path = tmp_path / "booklets.pdf"
    path.write_bytes(data)
    assert sides == 2 * (24 // 4 + 5)  # 6 sheets, then 5 (17 pages padded to 20)
    found = _numbers_by_half(path)
    assert found[0] == {"left": [24], "right": [1]}  # booklet 1 folds around pages 1..24
    assert found[12] == {"left": [], "right": [25]}  # booklet 2 starts on a sheet of its own
    printed = sorted(n for side in found for n in side["left"] + side["right"])
    assert printed == list(range(1, 42))
