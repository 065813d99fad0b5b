"""Every document for a council of real size (西部中央地区: 2,000 members, 300 resources, long
names): it prints, nothing overprints or runs off the sheet, and nobody is left out."""

from __future__ import annotations

import shutil

import pytest

from app.printing import render
from app.services import members, resources
from app.services.stress import STRESS_COUNCIL, STRESS_MEMBERS, load_stress
from app.store import Store
from tests.conftest import STRESS_TODAY
from tests.printing.pdfcheck import flat, layout_faults, page_fill, page_sizes, page_texts

pytestmark = pytest.mark.slow  # every document of the council of 2,000 members

TODAY = STRESS_TODAY
KINDS = ("handbook", "booklet", "resources", "resource-map", "needs", "survey-results",
         "survey-form", "roster", "attendance")


@pytest.fixture(scope="module")
def stress(tmp_path_factory, stress_template):
    path = tmp_path_factory.mktemp("stress") / "stress.sqlite3"
    shutil.copyfile(stress_template, path)
    store = Store.open(path)
    council_id = load_stress(store, today=TODAY)
    yield store, council_id, path.parent
    store.close()


@pytest.fixture(scope="module")
def printed(stress):
    store, council_id, folder = stress
    cache = {}

    def get(kind: str):
        if kind not in cache:
            cache[kind] = render(store, kind, council_id, folder / f"{kind}.pdf", today=TODAY)
        return cache[kind]
    return get


def test_the_stress_council_is_loaded_once_through_the_services(stress):
    store, council_id, _ = stress
    assert load_stress(store) == council_id  # a second load changes nothing
    people = members.list_members(store, council_id)
    assert len(people) == STRESS_MEMBERS
    assert max(len(m.name) for m in people) == 40
    assert len(resources.list_resources(store, council_id)) == 300


@pytest.mark.parametrize("kind", KINDS)
def test_no_text_overprints_or_leaves_the_printable_area(printed, kind):
    result = printed(kind)
    assert result.pages >= 1
    assert layout_faults(result.path) == []


def test_attendance_sheet_lists_every_active_member_with_long_names_whole(stress, printed):
    store, council_id, _ = stress
    text = flat("".join(page_texts(printed("attendance").path)))
    active = [m for m in members.list_members(store, council_id) if m.status == "活動中"]
    missing = [m.name for m in active if flat(m.name) not in text]
    assert missing == []


def test_resources_unchecked_for_a_year_print_no_confident_date(stress, printed):
    store, council_id, _ = stress
    text = flat("".join(page_texts(printed("resources").path)))
    assert "次回は要確認" in text
    stale = [r for r in resources.list_resources(store, council_id)
             if resources.is_stale(r, TODAY)]
    assert stale and len(stale) < 300


def test_names_are_never_doubled(printed):
    for kind in ("handbook", "resources", "needs"):
        text = flat("".join(page_texts(printed(kind).path)))
        assert f"{STRESS_COUNCIL}協議体" in text or f"{STRESS_COUNCIL}の" in text
        assert "地区地区" not in text and "協議体地区" not in text


def test_pages_keep_their_paper(printed):
    assert set(page_sizes(printed("booklet").path)) == {(842, 595)}
    assert set(page_sizes(printed("roster").path)) == {(595, 842)}


def test_a_long_handbook_becomes_several_booklets_and_says_so(printed):
    from app.printing.handbook import BOOKLET_SHEETS, booklet_parts

    handbook, booklet = printed("handbook"), printed("booklet")
    parts = booklet_parts(handbook.pages)
    assert len(parts) > 1
    sheets = [-(-len(p) // 4) for p in parts]
    assert max(sheets) <= BOOKLET_SHEETS and booklet.pages == 2 * sum(sheets)
    said = [w for w in booklet.warnings if "冊に分けました" in w]
    assert said and f"{len(parts)}冊" in said[0]
    assert f"2冊目は{sheets[0] + 1}〜{sheets[0] + sheets[1]}枚目" in said[0]


@pytest.mark.parametrize("kind", ("needs", "resources", "roster", "attendance"))
def test_long_lists_leave_no_mostly_empty_page_before_the_last(printed, kind):
    """A heading stays with the first rows of its table, not the whole table."""
    fills = page_fill(printed(kind).path)
    assert min(fills[:-1], default=1) >= 0.5, fills


def test_a_2000_member_roster_uses_the_page_width(printed):
    """Columns sized from their text: 168 pages with fixed widths, about 100 now."""
    assert printed("roster").pages <= 110


def test_fit_widths_gives_narrow_columns_their_text_and_shares_the_rest():
    from app.printing import styles as S
    from app.printing.columns import fit_widths

    columns = [["番号", "2000"], ["名前", "山田 花子"], ["町内会", "上並榎町第一町内会（上並榎ニュータウン自治会を含む）"]]
    widths = fit_widths(columns, 400, S.DOC_CELL)
    assert abs(sum(widths) - 400) < 0.01
    assert widths[0] < widths[1] < widths[2]
    assert widths[0] >= 30 and widths[1] >= 4 * 10.5  # 山田 花子 on one line


@pytest.mark.parametrize("template", ("launch", "meeting", "recruit", "newsletter"))
def test_each_flyer_is_one_sheet_with_its_stamp_grid(stress, template):
    store, council_id, folder = stress
    result = render(store, "flyer", council_id, folder / f"flyer-{template}.pdf",
                    template=template, today=TODAY)
    assert result.pages == 1
    assert "回覧確認印" in flat(page_texts(result.path)[0])
    assert layout_faults(result.path) == []


def test_meeting_flyer_gives_no_date_for_an_activity_unchecked_for_a_year(stress):
    store, council_id, folder = stress
    result = render(store, "flyer", council_id, folder / "flyer-events.pdf", template="meeting",
                    today=TODAY)
    text = flat(page_texts(result.path)[0])
    council_made = [r for r in resources.list_resources(store, council_id)
                    if r.created_by_council and r.schedule is not None]
    stale = [r for r in council_made if resources.is_stale(r, TODAY)]
    fresh = [r for r in council_made if not resources.is_stale(r, TODAY)]
    assert stale and fresh
    assert not any(flat(r.name) in text for r in stale)
    assert any(flat(r.name) in text for r in fresh)
    assert any(f"1年以上確認されていない社会資源{len(stale)}件" in w for w in result.warnings)


@pytest.mark.parametrize("template", ("launch", "meeting", "recruit", "newsletter"))
def test_a_contact_persons_name_is_never_broken(stress, template):
    from app.services.stress import _CONTACTS

    store, council_id, folder = stress
    result = render(store, "flyer", council_id, folder / f"flyer-names-{template}.pdf",
                    template=template, today=TODAY)
    lines = [flat(line) for line in page_texts(result.path)[0].splitlines()]
    shown = [person for *_, person, _phone in _CONTACTS
             if any(flat(person)[:2] in line for line in lines)]
    assert shown
    for person in shown:
        assert any(flat(person) in line for line in lines), person
