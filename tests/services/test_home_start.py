"""ホーム read with sqlite3 at start (services/home.start_state): the same texts as the live
page reads through the store, and nothing at all whenever the store must open the file first."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.services import councils, home, preferences, privacy
from app.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _opening_on(template: Path, db: Path, council: str) -> Path:
    shutil.copyfile(template, db)
    with Store.open(db) as store:
        preferences.put(store, "last_council", councils.find_council(store, council).id)
    return db


@pytest.fixture
def yawata(tmp_path, demo_template) -> Path:
    return _opening_on(demo_template, tmp_path / "start.sqlite3", "八幡")


def test_the_start_reads_what_the_live_page_reads(yawata):
    early = home.start_state(yawata)
    with Store.open(yawata) as store:
        council = councils.find_council(store, "八幡")
        assert early["home"] == home.home_state(store, council.id)
    assert early["council_id"] == council.id and early["council_label"] == "八幡（第2層）"
    assert early["large_text"] is False
    assert "メンバー（活動中）: 20人" in early["home"]["counts"]


def test_the_stress_council_reads_the_same_both_ways(tmp_path, stress_template):
    from app.services import stress
    from tests.conftest import STRESS_TODAY

    db = _opening_on(stress_template, tmp_path / "big.sqlite3", stress.STRESS_COUNCIL)
    early = home.start_state(db, STRESS_TODAY)
    with Store.open(db) as store:
        live = home.home_state(store, early["council_id"], STRESS_TODAY)
    assert early["home"] == live
    assert "メンバー（活動中）: 2000人" in live["counts"]
    assert any(n.startswith("ほかに") for n in live["notices"])


def test_the_start_reads_without_sqlalchemy(yawata):
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from app.services import home
        assert home.start_state(Path({str(yawata)!r}))["council_label"] == "八幡（第2層）"
        print(sorted(m for m in ("sqlalchemy", "alembic", "PySide6") if m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_large_text_comes_with_the_start(yawata):
    with Store.open(yawata) as store:
        preferences.put(store, "large_text", "1")
    assert home.start_state(yawata)["large_text"] is True


def _set(db: Path, sql: str, *params) -> None:
    con = sqlite3.connect(db)
    with con:
        con.execute(sql, params)
    con.close()


@pytest.mark.parametrize("case", ["missing", "key file", "in use", "wal left", "older revision",
                                  "another program's trigger", "passcode", "tier 1", "no council",
                                  "damaged", "not a database"])
def test_nothing_is_read_early_when_the_store_must_open_the_file_first(yawata, case):
    db = yawata
    if case == "in use":  # another window has it open: the store says by whom
        with Store.open(yawata):
            assert home.start_state(db) is None
        assert home.start_state(db) is not None  # and once it is closed, the start reads it
        return
    if case == "missing":
        db = yawata.with_name("none.sqlite3")
    elif case == "key file":  # encrypted: the passcode comes first
        yawata.with_name(yawata.name + ".key").write_text("{}")
    elif case == "wal left":  # a run that did not close: Store.open recovers the file
        yawata.with_name(yawata.name + "-wal").write_bytes(b"\0" * 32)
    elif case == "older revision":
        _set(yawata, "UPDATE alembic_version SET version_num = '0003'")
    elif case == "another program's trigger":  # the store refuses such a file and says why
        _set(yawata, "CREATE TRIGGER wipe AFTER UPDATE ON app_meta BEGIN DELETE FROM member; END")
    elif case == "passcode":
        with Store.open(yawata) as store:
            preferences.put(store, privacy.PASSCODE_KEY, '{"alg": "scrypt"}')
    elif case == "tier 1":  # ホーム is the table of every council, read live
        with Store.open(yawata) as store:
            preferences.put(store, "last_council", councils.find_council(store, "高崎市（第1層）").id)
    elif case == "no council":
        _set(yawata, "DELETE FROM council")
    elif case == "damaged":
        with yawata.open("r+b") as fh:
            fh.seek(4096)
            fh.write(b"\xff" * 8192)
    elif case == "not a database":
        yawata.write_bytes(b"not sqlite at all" * 100)
    assert home.start_state(db) is None


def test_a_deleted_last_council_falls_back_to_the_first_in_the_list(yawata):
    _set(yawata, "UPDATE app_meta SET value = 'gone' WHERE key = 'pref.last_council'")
    assert home.start_state(yawata) is None  # the first listed is the city's council (tier 1)
    _set(yawata, "DELETE FROM council WHERE tier = 1")
    with Store.open(yawata) as store:
        first = councils.list_councils(store)[0]
    assert home.start_state(yawata)["council_id"] == first.id


def test_reading_early_leaves_nothing_beside_the_file(yawata):
    beside = sorted(p.name for p in yawata.parent.iterdir())
    assert home.start_state(yawata) is not None
    assert sorted(p.name for p in yawata.parent.iterdir()) == beside  # no -wal, no -shm left


def test_the_counts_are_the_services_counts(yawata):
    from app.services import members, needs, resources

    text = home.start_state(yawata)["home"]["counts"]
    with Store.open(yawata) as store:
        council = councils.find_council(store, "八幡")
        active = members.count_active(store, council.id)
        open_needs = sum(n.status in needs.OPEN_STATUSES for n in needs.list_needs(store, council.id))
        listed = len(resources.list_resources(store, council.id))
    assert f"メンバー（活動中）: {active}人" in text
    assert f"対応中・未対応のニーズ: {open_needs}件" in text and f"社会資源: {listed}件" in text


def test_the_next_meeting_follows_the_day(yawata):
    with Store.open(yawata) as store:
        council = councils.find_council(store, "八幡")
        from app.services import meetings

        upcoming = meetings.next_meeting(store, council.id)
    today = dt.date.today()
    assert home.start_state(yawata, today)["home"]["next_meeting"].splitlines()[1] == \
        (upcoming.title or upcoming.kind)
    later = home.start_state(yawata, upcoming.held_on + dt.timedelta(days=1))["home"]["next_meeting"]
    assert later != home.start_state(yawata, today)["home"]["next_meeting"]


def test_a_named_council_is_found_as_people_type_it(yawata):
    assert home.start_state(yawata, council="八幡地区")["council_label"] == "八幡（第2層）"
    assert home.start_state(yawata, council="大阪") is None  # the store path says it is not found
