"""ホーム's data: the council, its vision, its next meeting, the numbers, what needs a look and
the first steps, as the plain texts the page displays (ui/pages/home_view.py shows them).

It is read with plain SQL over a DB-API connection, never through the ORM, for one reason: the
start. Importing SQLAlchemy takes longer than a bare window takes to appear, so the window reads
ホーム with Python's own sqlite3 (`start_state`) and paints it while SQLAlchemy loads; the live
page then reads the same texts through the store's connection (`home_state(store, …)`). One
reading, two connections: the start and the page cannot disagree. The rules themselves are
shared with the rest of the program (services/checks.py, survey_figures.py, attention.py).
Counts are counted by the database: a council may have 2,000 members.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

from app.errors import NotFoundError
from app.services import attention, checks, council_list, meta_keys, plain_read
from app.services.plain_read import connection, day, one, time_of_day
from app.services.wareki import wareki

FLYER_PRINTED = "flyer_printed:"  # preference key prefix + council id, set by the 印刷 page
# (what to do, the button's words, the page it opens) for a council's first day.
FIRST_STEPS = (
    ("町内会を登録する（名前と世帯数）", "協議体の設定へ", "settings"),
    ("メンバーを登録する（または名簿を読み込む）", "メンバーへ", "members"),
    ("次の会議の日を入れる", "会議・活動へ", "meetings"),
    ("最初の回覧チラシを印刷する", "印刷へ", "print"),
)


def _next_meeting(con: Any, council_id: str, today: dt.date) -> str | None:
    """meetings.next_meeting as ホーム shows it: date and times, title or kind, venue."""
    row = con.execute("SELECT held_on, start_time, end_time, title, kind, venue FROM meeting "
                      "WHERE council_id = ? AND held_on >= ? ORDER BY held_on, start_time LIMIT 1",
                      (council_id, today.isoformat())).fetchone()
    if row is None:
        return None
    held_on, start, end, title, kind, venue = row
    when = wareki(day(held_on))
    start, end = time_of_day(start), time_of_day(end)
    if start:
        when += f" {start:%H:%M}"
        if end:
            when += f"〜{end:%H:%M}"
    return f"{when}\n{title or kind}\n{venue}"


def home_state(source: Any, council_id: str, today: dt.date | None = None) -> dict[str, Any]:
    """What ホーム displays for the council, as plain texts (home_view.HomeWidgets.show_home).
    source: a Store or a DB-API connection."""
    today = today or dt.date.today()
    with connection(source) as con:
        return _state(con, council_id, today)


def _state(con: Any, council_id: str, today: dt.date) -> dict[str, Any]:
    council = con.execute("SELECT name, tier, meeting_schedule, meeting_place FROM council WHERE id = ?",
                          (council_id,)).fetchone()
    if council is None:
        raise NotFoundError(f"協議体（ID {council_id}）が見つかりません。ほかの操作で削除された可能性があります。")
    name, tier, schedule, place = council
    vision = con.execute("SELECT phrase, subtitle FROM vision_revision WHERE council_id = ? "
                         "ORDER BY decided_on DESC, created_at DESC, rowid DESC LIMIT 1", (council_id,)).fetchone()
    if vision:
        phrase, subtitle = f"「{vision[0]}」", f"〜{vision[1]}〜" if vision[1] else ""
    else:
        phrase, subtitle = "まだ決めていません（「協議体の設定」で入力できます）", ""
    upcoming = _next_meeting(con, council_id, today)
    everyone, active, supporters, providers = con.execute(
        "SELECT count(*), coalesce(sum(status = ?1), 0), "
        "coalesce(sum(status = ?1 AND (is_thinker OR is_provider)), 0), "
        "coalesce(sum(status = ?1 AND is_provider), 0) FROM member WHERE council_id = ?2",
        (checks.ACTIVE_STATUS, council_id)).fetchone()
    resources = one(con, "SELECT count(*) FROM resource WHERE council_id = ?", council_id)
    marks = ",".join("?" * len(checks.OPEN_NEED_STATUSES))
    open_needs = one(con, f"SELECT count(*) FROM need WHERE council_id = ? AND status IN ({marks})",
                      council_id, *checks.OPEN_NEED_STATUSES)
    counts = (f"メンバー（活動中）: {active}人\n"
              f"サポーター: {supporters}人\n"
              f"　うち担い手: {providers}人\n"
              f"社会資源: {resources}件\n"
              f"対応中・未対応のニーズ: {open_needs}件")
    messages = [n.message for n in attention.read(con, council_id, today)]
    waiting = one(con, "SELECT count(*) FROM app_meta WHERE key LIKE ?", meta_keys.CONFLICTS_LIKE)
    if waiting:
        messages.insert(0, f"ファイルの読み込みで、決めることが{waiting}件あります"
                           "（「ファイル」ページの「決めることの一覧」）")
    # An area council's first day: shown until each step has been done once.
    done = (one(con, "SELECT 1 FROM neighbourhood WHERE council_id = ? LIMIT 1", council_id) is not None,
            bool(everyone), upcoming is not None,
            one(con, "SELECT value FROM app_meta WHERE key = ?",
                 meta_keys.PREFERENCE + FLYER_PRINTED + council_id) == "1")
    steps = [f"✓ {text}（済み）" if is_done else f"□ {text}"
             for (text, _words, _key), is_done in zip(FIRST_STEPS, done, strict=True)]
    return {"heading": f"ホーム — {name}", "vision": phrase, "subtitle": subtitle,
            "next_meeting": upcoming or f"いつもの会議: {schedule or '（予定はまだありません）'}\n{place}",
            "counts": counts, "notices": messages or ["今、気をつけることはありません。"],
            "steps": steps, "steps_visible": tier == 2 and not all(done), "tier": tier}


def start_state(db_path: Path, today: dt.date | None = None, council: str | None = None
                ) -> dict[str, Any] | None:
    """ホーム for the start, read with sqlite3 before SQLAlchemy is imported: {council_id,
    council_label, large_text, home}, for the council last shown (or the one named). None when
    the store must open the file first (plain_read.open_clean), when a passcode is set (the lock
    comes first), there is no council yet, the name matches none, or the council is the tier-1
    one (its table of councils is read live)."""
    try:
        with plain_read.reading(db_path) as con:
            return None if con is None else _start_state(con, today or dt.date.today(), council)
    except Exception:  # noqa: BLE001 - anything odd: the store opens the file and says what it is
        return None


def _start_state(con: sqlite3.Connection, today: dt.date, council: str | None) -> dict[str, Any] | None:
    def preference(key: str) -> str | None:
        return one(con, "SELECT value FROM app_meta WHERE key = ?", meta_keys.PREFERENCE + key)

    if preference("passcode"):
        return None
    listed = council_list.list_councils(con)
    if not listed:
        return None
    wanted = council_list.find_id(council, listed) if council else preference("last_council")
    shown = next((c for c in listed if c.id == wanted), listed[0])
    if shown.tier != 2:
        return None
    return {"council_id": shown.id, "council_label": council_list.picker_label(shown.name, shown.tier),
            "large_text": preference("large_text") == "1", "home": _state(con, shown.id, today)}
