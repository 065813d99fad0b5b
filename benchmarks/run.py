"""Foundation figures: open/migrate, demo, synthetic demo, crosstab, bulk member insert.

Run: python benchmarks/run.py   (prints one line per figure with its target)
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from app.models import Member, Role, member_role, new_id, utcnow
from app.services import councils, demo, members, tallies
from app.services.normalize import kana_key
from app.store import Store


def timed(fn, repeat: int = 1) -> float:
    """Best of `repeat` wall-clock runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def report(label: str, seconds: float, target: str) -> None:
    print(f"{label:<48} {seconds * 1000:9.1f} ms   (target {target})")


def member_rows(n: int) -> list[dict]:
    return [{"name": f"山田 花子{i}", "furigana": "やまだ はなこ", "roles": ["住民"],
             "is_thinker": True, "phone": "090-0000-0000", "registered_on": "2025-04-01"}
            for i in range(n)]


NEXT_REVISION = """
import sqlalchemy as sa
from alembic import op
revision = "bench0002"
down_revision = "{head}"
branch_labels = None
depends_on = None
def upgrade():
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("nickname", sa.String(50), nullable=True))
def downgrade():
    pass
"""


def migrate_existing(work: Path, source: Path) -> float:
    """Open a file one revision behind a program (the real migrations plus one more)."""
    from app import store as store_module

    root = work / "next"
    shutil.copytree(store_module.bundle_root() / "migrations", root / "migrations",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (root / "migrations" / "versions" / "bench0002.py").write_text(
        NEXT_REVISION.format(head=store_module.program_head()))
    target = work / "to-migrate.sqlite3"
    shutil.copyfile(source, target)
    original = store_module.bundle_root
    store_module.bundle_root = lambda: root
    try:
        return timed(lambda: Store.open(target).close())
    finally:
        store_module.bundle_root = original


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="sasaeai-bench-"))
    try:
        # Open + migrate: a new file (create + full migration) and an existing demo file.
        new_db = work / "new.sqlite3"
        report("open + migrate a new database", timed(lambda: Store.open(new_db).close()), "< 500 ms")
        demo_db = work / "demo.sqlite3"
        with Store.open(demo_db) as store:
            demo_seconds = timed(lambda: demo.load_demo(store))
        report("open an existing database (check revision)",
               timed(lambda: Store.open(demo_db).close(), repeat=5), "< 500 ms")
        report("demo (in process)", demo_seconds, "< 2 s")
        cli_db = work / "cli.sqlite3"
        report("`python -m app demo` (whole process, new file)", timed(lambda: subprocess.run(
            [sys.executable, "-m", "app", "--db", str(cli_db), "demo"], check=True,
            capture_output=True)), "< 2 s")

        report("open + migrate an existing demo database (backup + batch rebuild)",
               migrate_existing(work, demo_db), "< 500 ms")

        synthetic_db = work / "synthetic.sqlite3"
        shutil.copyfile(demo_db, synthetic_db)
        with Store.open(synthetic_db) as store:
            report("demo --synthetic 26 (2,000 members, 500 resources each)",
                   timed(lambda: demo.load_synthetic(store, 26)), "< 10 s")

        with Store.open(demo_db) as store:
            yawata = councils.find_council(store, "八幡")
            needs_tally = tallies.list_tallies(store, yawata.id, kind="needs")[0]
            runs = []
            for _ in range(30):
                start = time.perf_counter()
                tallies.crosstab(store, needs_tally.id)
                runs.append(time.perf_counter() - start)
            report("八幡 crosstab with totals (median of 30)", statistics.median(runs), "< 20 ms")

        # 10,000 members: services (validation included) vs a bare SQLAlchemy bulk insert of
        # the same member and role rows, each into its own fresh copy of the same database.
        rows = member_rows(10_000)
        svc_db, raw_db = work / "svc.sqlite3", work / "raw.sqlite3"
        shutil.copyfile(new_db, svc_db)
        shutil.copyfile(new_db, raw_db)
        with Store.open(svc_db) as store:
            council = councils.create_council(store, {"name": "測定"})
            service_seconds = timed(lambda: members.create_members(store, council.id, rows))
        with Store.open(raw_db) as store:
            council = councils.create_council(store, {"name": "測定"})

            def bare() -> None:
                now = utcnow()
                with store.session() as s:
                    role_id = s.scalar(select(Role.id).where(Role.name == "住民"))
                    member_values, links = [], []
                    for i in range(10_000):
                        member_id = new_id()
                        member_values.append({
                            "id": member_id, "council_id": council.id, "name": f"山田 花子{i}",
                            "furigana": "やまだ はなこ", "sort_key": kana_key("やまだ はなこ"),
                            "is_thinker": True, "is_provider": False, "is_core": False,
                            "neighbourhood_id": None, "registered_on": None,
                            "last_confirmed_on": None, "status": "活動中",
                            "phone": "090-0000-0000", "address": "", "note": "",
                            "consent_handbook": False, "consent_share_contact": False,
                            "created_at": now, "updated_at": now})
                        links.append({"member_id": member_id, "role_id": role_id})
                    s.execute(insert(Member), member_values)
                    s.execute(insert(member_role), links)

            bare_seconds = timed(bare)
        report("10,000 members through the services", service_seconds, "< 2x bare")
        report("10,000 members, bare SQLAlchemy bulk insert", bare_seconds, "baseline")
        print(f"{'ratio services / bare':<48} {service_seconds / bare_seconds:9.2f} x    (target < 2)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
