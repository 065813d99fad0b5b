"""The city's 年度のまとめ over 26 large councils: the service, the PDF and the .xlsx.

    python benchmarks/year_report_bench.py

Builds a fresh database: a tier-1 council and 26 synthetic councils (demo.load_synthetic: 2,000
members, 500 resources and 100 needs each), then gives each a year's activity in bulk: 14
meetings (every third with only its attendees recorded), 3 trainings with 30 attendances each,
members registered, re-confirmed and left across two 年度, a few resources begun, needs met, and 6
proposals. Measures, for 2026年度 as the window and the `report` command run it:
- year_report.city_report (the service)                          (figure)
- render "year-report" for the tier-1 council (service + PDF)     target < 3 s
- the .xlsx (service + file)                                      (figure)
and checks that the city's total is the councils' sum and that a council's figures match its
own report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.models import (
    MEETING_KINDS,
    Council,
    Meeting,
    Member,
    Need,
    Proposal,
    Resource,
    Training,
    TrainingAttendance,
    meeting_attendance,
    new_id,
    utcnow,
)
from app.printing import render
from app.services import councils, demo
from app.services import year_report as Y
from app.store import Store

COUNCILS = 26
YEAR = 2026
TODAY = dt.date(2027, 5, 1)  # the year is over


def line(label: str, seconds: float, target: str) -> None:
    print(f"{label:<52} {seconds:6.2f} s   (target {target})")


def _year_day(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, 4, 1) + dt.timedelta(days=rng.randrange(365))


def add_activity(store: Store, seed: int = 7) -> None:
    """A year of meetings, trainings, member changes, resources, needs and proposals per council."""
    rng = random.Random(seed)
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now}
    rows: dict[object, list[dict]] = {Meeting: [], meeting_attendance: [], Training: [],
                                      TrainingAttendance: [], Proposal: []}
    with store.session() as s:
        ids = list(s.scalars(select(Council.id).where(Council.tier == 2)))
        for cid in ids:
            people = list(s.scalars(select(Member.id).where(Member.council_id == cid)))
            for n in range(14):
                mid = new_id()
                recorded = n % 3 == 0
                rows[Meeting].append({"id": mid, "council_id": cid, "held_on": _year_day(rng, YEAR - n % 2),
                                      "kind": MEETING_KINDS[n % len(MEETING_KINDS)], "title": "",
                                      "venue": "", "minutes": "",
                                      "attendance_count": None if recorded else rng.randint(8, 40), **stamp})
                rows[meeting_attendance] += [{"meeting_id": mid, "member_id": p}
                                             for p in rng.sample(people, 10)]
            for n in range(3):
                tid = new_id()
                rows[Training].append({"id": tid, "council_id": cid, "held_on": _year_day(rng, YEAR - n % 2),
                                       "title": f"担い手養成講座 第{n + 1}回", "venue": "", "note": "",
                                       "participant_count": rng.choice([None, 45]), **stamp})
                rows[TrainingAttendance] += [{"id": new_id(), "training_id": tid, "member_id": p,
                                              "completed": rng.random() < .7, **stamp}
                                             for p in rng.sample(people, 30)]
            rows[Proposal] += [{"id": new_id(), "council_id": cid, "title": f"提言{n + 1}：移動販売の停留所を増やす",
                                "detail": "", "raised_to": "市 長寿社会課", "raised_on": _year_day(rng, YEAR - n % 2),
                                "status": "提出済", "answer": "", "note": "",
                                "answered_on": _year_day(rng, YEAR) if n % 2 else None, **stamp}
                               for n in range(6)]
            for member_id in rng.sample(people, 300):
                s.execute(update(Member).where(Member.id == member_id).values(
                    registered_on=_year_day(rng, rng.choice([YEAR - 1, YEAR])),
                    last_confirmed_on=_year_day(rng, YEAR)))
            for member_id in rng.sample(people, 40):
                s.execute(update(Member).where(Member.id == member_id).values(
                    status="退会", left_on=_year_day(rng, rng.choice([YEAR - 1, YEAR]))))
        for target, values in rows.items():
            s.execute(insert(target), values)  # type: ignore[arg-type]
        s.execute(update(Resource).where(Resource.created_by_council.is_(True), Resource.position % 30 == 0)
                  .values(started_on=dt.date(YEAR, 7, 1)))
        s.execute(update(Need).where(Need.description == "").values(noted_on=dt.date(YEAR, 5, 1)))
        s.execute(update(Need).where(Need.count > 15).values(status="解決", resolved_on=dt.date(YEAR + 1, 2, 1)))


def check(city: Y.CityYearReport, store: Store) -> None:
    for field in dataclasses.fields(Y.Figures):
        total = getattr(city.total, field.name)
        parts = [getattr(c.figures, field.name) for c in city.councils]
        if isinstance(total, dict):
            ok = all(total[k] == sum(p.get(k, 0) for p in parts) for k in total)
        else:
            ok = total == sum(parts)
        if not ok:
            raise SystemExit(f"the city's {field.name} is not the councils' sum")
    first = city.councils[0]
    if Y.council_report(store, first.council_id, YEAR, today=TODAY) != first:
        raise SystemExit(f"{first.name}: the city's row differs from its own report")
    t = city.total
    print(f"  {len(city.councils)} councils: {t.meetings} meetings / {t.meeting_participants:,} people, "
          f"{t.trainings} trainings / {t.completed:,} 修了, {t.members_new:,} new / "
          f"{t.members_reconfirmed:,} re-confirmed / {t.members_left:,} left, "
          f"{t.resources_started} resources begun, {t.needs_met} needs met, {t.proposals_raised} proposals")
    print("  the city's total is the councils' sum, field by field; a council's row equals its own report")


def main() -> None:
    from app.exchange.year_report_xlsx import write_year_report
    from app.printing.fonts import register_fonts

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "year.sqlite3"
        start = time.perf_counter()
        with Store.open(path) as store:
            councils.create_council(store, {"name": "高崎市（第1層）", "tier": 1})
            demo.load_synthetic(store, COUNCILS)
            add_activity(store)
        print(f"  built {COUNCILS} councils of 2,000 members in {time.perf_counter() - start:.1f} s "
              f"({path.stat().st_size / 2**20:.0f} MB)")
        register_fonts()  # once per program, as in the window: not the report's cost
        with Store.open(path) as store:
            city_id = next(c.id for c in councils.list_councils(store) if c.tier == 1)
            start = time.perf_counter()
            city = Y.city_report(store, YEAR, today=TODAY)
            line("year_report.city_report (service)", time.perf_counter() - start, "figure")
            check(city, store)
            start = time.perf_counter()
            result = render(store, "year-report", city_id, Path(tmp) / "city.pdf", year=YEAR, today=TODAY)
            line(f"render year-report, city (service + PDF, {result.pages} pages)",
                 time.perf_counter() - start, "< 3 s")
            start = time.perf_counter()
            write_year_report(Y.city_report(store, YEAR, today=TODAY), Path(tmp) / "city.xlsx")
            line("city's .xlsx (service + file)", time.perf_counter() - start, "figure")


if __name__ == "__main__":
    main()
