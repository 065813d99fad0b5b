"""The `proposals` command: a council's 提言 as a readable log on stdout, newest first.

    python -m app --db X proposals --council 八幡

Only argparse loads with the parser; the services when the command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from app.services.wareki import wareki

if TYPE_CHECKING:
    from app.services.proposals import ProposalDTO
    from app.store import Store


def add_parser(sub, run: Callable[[argparse.Namespace], int]) -> None:
    p = sub.add_parser("proposals", help="協議体の提言（市や第1層協議体に出したことと回答）を新しい順に表示する")
    p.add_argument("--council", metavar="NAME", help="協議体の名前（例: 八幡）")
    p.set_defaults(run=run, usage_error=p.error)


def run_proposals(args: argparse.Namespace, open_store: Callable[[argparse.Namespace], Store]) -> int:
    from app.services import councils, proposals

    if not args.council:  # checked here, so the message is Japanese (argparse's own is English)
        args.usage_error("proposals には --council（協議体の名前。例: 八幡）を指定してください")
    with open_store(args) as store:
        council = councils.find_council(store, args.council)
        found = proposals.list_proposals(store, council.id)
    print(format_log(council.label, found))
    return 0


def _indented(label: str, text: str) -> list[str]:
    lines = text.splitlines() or [""]
    return [f"  {label}: {lines[0]}", *(f"    {line}" for line in lines[1:])]


def format_log(council: str, found: Sequence[ProposalDTO]) -> str:
    if not found:
        return f"{council}の提言はまだ記録されていません（画面の「提言」で記録できます）。"
    answered = sum(p.is_answered for p in found)
    out = [f"{council}の提言（{len(found)}件、回答のあったもの {answered}件。新しい順）"]
    for p in found:
        raised = f"提出 {wareki(p.raised_on)}" if p.raised_on else "まだ提出していません"
        to = f"　提出先 {p.raised_to}" if p.raised_to else ""
        out += ["", f"■ {p.title}", f"  {raised}{to}　状況 {p.status}"]
        if p.detail:
            out += _indented("くわしく", p.detail)
        if p.answer or p.answered_on:
            when = f"（{wareki(p.answered_on)}）" if p.answered_on else ""
            out += _indented(f"回答{when}", p.answer or "（回答の文はまだ書いてありません）")
        if p.note:
            out += _indented("備考", p.note)
    return "\n".join(out)
