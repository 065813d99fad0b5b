"""提言 at the scale of a city: 26 councils with 40 proposals each (1,040), on the coordinator's PC.

    python benchmarks/proposals_bench.py

Builds a fresh database: the demo's 27 councils plus 26 synthetic councils (demo.load_synthetic,
300 members, 60 resources and 20 needs each, enough for the overview's other queries to cost what
they cost), then 40 proposals per synthetic council in bulk, a third of them answered. Measures:
- proposals.list_proposals for one council (the 提言 page's refresh)      target < 50 ms
- proposals.counts_by_council (the overview's one grouped query)          target < 20 ms
- coordinator_overview with the counts (the tier-1 ホーム)                 (figure)
- an export of every council and its import into an empty database,
  and the import again (nothing changed)                                  (figures)
and checks the counts against what was inserted and that the import carried every proposal.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.exchange.export_file import export_councils
from app.exchange.merge import import_files
from app.models import PROPOSAL_STATUSES, Council, Proposal, new_id, utcnow
from app.services import demo, proposals
from app.services.overview import coordinator_overview
from app.store import Store

COUNCILS = 26
PER_COUNCIL = 40


def best_ms(fn, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def line(label: str, value: str) -> None:
    print(f"{label:<58} {value}")


def build(path: Path) -> dict[str, tuple[int, int]]:
    rng = random.Random(7)
    expected: dict[str, tuple[int, int]] = {}
    with Store.open(path) as store:
        demo.load_demo(store)
        demo.load_synthetic(store, COUNCILS, members=300, resources=60, needs=20)
        with store.session() as s:
            ids = list(s.scalars(select(Council.id).where(Council.name.like("試験地区%"))))
            now, rows = utcnow(), []
            for cid in ids:
                answered = 0
                for n in range(PER_COUNCIL):
                    status = PROPOSAL_STATUSES[n % len(PROPOSAL_STATUSES)]
                    raised = dt.date(2020, 4, 1) + dt.timedelta(days=rng.randrange(2000))
                    done = status in proposals.ANSWERED
                    answered += done
                    rows.append({"id": new_id(), "council_id": cid, "title": f"提言その{n + 1}",
                                 "detail": "くわしいこと。" * 8, "raised_to": "高崎市 長寿社会課",
                                 "raised_on": raised, "status": status,
                                 "answer": "検討します。" * 4 if done else "",
                                 "answered_on": raised + dt.timedelta(days=60) if done else None,
                                 "note": "", "created_at": now, "updated_at": now})
                expected[cid] = (PER_COUNCIL, answered)
            s.execute(insert(Proposal), rows)
        expected[demo.demo_id("council", "八幡")] = (3, 1)  # the demo's own
    return expected


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "city.sqlite3"
        start = time.perf_counter()
        expected = build(db)
        line("build (demo + 26 councils, 1,040 proposals)", f"{time.perf_counter() - start:6.2f} s")
        with Store.open(db) as store:
            one = next(cid for cid in expected if cid != demo.demo_id("council", "八幡"))
            listed = proposals.list_proposals(store, one)
            assert len(listed) == PER_COUNCIL
            line("list_proposals, one council of 40 (target < 50 ms)",
                 f"{best_ms(lambda: proposals.list_proposals(store, one)):6.1f} ms")
            with store.session() as s:
                assert proposals.counts_by_council(s) == expected
                line("counts_by_council, 27 councils (target < 20 ms)",
                     f"{best_ms(lambda: proposals.counts_by_council(s)):6.1f} ms")
            overview = coordinator_overview(store)
            assert {r.id: (r.proposals, r.proposals_answered) for r in overview.councils if r.proposals} == expected
            line("coordinator_overview with the counts", f"{best_ms(lambda: coordinator_overview(store), 3):6.1f} ms")
            out = Path(folder) / "city.xlsx"
            start = time.perf_counter()
            report = export_councils(store, out)
            line(f"export, every council ({report.rows['提言']:,} rows on 提言)",
                 f"{time.perf_counter() - start:6.2f} s")
        empty = Path(folder) / "coordinator.sqlite3"
        Store.open(empty).close()
        with Store.open(empty) as target:
            start = time.perf_counter()
            imported = import_files(target, [out])
            line(f"import into an empty database ({imported.sheets['提言'].added:,} 提言 added)",
                 f"{time.perf_counter() - start:6.2f} s")
            with target.session() as s:
                assert s.scalar(select(func.count()).select_from(Proposal)) == sum(t for t, _a in expected.values())
            start = time.perf_counter()
            again = import_files(target, [out])
            assert not again.changed
            line("the same file again (nothing changes)", f"{time.perf_counter() - start:6.2f} s")
    print("counts checked against the rows inserted; every proposal arrived")


if __name__ == "__main__":
    main()
