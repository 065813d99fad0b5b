"""The `show-survey` command: a council's surveys as text, counts and percentages; for a survey
entered form by form also by 町内会, and the cross-tables asked for.

    python -m app --db X show-survey --council 乗附 [--cross 1,3] [--cross 2,3]

--cross takes two question numbers (「1,3」「1×3」, 全角 too) and may be given several times; a
pair that cannot be read is a usage error (exit 2), a question that is not there an error
naming it (exit 1). Only argparse and the services' number reading load with the parser.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from app.errors import UserError, ValidationError
from app.text_table import text_table

if TYPE_CHECKING:
    from app.services import survey_tables as T
    from app.services import surveys
    from app.store import Store

def cross_argument(text: str) -> tuple[int, int]:
    from app.services.survey_tables import parse_cross

    try:
        pairs = parse_cross(text, "--cross")
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if len(pairs) != 1:
        raise argparse.ArgumentTypeError("--cross には問の番号を2つ、「1,3」のように書いてください"
                                         "（表をいくつも出すときは --cross を何度でも）")
    return pairs[0]


def add_parser(sub, run: Callable[[argparse.Namespace], int]) -> None:
    p = sub.add_parser("show-survey", help="アンケートの結果（数と割合。回答用紙から入力したものは"
                                           "町内会別とクロス集計も）を表示")
    p.add_argument("--council", required=True, help="協議体の名前（例: 乗附）")
    p.add_argument("--cross", type=cross_argument, action="append", default=[], metavar="Q1,Q2",
                   help="2つの問のクロス集計（問の番号。例: --cross 1,3）。回答用紙を1枚ずつ入力した"
                        "アンケートだけ。何度でも指定できます")
    p.set_defaults(run=run)


def run_show_survey(args: argparse.Namespace, open_store: Callable[[argparse.Namespace], Store]) -> int:
    from app.services import councils, survey_tables, surveys

    with open_store(args) as store:
        council = councils.find_council(store, args.council)
        found = surveys.list_surveys(store, council.id)
        if not found:
            raise UserError(f"{council.name} にはアンケートがまだありません。")
        forms = [s for s in found if s.entry == "forms"]
        if args.cross and not forms:
            raise UserError("--cross（クロス集計）は、回答用紙を1枚ずつ入力したアンケートでできます。"
                            f"{council.name} のアンケートは合計で入力されています。")
        parts = []
        for s in found:
            text = format_survey(s)
            if s.entry == "forms":
                text += "\n\n" + format_by_neighbourhood(survey_tables.by_neighbourhood(store, s.id))
                for a, b in survey_tables.cross_pairs(s, args.cross):
                    text += "\n\n" + format_cross(survey_tables.cross_table(store, s.id, a, b))
            parts.append(text)
    print("\n\n".join(parts))
    return 0


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def format_survey(s: surveys.SurveyResult) -> str:
    from app.models import QUESTION_KINDS

    lines = [f"■ {s.title}"]
    if s.entry == "forms":
        lines.append("（回答用紙を1枚ずつ入力。回収数は入力した用紙の数）")
    if s.distributed is not None and s.returned is not None:
        rate = f"{s.response_rate}%" if s.response_rate is not None else "—"
        lines.append(f"配布 {s.distributed:,}　回収 {s.returned:,}　回収率 {rate}")
    elif s.returned is not None:
        lines.append(f"回収 {s.returned:,}")
    for q in s.questions:
        if q.kind == "text":
            lines.append(f"\n問{q.number} {q.text}（自由に書く・書かれた答え {q.total:,}件）")
            continue
        lines.append(f"\n問{q.number} {q.text}（{QUESTION_KINDS[q.kind]}・回答 {q.total:,}件）")
        rows = [[f"  {'   ' if c.parent_id else ''}{c.number}. {c.text}", f"{c.count:,}", _pct(c.percent)]
                for c in q.choices]
        lines.append(text_table(rows))
    lines += [f"※{w}" for w in s.warnings]
    return "\n".join(lines)


def _rows(first: str, rows: Sequence[T.Row], total: T.Row, numbers: Sequence[str]) -> str:
    header = [first, "用紙", "答え", *numbers]
    body = [[r.label, f"{r.forms:,}", f"{r.total:,}",
             *(f"{n:,}（{_pct(p)}）" for n, p in zip(r.counts, r.percents, strict=True))]
            for r in (*rows, total)]
    return text_table([header, *body])


def _legend(q: surveys.QuestionResult) -> str:
    """The choices on one line when short, else one a line."""
    line = "　".join(f"{c.number}. {c.text}" for c in q.choices)
    return f"  {line}" if len(line) <= 60 else "\n".join(f"  {c.number}. {c.text}" for c in q.choices)


def format_by_neighbourhood(table: T.ByNeighbourhood) -> str:
    lines = ["■ 町内会別", "  かっこの中は、その町内会でその問に答えた数に対する割合です。"]
    for area in table.questions:
        q = area.question
        lines += [f"\n問{q.number} {q.text}", _legend(q),
                  _rows("町内会", area.rows, area.total, [c.number for c in q.choices])]
    return "\n".join(lines)


def format_cross(cross: T.CrossTable) -> str:
    a, b = cross.a, cross.b
    return "\n".join([
        f"■ クロス集計：問{a.number} {a.text} × 問{b.number} {b.text}",
        f"  問{a.number}の選択肢ごとに問{b.number}の答えを数え、いくつでも選ぶ問は組み合わせの"
        "すべてに数えます。かっこの中は行の中の割合です。",
        f"  問{b.number}の選択肢:", _legend(b),
        _rows(f"問{a.number}", cross.rows, cross.total, [c.number for c in b.choices])])
