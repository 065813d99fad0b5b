"""アンケート: the results (counts, percentages, bars) and the form to hand out (tick boxes).

Percentages come from the survey service (each choice's count over that question's answers,
rounded half up to one decimal, as the seed prints 18.2% and 58.1%; a sub-choice's over its
choice's count). A survey entered form by form adds, after its questions, the results by 町内会,
the cross-tables asked for (`cross`) and, only when asked (`open_answers`), the open answers
(survey_sections.py). The form shows sub-choices under their choice (⑴ ⑵ …), lines to write on
for an open question, and a box for the 整理番号 when the forms will be entered one by one.
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, TableStyle

from app.printing import layout, survey_sections
from app.printing import styles as S
from app.printing.base import Job, PrintError, warn
from app.printing.flowables import Bar, Blank, JTable, KText, NoteLines, table
from app.services import surveys as survey_service
from app.services.normalize import to_date
from app.services.surveys import QuestionResult, SurveyResult
from app.services.wareki import wareki

WIDTH = A4[0] - 2 * S.A4_MARGIN
KIND_WORDS = {"single": "ひとつ選択", "multiple": "複数選択", "text": "自由記述"}
FORM_WORDS = {"single": "あてはまるものひとつに ✓ をつけてください",
              "multiple": "あてはまるものすべてに ✓ をつけてください",
              "text": "ご自由にお書きください"}


def _survey(job: Job) -> SurveyResult:
    surveys = survey_service.list_surveys(job.store, job.council.id)
    wanted = job.opt("survey_id")
    if wanted:
        for s in surveys:
            if s.id == wanted:
                return s
        raise PrintError("指定したアンケートがこの協議体に見つかりません。")
    if not surveys:
        raise PrintError(f"{job.council.name}にはアンケートが登録されていません。先にアンケートを作ってください。")
    # The newest (by date, undated last) is the one people mean.
    return sorted(surveys, key=lambda s: (s.conducted_on is not None, s.conducted_on))[-1]


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


# --- results ---------------------------------------------------------------------------------

def _choice_label(q: QuestionResult, c) -> str:
    """① for a choice, ⑴ under it for a sub-choice (the numbers typed are 1 and 1-1)."""
    if c.parent_id is None:
        return f"{_circled(int(c.number))} {c.text}"
    return f"　{_paren(int(c.number.split('-')[1]))} {c.text}"


def _question_block(q: QuestionResult) -> list[Flowable]:
    head = KText(f"問{q.number}　{q.text}（{KIND_WORDS.get(q.kind, q.kind)}）", S.DOC_H)
    if q.kind == "text":
        note = KText(f"書かれた答え {q.total:,}件（一覧は、自由記述を載せると選んだときだけ印刷します）",
                     S.DOC_NOTE)
        return [KeepTogether([head, note]), Spacer(1, 6)]
    subs = any(c.parent_id for c in q.choices)
    note = KText(f"回答数 {q.total:,}件（割合は、この問いの回答数に対する割合です"
                 f"{'。⑴⑵…は、その上の選択肢を選んだ数に対する割合' if subs else ''}）", S.DOC_NOTE)
    rows: list[list] = [["選択肢", "件数", "割合", "グラフ"]]
    for c in q.choices:
        # Not balanced: that breaks at the space after ② and leaves the number alone on a line.
        rows.append([KText(_choice_label(q, c), S.DOC_CELL),
                     KText(f"{c.count:,}", S.DOC_CELL_NUM), KText(_pct(c.percent), S.DOC_CELL_NUM),
                     Bar(float(c.percent or 0) / 100, height=10)])
    widths = [262, 48, 52, WIDTH - 262 - 48 - 52]
    t = table(rows, widths, extra=[("ALIGN", (1, 1), (-1, -1), "RIGHT")])
    return [KeepTogether([head, note, Spacer(1, 2), t]), Spacer(1, 6)]


def make_results(job: Job) -> tuple[bytes, int]:
    survey = _survey(job)
    for w in survey.warnings:
        warn(w)
    facts = []
    if survey.conducted_on:
        facts.append(("実施日", wareki(survey.conducted_on)))
    if survey.distributed is not None:
        facts.append(("配布数", f"{survey.distributed:,}件"))
    if survey.returned is not None:
        facts.append(("回収数", f"{survey.returned:,}件"))
    if survey.response_rate is not None:
        facts.append(("回収率", f"{survey.response_rate}%"))
    story: list[Flowable] = [KText(f"{survey.title} 集計結果", S.DOC_TITLE),
                             KText(f"{job.council.label}　{wareki(job.today)}作成", S.DOC_SUB)]
    if facts:
        row = [v for k, v in facts]
        story += [table([[k for k, _ in facts], row], [WIDTH / len(facts)] * len(facts),
                        style=ParagraphStyle("survey.fact", parent=S.DOC_BODY, alignment=S.CENTER,
                                             fontName=S.DOC_CELL_BOLD.fontName, fontSize=12,
                                             leading=16)),
                  Spacer(1, 4)]
    if survey.note:
        story.append(KText(survey.note, S.DOC_NOTE))
    for w in survey.warnings:
        story.append(KText(f"注意：{w}", S.DOC_WARN))
    for q in survey.questions:
        story += _question_block(q)
    if not survey.questions:
        warn("このアンケートには質問がありません。")
    story += survey_sections.sections(job, survey, WIDTH)
    return layout.build_pdf(story, pagesize=A4, title=f"{survey.title} 集計結果",
                            footer_left=job.council.label,
                            footer_right=f"{wareki(job.today)}作成")


# --- the form ----------------------------------------------------------------------------------

def _choices(q: QuestionResult) -> list[Flowable]:
    """Short choices side by side (三つ並べ), long ones one per line, each with a tick box;
    sub-choices indented under their choice; an open question, lines to write on."""
    if q.kind == "text":
        return [NoteLines(pitch=26, lines=4)]
    texts = [_choice_label(q, c).strip() for c in q.choices]
    subs = any(c.parent_id for c in q.choices)
    if texts and not subs and len(texts) <= 4 and max(len(t) for t in texts) <= 10:
        cols = len(texts)
        t = JTable([[KText(x, S.FORM_CHOICE, box=True) for x in texts]],
                   colWidths=[(WIDTH - 16) / cols] * cols, hAlign="LEFT")
        t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 16),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                               ("TOPPADDING", (0, 0), (-1, -1), 3),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        return [t]
    # A plain list: it goes inside the question's KeepTogether, and a nested KeepTogether
    # reports an endless height (it forces a page break before every question).
    return [KText(x, SUB_CHOICE if c.parent_id else CHOICE, box=True)
            for x, c in zip(texts, q.choices, strict=True)]


CHOICE = ParagraphStyle("form.choice.i", parent=S.FORM_CHOICE, leftIndent=16, spaceAfter=4)
SUB_CHOICE = ParagraphStyle("form.choice.sub", parent=S.FORM_CHOICE, leftIndent=44, spaceAfter=3)


DEFAULT_RETURN_TO = "班長さん（または区長さん）"
BLANK_RETURN_BY = "　　月　　日（　）"
LETTER_TITLE = "アンケートへのご協力のお願い"
LETTER_BODY = (
    "日ごろから地域の活動にご理解とご協力をいただき、ありがとうございます。",
    "{label}では、住み慣れた地域で安心して暮らし続けられるよう、地域の困りごとや"
    "支え合いについて、住民のみなさんと一緒に話し合っています。このたび、みなさんの"
    "暮らしの様子やご意見をお聞きして、これからの話し合いに生かすため、"
    "「{title}」を行うことになりました。",
    "お名前を書く必要はありません。お答えいただいた内容は協議体の話し合いのためだけに使い、"
    "ほかの目的には使いません。お忙しいところ恐れ入りますが、ご協力をお願いいたします。",
)
LETTER_TITLE_STYLE = ParagraphStyle("form.letter.title", parent=S.FORM_Q, fontSize=18, leading=26,
                                    alignment=S.CENTER, spaceBefore=18, spaceAfter=14,
                                    keepWithNext=False)
LETTER_RIGHT = ParagraphStyle("form.letter.right", parent=S.FORM_BODY, alignment=S.RIGHT)
LETTER_BODY_STYLE = ParagraphStyle("form.letter.body", parent=S.FORM_BODY, leading=21,
                                   firstLineIndent=0, spaceAfter=8)
LETTER_KI = ParagraphStyle("form.letter.ki", parent=S.FORM_BODY, alignment=S.CENTER,
                           spaceBefore=10, spaceAfter=8)


def _return_by(job: Job) -> dt.date | None:
    """The day the forms are collected (a date, or text as people type it: 2027-01-31, 令和9年1月31日)."""
    value = job.opt("return_by")
    day = value if value is None or isinstance(value, dt.date) else to_date(value, "回収日")
    if day is None:
        warn("回収日（いつまでに出してもらうか）が入っていないため、「　月　日（　）まで」の空欄で"
             "印刷しました。印刷の画面の「回収日」で指定できます。")
    elif day < job.today:
        warn(f"回収日（{wareki(day, with_weekday=True)}）が印刷する日より前になっています。")
    return day


def _when(day: dt.date | None) -> str:
    return wareki(day, with_weekday=True) if day else BLANK_RETURN_BY


def _return_to(job: Job) -> str:
    return str(job.opt("return_to") or "").strip() or DEFAULT_RETURN_TO


def _letter(job: Job, title: str, day: dt.date | None) -> list[Flowable]:
    """A one-page 依頼文 from the council: date and sender at the right, the request, then 記 with
    when and where to hand the form in, and whom to ask."""
    given = job.opt("cover_letter")
    label = job.council.label
    if isinstance(given, str) and given.strip():
        paras = [p.strip() for p in given.strip().split("\n") if p.strip()]
    else:
        paras = [p.format(label=label, title=title) for p in LETTER_BODY]
    details = table(
        [["回収日", f"{_when(day)}まで"],
         ["提出先", f"{_return_to(job)}にお渡しください"],
         ["問い合わせ", _contact_line(job)]],
        [110, WIDTH - 110], header_rows=0, style=S.FORM_BODY, pad=7,
        extra=[("BACKGROUND", (0, 0), (0, -1), S.LIGHT)])
    return [
        KText(wareki(job.today), LETTER_RIGHT),
        Spacer(1, 10),
        KText("地域住民のみなさまへ", S.FORM_BODY),
        Spacer(1, 4),
        KText(label, LETTER_RIGHT),
        KText(LETTER_TITLE, LETTER_TITLE_STYLE),
        *[KText("　" + p, LETTER_BODY_STYLE) for p in paras],
        KText("記", LETTER_KI),
        details,
        Spacer(1, 8),
        KText("以上", LETTER_RIGHT),
        PageBreak(),
    ]


def make_form(job: Job) -> tuple[bytes, int]:
    survey = _survey(job)
    label = job.council.label
    title = survey.title
    day = _return_by(job)
    to = _return_to(job)
    story: list[Flowable] = _letter(job, title, day) if job.opt("cover_letter") else []
    deadline = table([[KText("回収日", S.FORM_Q), KText(f"{_when(day)}まで", S.FORM_Q)],
                      [KText("提出先", S.FORM_BODY), KText(f"{to}にお渡しください", S.FORM_BODY)]],
                     [80, WIDTH - 80], header_rows=0, pad=5,
                     extra=[("BOX", (0, 0), (-1, -1), 1.5, S.INK),
                            ("BACKGROUND", (0, 0), (0, -1), S.LIGHT)])
    story += [
        KText(title, S.scaled(S.DOC_TITLE, 20)),
        KText(label, S.scaled(S.DOC_SUB, 12)),
        KText("住み慣れた地域で安心して暮らし続けるために、みなさんの暮らしの困りごとや、"
              "地域でできることを教えてください。お名前を書く必要はありません。"
              "お答えいただいた内容は、協議体の話し合いのためだけに使います。", S.FORM_BODY),
        Spacer(1, 6),
        deadline,
        Spacer(1, 6),
        _where_box(survey),
    ]
    for q in survey.questions:
        story.append(KeepTogether([
            KText(f"問{q.number}　{q.text}", S.FORM_Q),
            KText(f"（{FORM_WORDS.get(q.kind, '')}）", S.scaled(S.FORM_BODY, 12)),
            Spacer(1, 3), *_choices(q)]))
    if not any(q.kind == "text" for q in survey.questions):  # the survey asks in its own words
        story.append(KeepTogether([KText("地域の困りごとや、「こんなことがあったらいいな」と思うことを"
                                         "ご自由にお書きください。", S.FORM_Q),
                                   Blank(None, 120, frame=True)]))
    story += [Spacer(1, 10),
              KText(f"ご協力ありがとうございました。記入したら、{_when(day)}までに、"
                    f"{to}にお渡しください。", S.FORM_BODY),
              KText(f"問い合わせ：{_contact_line(job)}", S.FORM_BODY)]
    return layout.build_pdf(story, pagesize=A4, title=f"{title}（アンケート用紙）",
                            footer_left=label, page_numbers=True)


def _where_box(survey: SurveyResult) -> Flowable:
    """お住まいの町内会, and for forms entered one by one a box for the 整理番号 (the council
    writes it when the form comes back)."""
    if survey.entry != "forms":
        return table([["お住まいの町内会", ""]], [140, 200], header_rows=0, style=S.FORM_BODY,
                     extra=[("BACKGROUND", (0, 0), (0, 0), S.LIGHT)], row_heights=[28])
    return table([["お住まいの町内会", "", "整理番号（協議体で記入）", ""]], [130, 150, 160, 75],
                 header_rows=0,
                 style=S.FORM_BODY, row_heights=[28],
                 extra=[("BACKGROUND", (0, 0), (0, 0), S.LIGHT), ("BACKGROUND", (2, 0), (2, 0), S.LIGHT)])


def _contact_line(job: Job) -> str:
    contacts = [c for c in job.council.contacts if c.phone]
    if not contacts:
        return job.council.label
    c = contacts[0]
    return f"{c.name}　☎ {c.phone}"


def _circled(n: int) -> str:
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"


def _paren(n: int) -> str:
    return chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})"
