"""Roster (council's own use, with phone numbers) and the attendance sheet."""

from __future__ import annotations

from tests.printing.pdfcheck import A4, flat, page_sizes, page_texts

NOT_CONSENTED = ("田中 幸子", "吉田 弘子", "阿部 千代")


def test_roster_lists_everyone_still_in_the_council_with_phones(rendered):
    result = rendered("roster")
    assert set(page_sizes(result.path)) == {A4}
    text = flat("".join(page_texts(result.path)))
    for name in (*NOT_CONSENTED, "小林 美智子", "中村 博"):  # 中村: 休止, still listed
        assert flat(name) in text, name
    assert flat("松本 義男") not in text  # 退会
    assert "090-0000-1004" in text  # 田中 幸子's number
    assert "取扱注意" in text
    assert "高崎市八幡1" not in text  # no addresses


def test_member_without_handbook_consent_is_in_roster_but_not_handbook(rendered):
    roster = flat("".join(page_texts(rendered("roster").path)))
    handbook = flat("".join(page_texts(rendered("handbook").path)))
    for name in NOT_CONSENTED:
        assert flat(name) in roster and flat(name) not in handbook


def test_attendance_sheet_has_active_members_next_meeting_and_blank_rows(rendered):
    result = rendered("attendance")
    assert result.pages == 1 and page_sizes(result.path) == [A4]
    text = flat(page_texts(result.path)[0])
    assert "出欠表" in text and "八幡公民館" in text and "10:00〜12:00" in text
    assert flat("小林 美智子") in text
    assert flat("中村 博") not in text and flat("松本 義男") not in text  # not active
    assert "090-0000" not in text
    assert "出席" in text and "記録者" in text


def test_attendance_blank_rows_can_be_chosen(rendered):
    result = rendered("attendance", blank_rows=40)
    assert result.pages >= 2
    texts = page_texts(result.path)
    assert "番号" in texts[1] and "出欠" in texts[1]  # the header row repeats
    assert "60" in flat(texts[-1])  # 20 members + 40 blank lines, numbered
