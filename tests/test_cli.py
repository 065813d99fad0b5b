"""The headless CLI as a new user runs it: real processes on a real database file."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import sqlite3
import subprocess
import sys

import pytest

from app.cli import main
from app.text_table import display_width

pytestmark = pytest.mark.slow  # each command runs as a process of its own


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def numbers(line: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", line)]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite3"
    first = run("--db", str(path), "demo")
    assert first.returncode == 0, first.stderr
    assert "27協議体を追加" in first.stdout
    return path


def test_show_tally_prints_the_seed_totals(demo_db):
    out = run("--db", str(demo_db), "show-tally", "--council", "八幡")
    assert out.returncode == 0, out.stderr
    totals = [numbers(line) for line in out.stdout.splitlines() if line.startswith("合計")]
    # service use: 世帯数, nine columns, 対象人数; needs: 世帯数, twelve columns, 対象人数
    assert [5092, 74, 24, 24, 13, 37, 8, 9, 7, 1, 102] in totals
    assert [5092, 61, 48, 39, 21, 5, 32, 28, 21, 7, 7, 6, 8, 194] in totals
    assert "5,092" in out.stdout
    toyooka = run("--db", str(demo_db), "show-tally", "--council", "豊岡")
    assert [numbers(line) for line in toyooka.stdout.splitlines() if line.startswith("合計")] == [
        [64, 14, 17, 11, 29, 3, 8, 1, 2, 81]]


def test_show_tally_all_sums_each_kind_by_category_across_councils(demo_db):
    out = run("--db", str(demo_db), "show-tally", "--all")
    assert out.returncode == 0, out.stderr
    needs_part, use_part = out.stdout.split("\n\n")
    assert needs_part.startswith("■ 高齢者ニーズ") and use_part.startswith("■ 通所・訪問サービス")

    def lines(part: str) -> dict[str, list[int]]:
        return {line.split()[0]: numbers(line) for line in part.splitlines()
                if line.startswith(("八幡 ", "豊岡 ", "合計 "))}

    assert lines(needs_part)["合計"] == [61, 48, 39, 21, 5, 32, 28, 21, 7, 7, 6, 8, 194]
    header = next(line for line in use_part.splitlines() if line.startswith("協議体"))
    assert header.split()[1:] == ["リハビリ", "入浴", "買い物", "調理", "掃除", "ゴミだし", "洗濯", "入浴",
                                  "移動介助", "その他", "対象人数"]
    use = lines(use_part)  # 八幡's sheet has 入浴 before 洗濯 and その他; 豊岡's 洗濯 first and 移動介助
    assert use["八幡"] == [74, 24, 24, 13, 37, 8, 7, 9, 1, 102]  # — for 移動介助 is not a number
    assert use["豊岡"] == [64, 14, 17, 11, 29, 3, 8, 1, 2, 81]
    assert use["合計"] == [138, 38, 41, 24, 66, 11, 15, 10, 2, 1, 183]
    both = run("--db", str(demo_db), "show-tally", "--all", "--council", "八幡")
    assert both.returncode == 2 and "どちらか一つ" in both.stderr


def test_show_survey_prints_rates(demo_db):
    out = run("--db", str(demo_db), "show-survey", "--council", "乗附")
    assert out.returncode == 0, out.stderr
    assert "回収率 28.3%" in out.stdout
    assert re.search(r"一人暮らし\s+140\s+18\.2%", out.stdout)
    assert re.search(r"旅行などを含めて自由にどこでも出かけられる\s+618\s+58\.1%", out.stdout)


def test_councils_lists_27_and_demo_twice_changes_nothing(demo_db):
    before = run("--db", str(demo_db), "councils").stdout.splitlines()
    assert len(before) == 27
    again = run("--db", str(demo_db), "demo")
    assert again.returncode == 0 and "0協議体を追加" in again.stdout
    assert run("--db", str(demo_db), "councils").stdout.splitlines() == before
    assert any("八幡" in line and "メンバー20人" in line for line in before)  # 活動中 only


def test_check_and_backup(demo_db, tmp_path):
    ok = run("--db", str(demo_db), "check")
    assert ok.returncode == 0 and ok.stdout.startswith("OK:")
    copy = tmp_path / "b.sqlite3"
    made = run("--db", str(demo_db), "backup", "-o", str(copy))
    assert made.returncode == 0 and copy.exists()
    assert run("--db", str(copy), "check").returncode == 0


@pytest.mark.parametrize("command", [["check"], ["councils"], ["demo"]])
def test_garbage_file_gets_one_error_line_and_stays_unchanged(tmp_path, command):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"not sqlite" * 1000)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    out = run("--db", str(path), *command)
    assert out.returncode == 1
    assert out.stderr.startswith("エラー:") and len(out.stderr.strip().splitlines()) == 1
    assert str(path) in out.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_newer_database_is_refused_by_every_command(demo_db, tmp_path):
    path = tmp_path / "future.sqlite3"
    shutil.copyfile(demo_db, path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num='ffff'")
    con.execute("UPDATE app_meta SET value='3.1.0' WHERE key='program_version'")
    con.commit()
    con.close()
    before = path.read_bytes()
    for command in (["check"], ["councils"], ["show-tally", "--council", "八幡"]):
        out = run("--db", str(path), *command)
        assert out.returncode == 1 and "3.1.0 以降" in out.stderr
    assert path.read_bytes() == before


def test_usage_errors_exit_2_and_unknown_council_exits_1(demo_db):
    usage = run("--db", str(demo_db), "show-tally")
    assert usage.returncode == 2 and "エラー:" in usage.stderr
    missing = run("--db", str(demo_db), "show-tally", "--council", "大阪")
    assert missing.returncode == 1 and missing.stderr.startswith("エラー: 協議体「大阪」が見つかりません")
    empty = run("--db", str(demo_db), "show-survey", "--council", "豊岡")
    assert empty.returncode == 1 and "アンケートがまだありません" in empty.stderr


def test_main_in_process_reports_a_locked_database(demo_db, capsys):
    from app.store import Store

    with Store.open(demo_db):
        assert main(["--db", str(demo_db), "councils"]) == 1
    assert "使われています" in capsys.readouterr().err


def test_display_width_counts_zenkaku_as_two():
    assert display_width("八幡1") == 5


def test_unwritable_place_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert main(["--db", str(blocker / "sub" / "x.sqlite3"), "councils"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("エラー:") and "読み書きできません" in err


def test_print_command_writes_a_pdf(demo_db, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "flyer.pdf"
    done = run("--db", str(demo_db), "print", "flyer", "--council", "八幡", "-o", str(out),
               "--template", "サポーター募集")
    assert done.returncode == 0, done.stderr
    text = PdfReader(out).pages[0].extract_text()
    assert "動ける人がお互いに見守る交流のあるまち" in text.replace("\n", "")
    bad = run("--db", str(demo_db), "print", "flyer", "--council", "八幡", "-o", str(out),
              "--template", "宴会")
    assert bad.returncode == 1 and bad.stderr.startswith("エラー: チラシのテンプレート「宴会」")


def test_print_survey_form_with_return_date_and_cover_letter(demo_db, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "form.pdf"
    done = run("--db", str(demo_db), "print", "survey-form", "--council", "乗附", "-o", str(out),
               "--return-by", "２０２７年１月３１日", "--return-to", "公民館の回収箱",
               "--cover-letter", "一段落目です。\\n二段落目です。")
    assert done.returncode == 0, done.stderr
    pages = [p.extract_text().replace("\n", "") for p in PdfReader(out).pages]
    assert "二段落目です。" in pages[0] and "令和9年1月31日" in pages[0]
    assert "公民館の回収箱にお渡しください" in "".join(pages[1:])
    bad = run("--db", str(demo_db), "print", "survey-form", "--council", "乗附", "-o", str(out),
              "--return-by", "2027-02-30")
    assert bad.returncode == 1 and bad.stderr.startswith("エラー: --return-by（回収日）")


def test_print_overview_for_the_coordinator(demo_db, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "overview.pdf"
    done = run("--db", str(demo_db), "print", "overview", "-o", str(out))
    assert done.returncode == 0, done.stderr
    reader = PdfReader(out)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    text = "".join(p.extract_text() for p in reader.pages)
    assert "八幡" in text and "通院" in text and "吉井" in text
    missing = run("--db", str(demo_db), "print", "flyer", "-o", str(out))
    assert missing.returncode == 1 and "--council" in missing.stderr


def test_only_window_arguments_skip_the_command_parser():
    from pathlib import Path

    from app.__main__ import window_database

    assert window_database([]) == (True, None)
    assert window_database(["--db", "x.sqlite3"]) == (True, Path("x.sqlite3"))
    assert window_database(["--db=x.sqlite3"]) == (True, Path("x.sqlite3"))
    assert window_database(["councils"])[0] is False
    assert window_database(["--db", "x", "councils"])[0] is False
    assert window_database(["--db", "--help"])[0] is False


def test_backups_restore_and_reset_passcode(tmp_path, demo_template, capsys, monkeypatch):
    import shutil

    from app import cipher
    from app.services import councils, privacy
    from app.store import Store

    db = tmp_path / "r.sqlite3"
    shutil.copyfile(demo_template, db)
    assert main(["--db", str(db), "backup", "-o", str(tmp_path / "before.sqlite3")]) == 0
    with Store.open(db) as store:
        councils.delete_council(store, councils.find_council(store, "八幡").id)
        code = privacy.set_passcode(store, "48151623", "48151623")
    assert main(["--db", str(db), "reset-passcode"]) == 1  # no recovery code: nothing changes
    assert "SASAEAI_RECOVERY_CODE" in capsys.readouterr().err
    monkeypatch.setenv("SASAEAI_RECOVERY_CODE", code)
    monkeypatch.setenv("SASAEAI_NEW_PASSCODE", "27182818")
    assert main(["--db", str(db), "reset-passcode"]) == 0
    monkeypatch.setenv("SASAEAI_PASSCODE", "27182818")
    # a plain backup from before the passcode, restored into the encrypted database
    assert main(["--db", str(db), "restore", str(tmp_path / "before.sqlite3")]) == 0
    out = capsys.readouterr().out
    assert "新しいパスコードにしました" in out and "の状態に戻しました" in out
    assert not cipher.looks_plain(db)
    cipher.unlock(db, "27182818")
    with Store.open(db) as store:
        assert councils.find_council(store, "八幡").name == "八幡"
    assert main(["--db", str(db), "backups"]) == 0
    assert "戻す前の状態（自動）" in capsys.readouterr().out
    assert main(["--db", str(db), "restore", str(tmp_path / "nothing.sqlite3")]) == 1


# --- council add / add-list / rename / delete ------------------------------------------------------

@pytest.fixture
def own_demo(tmp_path, demo_template):
    return shutil.copyfile(demo_template, tmp_path / "demo.sqlite3")


def council_names(db) -> list[str]:
    with sqlite3.connect(db) as con:
        return [name for (name,) in con.execute("SELECT name FROM council")]


def test_council_add_and_rename(own_demo, capsys):
    city = next(n for n in council_names(own_demo) if n.startswith("高崎市"))
    assert main(["--db", str(own_demo), "council", "add", "新町西", "--parent", city, "--area-name", "新町"]) == 0
    assert capsys.readouterr().out == f"協議体「新町西」を登録しました（第2層、{city}の下）。\n"
    assert main(["--db", str(own_demo), "council", "rename", "新町西", "新町西部"]) == 0
    assert capsys.readouterr().out == "協議体「新町西」の名前を「新町西部」に変えました。\n"
    assert "新町西部" in council_names(own_demo) and "新町西" not in council_names(own_demo)
    assert main(["--db", str(own_demo), "council", "add", "八幡"]) == 1
    assert "エラー: 協議体の名前: 「八幡」はもう登録されています" in capsys.readouterr().err
    assert main(["--db", str(own_demo), "council", "add", "市", "--tier", "1", "--parent", city]) == 1
    with pytest.raises(SystemExit) as usage:
        main(["--db", str(own_demo), "council", "add", "x", "--tier", "3"])
    assert usage.value.code == 2


def test_council_add_list_from_a_file_and_stdin(own_demo, tmp_path, capsys, monkeypatch):
    city = next(n for n in council_names(own_demo) if n.startswith("高崎市"))
    names = tmp_path / "names.txt"
    names.write_bytes("東部\r\n西部\t八幡\r\n".encode("cp932"))
    assert main(["--db", str(own_demo), "council", "add-list", "--parent", city, str(names)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{city}の下に2協議体を登録しました: 東部、西部",
                   "登録しなかった名前: 2行目「八幡」: もう登録されているので、そのままにしました"]
    monkeypatch.setattr("sys.stdin", io.StringIO("南部、北部\n"))
    assert main(["--db", str(own_demo), "council", "add-list", "--parent", city, "-"]) == 0
    assert {"東部", "西部", "南部", "北部"} <= set(council_names(own_demo))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_council_delete_asks_then_deletes_with_a_backup(own_demo, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert main(["--db", str(own_demo), "council", "delete", "八幡"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("協議体「八幡」とその記録（メンバー22人、町内会")
    assert "すべて削除します。よろしいですか？ [y/N] 削除しませんでした。" in out
    assert "八幡" in council_names(own_demo)
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    assert main(["--db", str(own_demo), "council", "delete", "八幡"]) == 0
    last = capsys.readouterr().out.splitlines()[-1].split("[y/N] ")[-1]
    assert last.startswith("協議体「八幡」を削除しました。削除する前のバックアップ: ")
    backup = last.split(": ", 1)[1]
    assert backup.endswith("-before-delete-council.sqlite3") and "八幡" in council_names(backup)
    assert "八幡" not in council_names(own_demo)


def test_council_delete_without_a_terminal_needs_yes(own_demo):
    refused = subprocess.run([sys.executable, "-m", "app", "--db", str(own_demo), "council", "delete", "八幡"],
                             input="y\n", capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert refused.returncode == 1
    assert refused.stderr.startswith("エラー: 協議体「八幡」を削除するには --yes をつけてください")
    assert "八幡" in council_names(own_demo)
    done = run("--db", str(own_demo), "council", "delete", "八幡", "--yes")
    assert done.returncode == 0, done.stderr
    assert "削除する前のバックアップ" in done.stdout and "八幡" not in council_names(own_demo)


def test_councils_reads_a_file_in_good_order_without_sqlalchemy(demo_db, tmp_path):
    code = ("import sys; from app.cli import main; code = main(['--db', sys.argv[1], 'councils']); "
            "print('sqlalchemy' in sys.modules); sys.exit(code)")
    quick = subprocess.run([sys.executable, "-c", code, str(demo_db)], capture_output=True,
                           text=True, encoding="utf-8", timeout=60)
    assert quick.returncode == 0, quick.stderr
    assert quick.stdout.splitlines()[-1] == "False"
    # The same lines as the store reads them: a lock file left by a run that crashed sends the
    # command through the store (which finds the lock free and takes it).
    slow = tmp_path / "crashed.sqlite3"
    shutil.copyfile(demo_db, slow)
    slow.with_name(slow.name + ".lock").write_text(" {}")
    through_store = subprocess.run([sys.executable, "-c", code, str(slow)], capture_output=True,
                                   text=True, encoding="utf-8", timeout=60)
    assert through_store.returncode == 0, through_store.stderr
    assert through_store.stdout.splitlines()[-1] == "True"
    assert quick.stdout.splitlines()[:-1] == through_store.stdout.splitlines()[:-1]
    assert "第2層\t八幡\tメンバー20人" in quick.stdout
