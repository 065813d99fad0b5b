"""回覧 flyer: A4, one sheet, large type, vision, meeting and phone numbers, stamp box."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from pypdf import PdfReader

from app.errors import UserError
from app.printing import FLYER_TEMPLATES, render
from app.services import councils, meetings
from app.store import Store
from tests.printing.pdfcheck import (
    A4,
    flat,
    font_is_embedded,
    fonts,
    ink_fraction,
    page_sizes,
    page_texts,
    render_pages,
    text_sizes,
)

VISION = "動ける人がお互いに見守る交流のあるまち"
PHONES = ("027-000-0111", "027-000-0222", "027-000-0100")


@pytest.mark.parametrize("template", list(FLYER_TEMPLATES))
def test_each_template_is_one_a4_sheet_with_vision_and_phones(rendered, template):
    result = rendered("flyer", template=template)
    assert result.pages == 1
    # The demo keeps one activity unchecked for 15 months on purpose: the meeting flyer,
    # which lists the council's activities with their next date, must say it left it out.
    stale = [w for w in result.warnings if w.startswith("1年以上確認されていない社会資源")]
    assert len(stale) == (1 if template == "meeting" else 0)
    assert len(result.warnings) == len(stale)
    assert page_sizes(result.path) == [A4]
    text = flat(page_texts(result.path)[0])
    assert f"「{VISION}」" in text
    for phone in PHONES:
        assert phone in text
    assert "高齢者あんしんセンター八幡" in text
    assert "回覧" in text and "確認印" in text
    assert "八幡公民館" in text


@pytest.mark.parametrize("template", list(FLYER_TEMPLATES))
def test_type_is_large_enough_for_elderly_readers(rendered, template):
    runs = text_sizes(rendered("flyer", template=template).path)
    assert min(size for size, _ in runs) >= 12
    assert max(size for size, _ in runs) >= 28  # the title


def test_titles_and_what_a_council_is(rendered):
    text = flat(page_texts(rendered("flyer", template="launch").path)[0])
    assert "八幡地区協議体が発足しました" in text
    assert "「協議体」とは" in text
    assert "毎月第3水曜日10:00〜12:00" in text
    assert "地域支え合いサポーター募集" in flat(page_texts(rendered("flyer", template="recruit").path)[0])
    assert "八幡地区協議体だより" in flat(page_texts(rendered("flyer", template="newsletter").path)[0])
    assert "会議のお知らせ" in flat(page_texts(rendered("flyer", template="meeting").path)[0])


def test_fonts_are_embedded_and_page_renders(rendered):
    path = rendered("flyer", template="launch").path
    found = fonts(path)
    assert found and all(font_is_embedded(f) for f in found)
    assert all("BIZUD" in str(f.get("/BaseFont")) for f in found)
    (image,) = render_pages(path)
    assert 0.02 < ink_fraction(image) < 0.6


def test_japanese_template_name_and_custom_headline(rendered):
    result = rendered("flyer", template="サポーター募集", headline="見守り隊を募集します")
    text = flat(page_texts(result.path)[0])
    assert "見守り隊を募集します" in text and "2種類のサポーター" in text


def test_unknown_template_is_refused(rendered):
    with pytest.raises(UserError, match="テンプレート"):
        rendered("flyer", template="夏祭り")


@pytest.mark.slow
def test_long_body_is_shortened_to_one_sheet_with_a_warning(rendered):
    body = "\n".join(f"第{i}段落：地域の支え合いについて、みなさんと一緒に考えていきたいと思います。"
                     for i in range(1, 41))
    result = rendered("flyer", template="launch", body=body)
    assert result.pages == 1 and len(PdfReader(result.path).pages) == 1
    assert any("段落を省きました" in w for w in result.warnings)
    text = flat(page_texts(result.path)[0])
    assert "第1段落" in text and "第40段落" not in text
    assert "確認印" in text
    assert min(size for size, _ in text_sizes(result.path)) >= 12


def test_council_without_vision_or_contacts_still_prints_and_warns(rendered):
    result = rendered("flyer", council="榛名", template="launch")
    assert result.pages == 1
    assert any("連絡先" in w for w in result.warnings)
    assert "これからみなさんと話し合って決めます" in flat(page_texts(result.path)[0])


def test_stamp_cells_can_be_labelled_per_han(rendered):
    result = rendered("flyer", template="launch", stamps=["1班", "2班", "3班", "4班", "5班", "6班"])
    assert "6班" in flat(page_texts(result.path)[0])


TODAY = dt.date(2026, 6, 1)
BIG_CONTACTS = [
    {"kind": kind, "name": f"{name}{i}号窓口（地域包括支援センター相談係）", "person": f"担当者{i}",
     "phone": f"027-000-{i:04d}"}
    for i, (kind, name) in enumerate([
        ("あんしんセンター", "高齢者あんしんセンター八幡北部ふれあい地域支え合い"),
        ("社協", "社会福祉協議会八幡支所地域福祉推進課ボランティア"),
        ("市", "市役所健康福祉部長寿社会課地域支え合い推進係"),
        ("その他", "特定非営利活動法人八幡みんなの居場所づくりネット"),
        ("その他", "八幡地区民生委員児童委員協議会ならびに自治会連合"),
        ("あんしんセンター", "高齢者あんしんセンター八幡南部ふれあい地域支え合い"),
    ], start=1)]


@pytest.fixture(scope="module")
def big(tmp_path_factory, template_db):
    """A council whose every list is long: six long contacts, a long vision, many meetings."""
    path = tmp_path_factory.mktemp("bigflyer") / "big.sqlite3"
    shutil.copyfile(template_db, path)
    store = Store.open(path)
    council = councils.create_council(
        store,
        {"name": "八幡北部第二地区ふれあい支え合い推進協議体（第2層）", "tier": 2,
         "area_name": "八幡北部第二地区（上八幡町・下八幡町・中八幡町・八幡台一丁目から五丁目）",
         "meeting_place": "八幡北部第二地区ふれあいコミュニティセンター二階大会議室",
         "meeting_schedule": "第3(水) 10:00〜12:00"},
        contacts=BIG_CONTACTS,
        vision={"phrase": "誰もが住み慣れた地域で最期まで自分らしく安心して暮らし続けられる、"
                          "お互いさまの心で支え合うあたたかいまち",
                "subtitle": "見守り・声かけ・居場所づくり・移動の支援・買い物の支援を、"
                            "地域のみんなの力でひとつずつ形にしていきます"})
    for i in range(16):
        meetings.create_meeting(store, council.id, {
            "held_on": TODAY - dt.timedelta(days=30 * (i + 1)) if i else TODAY + dt.timedelta(days=9),
            "start_time": "10:00", "end_time": "12:00", "title": f"第{i + 1}回定例会",
            "venue": "八幡北部第二地区ふれあいコミュニティセンター二階大会議室",
            "minutes": "見守り活動の進め方と、居場所づくりの候補地について話し合いました。" * 3})
    blank = councils.create_council(store, {"name": "空白地区協議体", "tier": 2})
    out = tmp_path_factory.mktemp("bigpdfs")
    yield store, council, blank, out
    store.close()


@pytest.mark.parametrize("template", list(FLYER_TEMPLATES))
@pytest.mark.slow
def test_large_council_fits_one_sheet_with_stamp_grid(big, template):
    store, council, _blank, out = big
    result = render(store, "flyer", council.id, out / f"big-{template}.pdf", template=template,
                    today=TODAY)
    assert result.pages == 1 and len(PdfReader(result.path).pages) == 1
    text = flat(page_texts(result.path)[0])
    assert "回覧確認印" in text
    shown = [c for c in BIG_CONTACTS if c["phone"] in text]
    assert shown
    if len(shown) < len(BIG_CONTACTS):
        assert f"ほか{len(BIG_CONTACTS) - len(shown)}件" in text
        assert any("問い合わせ先" in w and "ほか" in w for w in result.warnings)
    assert min(size for size, _ in text_sizes(result.path)) >= 12
    assert max(size for size, _ in text_sizes(result.path)) >= 28


def test_meeting_flyer_without_meeting_or_contacts_prints_blanks(big):
    store, _council, blank, out = big
    result = render(store, "flyer", blank.id, out / "blank.pdf", template="meeting", today=TODAY)
    assert result.pages == 1
    text = flat(page_texts(result.path)[0])
    assert "日時" in text and "月日（）時から" in text
    assert "場所" in text and "＿＿＿＿" in text
    assert "名前：＿" in text and "☎＿" in text
    assert any("次の会議が入っていません" in w and "「会議・活動」ページ" in w
               for w in result.warnings)
    assert any("連絡先が入っていません" in w and "「協議体の設定」ページ" in w
               for w in result.warnings)
