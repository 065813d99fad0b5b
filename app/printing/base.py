"""What every document shares: the job it prints from and the warnings it collects."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.services.councils import CouncilDTO
from app.store import Store

log = logging.getLogger("app.printing")


class PrintError(UserError):
    """A document cannot be printed from this council's data (said in Japanese)."""


@dataclasses.dataclass(frozen=True)
class RenderResult:
    path: Path
    pages: int
    warnings: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Job:
    """One document to print: the council, the day it is printed on, and the caller's options."""

    store: Store
    council: CouncilDTO
    today: dt.date
    options: dict[str, Any]
    _memo: dict[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def opt(self, name: str, default: Any = None) -> Any:
        value = self.options.get(name)
        return default if value is None else value

    def memo(self, key: str, load: Callable[[], Any]) -> Any:
        """Load once per document (several pages read the same members or resources)."""
        if key not in self._memo:
            self._memo[key] = load()
        return self._memo[key]

    def members(self):
        from app.services import members

        return self.memo("members", lambda: members.list_members(self.store, self.council.id))

    def resources(self):
        from app.services import resources

        return self.memo("resources", lambda: resources.list_resources(self.store, self.council.id))


# Flowables report from deep inside a layout pass; the collector of the render in progress
# (a context variable, so two renders on two threads do not mix their warnings) gathers them.
_collector: contextvars.ContextVar[dict[str, None] | None] = contextvars.ContextVar(
    "print_warnings", default=None)


@contextlib.contextmanager
def collecting() -> Iterator[dict[str, None]]:
    bag: dict[str, None] = {}
    token = _collector.set(bag)
    try:
        yield bag
    finally:
        _collector.reset(token)


def warn(message: str) -> None:
    """Record a warning once per render (layout passes may repeat) and log it."""
    bag = _collector.get()
    if bag is not None:
        if message in bag:
            return
        bag[message] = None
    log.info("%s", message)


def time_range(start: dt.time | None, end: dt.time | None) -> str:
    if start is None:
        return ""
    text = f"{start.hour}:{start.minute:02d}"
    if end is not None:
        text += f"〜{end.hour}:{end.minute:02d}"
    return text


def schedule_words(text: str) -> str:
    """A schedule as residents say it: 「第3(水) 10:00〜12:00」 -> 「毎月第3水曜日 10:00〜12:00」.

    Text the schedule parser cannot read is printed as typed.
    """
    from app.services.schedule import LAST, WEEKDAYS, format_schedule, try_parse

    parsed = try_parse(text) if text else None
    if parsed is None:
        return (text or "").strip()
    days = "・".join(WEEKDAYS[w] for w in parsed.weekdays)
    if parsed.freq == "weekly":
        words = f"毎週{days}曜日"
    elif parsed.freq == "biweekly":
        words = f"隔週{days}曜日"
    elif parsed.freq == "monthly_nth":
        nths = "・".join(str(n) for n in parsed.nths if n > 0)
        if LAST in parsed.nths:
            nths = f"{nths}・最終" if nths else "最終"
        words = f"毎月第{nths}{days}曜日" if not nths.startswith("最終") else f"毎月{nths}{days}曜日"
    else:
        return format_schedule(parsed)
    slots = "又は".join(str(slot) for slot in parsed.slots)
    return f"{words} {slots}".strip()
