"""The list of councils and finding one by the name people type: plain SQL over a DB-API
connection (services/plain_read.py), so the `councils` command and the window's first paint
read it without SQLAlchemy, and the window's council picker reads it the same way through the
store. councils.py names both for the rest of the program."""

from __future__ import annotations

import dataclasses
from typing import Any

from app.errors import NotFoundError
from app.services import checks
from app.services.plain_read import connection


@dataclasses.dataclass(frozen=True)
class CouncilSummary:
    id: str
    tier: int
    name: str
    vision: str
    member_count: int    # 活動中 members (members.count_active)


def list_councils(source: Any) -> list[CouncilSummary]:
    """Tier 1 first, then tier-2 councils in the order they were registered. source: a Store or
    a DB-API connection."""
    with connection(source) as con:
        rows = con.execute(
            "SELECT c.id, c.tier, c.name, "
            "coalesce((SELECT v.phrase FROM vision_revision v WHERE v.council_id = c.id "
            "          ORDER BY v.decided_on DESC, v.created_at DESC, v.rowid DESC LIMIT 1), ''), "
            "(SELECT count(*) FROM member m WHERE m.council_id = c.id AND m.status = ?) "
            "FROM council c ORDER BY c.tier, c.created_at, c.name", (checks.ACTIVE_STATUS,)).fetchall()
    return [CouncilSummary(*row) for row in rows]


def find_id(name: str, listed: list[CouncilSummary]) -> str:
    """By name as people type it: 全角/半角 and a trailing 協議体 or 地区 do not matter; a part of
    a name will do when only one council has it."""
    from app.services.normalize import nfkc

    def key(text: str) -> str:
        text = nfkc(text).replace(" ", "")
        for suffix in ("協議体", "地区", "地域"):
            text = text.removesuffix(suffix)
        return text

    wanted = key(name)
    exact = [c for c in listed if c.name == name] or [c for c in listed if key(c.name) == wanted]
    if len(exact) == 1:
        return exact[0].id
    near = sorted((c for c in listed if wanted and wanted in key(c.name)), key=lambda c: c.name)
    if len(near) == 1:
        return near[0].id
    hint = f"候補: {'、'.join(c.name for c in near[:10])}" if near else "一覧は councils で表示できます。"
    raise NotFoundError(f"協議体「{name}」が見つかりません。{hint}")


def picker_label(name: str, tier: int) -> str:
    """How the council picker names a council: 八幡（第2層）, a name that says its tier as it is."""
    return name if f"第{tier}層" in name else f"{name}（第{tier}層）"
