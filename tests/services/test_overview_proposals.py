"""The tier-1 overview counts each council's 提言 and the answered ones (回答あり・実現・見送り),
adds them up for the tier-2 councils, follows an edit, sees a council's proposals once its file is
read, and prints them."""

from __future__ import annotations

import shutil

import pytest

from app.exchange.export_file import export_councils
from app.exchange.merge import import_files
from app.printing import render
from app.services import councils, proposals
from app.services.overview import coordinator_overview, overview_totals
from app.store import Store
from tests.printing.pdfcheck import flat, page_texts


def _row(store, name):
    return next(r for r in coordinator_overview(store).councils if r.name == name)


def test_the_demo_councils_proposals_and_answers(demo_store):
    overview = coordinator_overview(demo_store)
    yawata = _row(demo_store, "八幡")
    assert (yawata.proposals, yawata.proposals_answered) == (3, 1)
    assert all((r.proposals, r.proposals_answered) == (0, 0) for r in overview.councils if r.name != "八幡")
    assert (overview.totals.proposals, overview.totals.proposals_answered) == (3, 1)


def test_counts_follow_the_status_and_add_up(demo_store):
    toyooka = councils.find_council(demo_store, "豊岡").id
    city = councils.find_council(demo_store, "高崎市").id
    for status in ("実現", "見送り", "提出済"):
        proposals.create_proposal(demo_store, toyooka, {"title": f"豊岡の{status}", "status": status})
    proposals.create_proposal(demo_store, city, {"title": "市全体の提言", "status": "回答あり"})
    draft = next(p for p in proposals.list_proposals(demo_store, councils.find_council(demo_store, "八幡").id)
                 if p.status == "準備中")
    proposals.update_proposal(demo_store, draft.id, {"status": "回答あり"})
    overview = coordinator_overview(demo_store)
    assert (_row(demo_store, "豊岡").proposals, _row(demo_store, "豊岡").proposals_answered) == (3, 2)
    assert (_row(demo_store, "八幡").proposals, _row(demo_store, "八幡").proposals_answered) == (3, 2)
    # The tier-2 total leaves the city's own proposal out, as it leaves its members out.
    assert (overview.totals.proposals, overview.totals.proposals_answered) == (6, 4)
    both = overview_totals([r for r in overview.councils if r.name in ("八幡", "豊岡")])
    assert (both.proposals, both.proposals_answered) == (6, 4)


@pytest.mark.slow
def test_the_coordinator_sees_them_once_the_councils_file_is_read(demo_store, tmp_path, template_db):
    path = export_councils(demo_store, tmp_path / "yawata.xlsx",
                           [councils.find_council(demo_store, "八幡").id]).path
    with Store.open(shutil.copyfile(template_db, tmp_path / "coordinator.sqlite3")) as coordinator:
        assert coordinator_overview(coordinator).councils == ()
        import_files(coordinator, [path])
        row = _row(coordinator, "八幡")
        assert (row.proposals, row.proposals_answered) == (3, 1)


@pytest.mark.slow
def test_the_printed_overview_has_the_proposals_column(demo_store, tmp_path):
    result = render(demo_store, "overview", councils.find_council(demo_store, "高崎市").id,
                    tmp_path / "overview.pdf")
    text = flat("".join(page_texts(result.path)))
    assert "提言（回答）" in text and "回答あり・実現・見送り" in text
    assert "八幡201788143（1）7" in text  # メンバー … 社会資源 14, 提言 3 of which 1 answered, 未解決 7
