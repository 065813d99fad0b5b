"""Backups: thinning rules (property test over synthetic dates), backup on close only after an
edit, restore into the open store after a safety backup, USB copy, drive warnings."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import StoreError
from app.services import backups, councils
from app.services.backups import DAILY_UNTIL, MONTHLY_UNTIL, RECENT, thin
from app.store import backups_dir, check_file

NOW = dt.datetime(2025, 6, 15, 12, 0, 0)

stamps_strategy = st.lists(
    st.integers(min_value=-3 * 24 * 3600, max_value=800 * 24 * 3600).map(
        lambda seconds: NOW - dt.timedelta(seconds=seconds)),
    max_size=80)


@settings(max_examples=300, deadline=None)
@given(stamps_strategy)
@pytest.mark.slow
def test_thinning_rules_hold_for_any_set_of_dates(stamps):
    stamps = set(stamps)
    keep = thin(stamps, NOW)
    assert keep <= stamps
    ages = {s: NOW - s for s in stamps}
    # Nothing from the last 2 days (or from the future) is ever deleted.
    assert {s for s, age in ages.items() if age < RECENT} <= keep
    # 2-30 days: at most one per calendar day, and it is the newest of that day.
    daily = [s for s, age in ages.items() if RECENT <= age < DAILY_UNTIL]
    kept_daily = [s for s in daily if s in keep]
    assert len({s.date() for s in kept_daily}) == len(kept_daily)
    for day in {s.date() for s in daily}:
        assert max(s for s in daily if s.date() == day) in keep
    # 30-365 days: at most one per month, the newest of that month.
    monthly = [s for s, age in ages.items() if DAILY_UNTIL <= age < MONTHLY_UNTIL]
    kept_monthly = [s for s in monthly if s in keep]
    assert len({(s.year, s.month) for s in kept_monthly}) == len(kept_monthly)
    for month in {(s.year, s.month) for s in monthly}:
        assert max(s for s in monthly if (s.year, s.month) == month) in keep
    # Older than a year: deleted, except the newest backup of all, which always stays.
    old_kept = {s for s, age in ages.items() if age >= MONTHLY_UNTIL and s in keep}
    assert old_kept <= {max(stamps)} if stamps else not old_kept
    if stamps:
        assert max(stamps) in keep
    # Thinning again changes nothing.
    assert thin(keep, NOW) == keep


def test_thinning_a_year_of_nightly_backups():
    # Two a day (07:00 and 11:00) for 400 days, seen at noon on 令和7年6月15日.
    stamps = [NOW - dt.timedelta(days=d, hours=h) for d in range(400) for h in (1, 5)]
    keep = thin(stamps, NOW)
    # 4 from the last 2 days, one a day for days 2..29, then one a month from 令和7年5月 back
    # to 令和6年6月 (12 months); nothing older than a year.
    assert len(keep) == 4 + 28 + 12
    assert min(keep) > NOW - MONTHLY_UNTIL


def _fake_backup(folder: Path, stem: str, when: dt.datetime, reason: str = "on-close") -> Path:
    path = folder / f"{stem}-{when:%Y%m%d-%H%M%S-%f}-{reason}.sqlite3"
    path.write_bytes(b"x")
    return path


def test_prune_deletes_exactly_what_thin_drops(tmp_path):
    db = tmp_path / "notes.sqlite3"
    folder = backups_dir(db)
    folder.mkdir()
    whens = [NOW - dt.timedelta(days=d) for d in (0, 1, 3, 3.5, 40, 45, 500)]
    for when in whens:
        _fake_backup(folder, "notes", when)
    (folder / "notes-20250101-000000-000000-manual.sqlite3.part").write_bytes(b"")
    (folder / "other-20200101-000000-000000-manual.sqlite3").write_bytes(b"")  # another db's
    deleted = backups.prune(db, NOW)
    left = {b.taken_at for b in backups.list_backups(db)}
    assert left == thin(whens, NOW)
    assert len(deleted) == 3  # the older one of day 3, the older one of the month, the 500-day one
    assert (folder / "other-20200101-000000-000000-manual.sqlite3").exists()


def test_backup_now_is_listed_with_wareki_date_and_reason(store):
    info = backups.backup_now(store)
    listed = backups.list_backups(store.path)
    assert listed[0] == info
    assert info.reason_label == "手動（今すぐバックアップ）"
    assert info.when_text.startswith("令和")
    assert info.size_text.endswith("KB")
    con = sqlite3.connect(info.path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_backup_on_close_only_after_an_edit(store):
    backups.track_changes(store)
    store_prefs_only = backups.backup_on_close(store)
    assert store_prefs_only is None
    from app.services import preferences

    preferences.put(store, "last_council", "x")  # looking around is not an edit
    assert backups.backup_on_close(store) is None
    councils.create_council(store, {"name": "片岡", "tier": 2})
    made = backups.backup_on_close(store)
    assert made is not None and made.reason == "on-close"
    assert backups.backup_on_close(store) is None  # nothing new since


def test_untracked_store_is_backed_up_on_close(store):
    assert backups.backup_on_close(store) is not None


def _council_names(path: Path) -> set[str]:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in con.execute("SELECT name FROM council")}
    finally:
        con.close()


@pytest.mark.slow
def test_restore_brings_back_an_earlier_state_after_backing_up_the_current_one(store):
    backups.track_changes(store)
    councils.create_council(store, {"name": "八幡", "tier": 2})
    earlier = backups.backup_now(store)
    later = councils.create_council(store, {"name": "乗附", "tier": 2})
    councils.update_council(store, later.id, {"name": "乗附地区"})

    report = backups.restore(store, earlier)

    assert {c.name for c in councils.list_councils(store)} == {"八幡"}
    assert report.safety.reason == "before-restore"
    assert _council_names(report.safety.path) == {"八幡", "乗附地区"}
    assert report.restored.path == earlier.path
    assert check_file(store.path).ok  # read-only check of the live file, WAL included
    # The store goes on working, and the state before the restore can itself be restored.
    councils.create_council(store, {"name": "豊岡", "tier": 2})
    backups.restore(store, report.safety)
    assert {c.name for c in councils.list_councils(store)} == {"八幡", "乗附地区"}
    assert backups.changed_since_backup(store)


def test_restore_refuses_a_damaged_or_newer_file_and_changes_nothing(store, tmp_path):
    councils.create_council(store, {"name": "八幡", "tier": 2})
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 500)
    with pytest.raises(StoreError):
        backups.restore(store, broken)
    newer = backups.backup_now(store).path
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num='ffff9999'")
    con.commit()
    con.close()
    count = len(backups.list_backups(store.path))
    with pytest.raises(StoreError, match="新しい版"):
        backups.restore(store, newer)
    assert len(backups.list_backups(store.path)) == count  # no safety backup for nothing
    assert {c.name for c in councils.list_councils(store)} == {"八幡"}


def test_copy_to_folder_writes_a_verified_copy_and_never_overwrites(store, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    first = backups.copy_to_folder(store, usb, NOW)
    second = backups.copy_to_folder(store, usb, NOW)
    assert first.name == "sasaeai-backup-20250615-1200.sqlite3"
    assert second.name == "sasaeai-backup-20250615-1200-2.sqlite3"
    con = sqlite3.connect(second)
    assert con.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
    con.close()
    with pytest.raises(StoreError, match="USBメモリ"):
        backups.copy_to_folder(store, tmp_path / "pulled-out", NOW)


MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
/dev/sdb1 /media/yamada/USB\\040DISK vfat rw,nosuid 0 0
//nas/share /srv/share cifs rw 0 0
server:/export /home/shared nfs4 rw 0 0
/dev/sdc1 /mnt/data ext4 rw 0 0
/dev/sda2 /home ext4 rw 0 0
"""


