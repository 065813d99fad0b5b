"""`report`: 年度のまとめ as text on stdout, as a PDF or an .xlsx by the file's suffix, and a
usage error (exit 2) for a suffix or a year it cannot take."""

from __future__ import annotations

import re
import shutil

import openpyxl
import pytest
from pypdf import PdfReader

from app.cli import main
from app.services import councils
from app.services import year_report as Y
from app.store import Store


@pytest.fixture(scope="module")
def db(tmp_path_factory, demo_template):
    path = tmp_path_factory.mktemp("report") / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    return path


def report(db, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "report", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _numbers(line: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"(?<!\S)\d[\d,]*(?!\S)", line)]


def test_a_councils_year_as_text(db, capsys):
    code, out, _err = report(db, capsys, "--year", "平成28", "--council", "八幡")
    assert code == 0
    assert out.startswith("八幡地区協議体　平成28年度（2016年度）のまとめ\n期間: 平成28年4月1日〜平成29年3月31日")
    assert "平成29年1月30日  担い手養成講座（八幡地区協議体・高崎市共催）  参加者 65人" in out
    assert "平成29年6月17日" not in out
    assert "■ 会議・活動" in out and "■ メンバー・サポーター" in out and "■ 提言" in out
    assert "最後の1回だけ" in out  # how re-confirmations are counted


def test_the_citys_year_as_text_adds_up(db, capsys):
    code, out, _err = report(db, capsys, "--year", "２０１７")  # 全角 digits too
    assert code == 0 and "高崎市 平成29年度（2017年度）のまとめ（第2層協議体 26か所の合計）" in out
    table = out.split("\n\n")[1].splitlines()
    assert table[0].split()[:3] == ["協議体", "会議", "参加者"]
    rows = [_numbers(line) for line in table[1:-1]]
    total = _numbers(table[-1])
    assert table[-1].startswith("合計") and len(rows) == 26
    assert total == [sum(column) for column in zip(*rows, strict=True)]
    with Store.open(db) as store:
        city = Y.city_report(store, 2017)
    assert total[:5] == [city.total.meetings, city.total.meeting_participants, city.total.trainings,
                         city.total.training_participants, city.total.completed]
    assert total[2:4] == [1, 45]  # 八幡's 2017-06-17 training


@pytest.mark.slow
def test_pdf_and_xlsx_by_suffix(db, capsys, tmp_path):
    code, out, _err = report(db, capsys, "--year", "R8", "--council", "八幡", "-o", str(tmp_path / "八幡.pdf"))
    assert code == 0 and re.search(r"保存しました: .*八幡\.pdf（1ページ）", out)
    text = PdfReader(tmp_path / "八幡.pdf").pages[0].extract_text()
    assert "令和8年度（2026年度）のまとめ" in text.replace("\n", "")
    code, out, _err = report(db, capsys, "--year", "H29", "-o", str(tmp_path / "city.PDF"))
    assert code == 0 and "city.PDF" in out
    assert float(PdfReader(tmp_path / "city.PDF").pages[0].mediabox.width) > 800  # landscape
    code, out, _err = report(db, capsys, "--year", "2017", "-o", str(tmp_path / "city.xlsx"))
    assert code == 0 and "保存しました" in out
    rows = list(openpyxl.load_workbook(tmp_path / "city.xlsx").worksheets[0].iter_rows(values_only=True))
    assert rows[-1][0] == "合計" and len(rows) == 28


@pytest.mark.parametrize(("args", "words"), [
    (["--year", "2017", "-o", "まとめ.txt"], "保存先は .pdf（印刷用）か .xlsx（Excel）"),
    (["--year", "2017", "-o", "まとめ"], "保存先は .pdf"),
    (["--year", "来年"], "「来年」は年度として読めません"),
    (["--year", "平成32"], "平成は31年までです"),
])
def test_usage_errors_exit_2_in_japanese(db, capsys, tmp_path, args, words):
    with pytest.raises(SystemExit) as stopped:
        main(["--db", str(db), "report", *args])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert words in err and err.count("エラー: ") == 1
    assert not list(tmp_path.iterdir())


def test_an_unknown_council_and_no_tier_one_council(db, capsys, tmp_path, template_db):
    code, _out, err = report(db, capsys, "--council", "どこにもない地区")
    assert code == 1 and "どこにもない地区" in err
    plain = tmp_path / "plain.sqlite3"
    shutil.copyfile(template_db, plain)
    with Store.open(plain) as store:
        councils.create_council(store, {"name": "東部", "tier": 2})
    code, out, _err = report(plain, capsys, "--year", "2026")
    assert code == 0 and "市全体 令和8年度（2026年度）のまとめ（第2層協議体 1か所の合計）" in out
    code, _out, err = report(plain, capsys, "--year", "2026", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "第1層の協議体がない" in err and not (tmp_path / "x.pdf").exists()
