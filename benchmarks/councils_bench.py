"""Adding councils from a pasted list, deleting the stress council, and undoing the delete.

    python benchmarks/councils_bench.py

Builds a fresh database with the demo and the stress council (西部中央地区: 2,000 members,
300 resources; app/services/stress.py), then measures, each in its own store sessions as the
window runs them:
- add 26 councils from a pasted list (add_councils_from_text)          target < 1 s
- capture the undo snapshot + remove_council (verified backup included) target < 2 s
- restore the snapshot (the undo)                                       (figure only)
and checks the council came back with the same row counts.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.models import Base
from app.services import councils, demo, snapshots
from app.services.stress import STRESS_COUNCIL, load_stress
from app.store import Store

PASTED = "\n".join(f"新しい地区{i:02d}" for i in range(1, 27))


def counts(store: Store) -> dict[str, int]:
    with store.session() as s:
        return {t.name: s.execute(select(func.count()).select_from(t)).scalar()
                for t in Base.metadata.sorted_tables}


def line(label: str, seconds: float, target: str) -> None:
    print(f"{label:<44} {seconds:6.2f} s   (target {target})")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "councils.sqlite3"
        with Store.open(path) as store:
            demo.load_demo(store)
            load_stress(store)
        with Store.open(path) as store:
            city = next(c for c in councils.list_councils(store) if c.tier == 1)
            start = time.perf_counter()
            report = councils.add_councils_from_text(store, city.id, PASTED)
            line(f"add {len(report.created)} councils from a pasted list", time.perf_counter() - start,
                 "< 1 s")

            stress = councils.find_council(store, STRESS_COUNCIL)
            before = counts(store)
            size = path.stat().st_size / (1024 * 1024)
            start = time.perf_counter()
            snap = snapshots.capture(store, "council", stress.id)
            captured = time.perf_counter() - start
            backup = councils.remove_council(store, stress.id)
            total = time.perf_counter() - start
            line(f"capture ({len(snap.rows):,} rows)", captured, "part of the next")
            line("capture + remove_council (backup included)", total, "< 2 s")
            print(f"  database {size:.1f} MB, backup {backup.size_text}")

            start = time.perf_counter()
            snapshots.restore(store, snap)
            line("restore of the snapshot (undo)", time.perf_counter() - start, "figure only")
            same = counts(store) == before
            print(f"  row counts after undo {'identical' if same else 'DIFFERENT'}")
            if not same:
                raise SystemExit(1)


if __name__ == "__main__":
    main()