@pytest.mark.parametrize(("path", "kind"), [
    ("/home/yamada/.local/share/SasaeaiNote/sasaeai.sqlite3", "fixed"),
    ("/media/yamada/USB DISK/sasaeai.sqlite3", "removable"),
    ("/srv/share/sasaeai.sqlite3", "network"),
    ("/home/shared/sasaeai.sqlite3", "network"),
    ("/mnt/data/sasaeai.sqlite3", "removable"),
    ("/run/media/u/STICK/x.sqlite3", "removable"),
])
def test_linux_drive_kind_from_mounts(path, kind):
    assert backups.linux_drive_kind(path, MOUNTS) == kind


def test_storage_warning_uses_the_lookup_given():
    assert backups.storage_warning("E:/data.sqlite3", lambda _p: "fixed") is None
    assert "USBメモリ" in backups.storage_warning("E:/data.sqlite3", lambda _p: "removable")
    assert "ネットワーク" in backups.storage_warning("E:/data.sqlite3", lambda _p: "network")
    assert "ネットワーク" in backups.storage_warning(r"\\nas\share\data.sqlite3", lambda _p: "fixed")



def test_the_real_lookup_answers_for_this_machine(tmp_path):
    assert backups.drive_kind(tmp_path) in {"fixed", "removable", "network", "unknown"}
