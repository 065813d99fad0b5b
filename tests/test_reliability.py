"""Killing the program in the middle of writes loses no committed row and leaves a sound file."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from app.store import Store, check_file

pytestmark = pytest.mark.slow  # processes killed in the middle of writes

WRITER = textwrap.dedent("""
    import sys
    from app.services import councils, members
    from app.store import Store
    store = Store.open(sys.argv[1])
    council = councils.find_council(store, "耐久テスト")
    i = 0
    while True:
        i += 1
        if i % 3:
            m = members.create_member(store, council.id, {"name": f"{sys.argv[2]}-{i}",
                                      "furigana": "たいきゅう", "roles": ["住民"]})
            print(m.id, flush=True)
        else:  # a bulk write: 200 rows in one transaction, all or none
            n = members.create_members(store, council.id, [
                {"name": f"{sys.argv[2]}-{i}-{k}", "roles": "区長"} for k in range(200)])
            print(f"bulk {sys.argv[2]}-{i} {n}", flush=True)
""")


@pytest.mark.parametrize("trial", range(20))
def test_sigkill_during_writes_loses_nothing_committed(tmp_path_factory, template_db, trial):
    base = tmp_path_factory.getbasetemp() / "kill"
    path = base / "killed.sqlite3"
    if trial == 0 or not path.exists():
        base.mkdir(exist_ok=True)
        path.write_bytes(template_db.read_bytes())
        from app.services import councils
        with Store.open(path) as store:
            councils.create_council(store, {"name": "耐久テスト"})
    rng = random.Random(trial)
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"t{trial}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    committed, bulks = [], []
    wanted = rng.randint(3, 40)
    deadline = time.monotonic() + 60
    try:
        while len(committed) + len(bulks) < wanted and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"writer stopped: {proc.stderr.read()}")
            if line.startswith("bulk "):
                bulks.append(line.split()[1:])
            else:
                committed.append(line.strip())
        time.sleep(rng.random() * 0.05)  # land the kill somewhere inside the next write
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert committed, "the writer never committed anything"

    report = check_file(path)  # read-only, before anything recovers the WAL
    assert report.ok, report.problems
    with Store.open(path) as store, store.engine.connect() as con:
        ids = {row[0] for row in con.exec_driver_sql("SELECT id FROM member")}
        assert set(committed) <= ids
        for prefix, count in bulks:
            got = con.exec_driver_sql("SELECT count(*) FROM member WHERE name LIKE ?",
                                      (f"{prefix}-%",)).scalar()
            assert got == int(count)
        # No half-written bulk anywhere: every batch in the file has all of its 200 rows.
        batches: dict[str, int] = {}
        for (name,) in con.exec_driver_sql("SELECT name FROM member WHERE name LIKE '%-%-%'"):
            prefix = name.rsplit("-", 1)[0]
            batches[prefix] = batches.get(prefix, 0) + 1
        assert all(n == 200 for n in batches.values()), batches
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
