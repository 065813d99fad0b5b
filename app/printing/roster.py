"""The council's own papers: the member roster (with phone numbers) and the attendance sheet.

The roster is for use inside the council only, so every page says so; it lists members whatever
their handbook consent, but not those who have left (退会), and no addresses.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Spacer, TableStyle

from app.printing import layout
from app.printing import styles as S
from app.printing.base import Job, PrintError, time_range
from app.printing.columns import fit_widths
from app.printing.flowables import JTable, KText, table
from app.services import meetings as meeting_service
from app.services.wareki import wareki

WIDTH = A4[0] - 2 * S.A4_MARGIN
CONFIDENTIAL = "取扱注意（個人情報）"
ROW_H = 22  # room to write a name by hand


def _kinds(m) -> str:
    return "・".join(k for k, on in (("考える人", m.is_thinker), ("担い手", m.is_provider),
                                    ("コア", m.is_core)) if on) or "—"


def _warning_box(text: str) -> JTable:
    t = JTable([[KText(text, S.DOC_WARN)]], colWidths=[WIDTH], hAlign="LEFT")
    t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, S.INK),
                           ("BACKGROUND", (0, 0), (-1, -1), S.PALE),
                           ("LEFTPADDING", (0, 0), (-1, -1), 8),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                           ("TOPPADDING", (0, 0), (-1, -1), 5),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return t


def roster_members(job: Job):
    return [m for m in job.members() if m.status != "退会"]


def make_roster(job: Job) -> tuple[bytes, int]:
    members = roster_members(job)
    if not members:
        raise PrintError(f"{job.council.name}にはメンバーが登録されていません。")
    label = job.council.label
    story: list[Flowable] = [
        KText(f"{label} メンバー名簿", S.DOC_TITLE),
        KText(f"協議体内部用　{wareki(job.today)}現在　{len(members)}人", S.DOC_SUB),
        _warning_box("取扱注意：個人情報を含みます。協議体の活動のためだけに使い、コピーや持ち出しを"
                     "しないでください。いらなくなったらシュレッダーで処分してください。"
                     "（退会した人は載せていません）"),
        Spacer(1, 8),
    ]
    name_style = S.DOC_CELL_BOLD
    kana_style = ParagraphStyle("roster.kana", parent=S.DOC_CELL, fontSize=8, leading=10.5,
                                textColor=S.GREY)
    rows: list[list] = [["番号", "名前", "町内会", "役職", "サポーター", "電話", "状況"]]
    for i, m in enumerate(members, start=1):
        rows.append([KText(str(i), S.DOC_CELL_NUM),
                     [KText(m.name, name_style), KText(m.furigana, kana_style)],
                     m.neighbourhood_name or "—", "・".join(m.roles) or "—", _kinds(m),
                     m.phone or "—", m.status])
    texts = [[r[0] if isinstance(r[0], str) else str(i) for i, r in enumerate(rows)],
             [m.name for m in members] + ["名前"],
             *([r[c] for r in rows] for c in range(2, 7))]
    widths = fit_widths(texts, WIDTH, S.DOC_CELL, pad=3)
    story.append(table(rows, widths, zebra=True, pad=3))
    return layout.build_pdf(story, pagesize=A4, title=f"{label} メンバー名簿（協議体内部用）",
                            footer_left=CONFIDENTIAL, footer_right=f"{wareki(job.today)}作成")


def _meeting(job: Job):
    meeting_id = job.opt("meeting_id")
    if meeting_id:
        for m in meeting_service.list_meetings(job.store, job.council.id):
            if m.id == meeting_id:
                return m
        raise PrintError("指定した会議がこの協議体に見つかりません。")
    return meeting_service.next_meeting(job.store, job.council.id, job.today)


def make_attendance(job: Job) -> tuple[bytes, int]:
    label = job.council.label
    members = [m for m in job.members()
               if m.status == "活動中"]
    meeting = _meeting(job)
    if meeting is not None:
        when = f"{wareki(meeting.held_on, with_weekday=True)}　{time_range(meeting.start_time, meeting.end_time)}"
        venue = meeting.venue or job.council.meeting_place
        title = meeting.title or f"{label} 会議"
    else:
        when = "令和　　年　　月　　日（　　）　　：　　〜　　："
        venue = job.council.meeting_place
        title = f"{label} 会議"
    info = [["日時", when], ["会場", venue or ""], ["議題", ""]]
    info_t = table(info, [52, WIDTH - 52], header_rows=0, style=S.scaled(S.DOC_BODY, 11),
                   extra=[("BACKGROUND", (0, 0), (0, -1), S.LIGHT)], row_heights=[24] * 3)
    head: list[Flowable] = [
        KText(f"{title}　出欠表", S.DOC_TITLE),
        KText(f"{label}　出欠の欄に ○ を記入してください。当日参加の方は空欄に記入してください。",
              S.DOC_SUB),
        info_t, Spacer(1, 8)]
    # The tally line is the table's last row, so it never ends up alone on a page.
    tally = KText("出席　　　　人（うちメンバー　　　　人）　　記録者：", S.scaled(S.DOC_BODY, 11))
    if job.opt("blank_rows") is not None:
        blank_rows = int(job.opt("blank_rows"))
    else:  # fill the sheet: at least 3 lines for people who come on the day
        frame_h = A4[1] - 2 * S.A4_MARGIN - 4
        used = sum(f.wrap(WIDTH, frame_h)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                   for f in head) + 24 + 30  # + the table's header and tally rows
        blank_rows = max(int((frame_h - used) // ROW_H) - len(members), 3)
    rows: list[list] = [["番号", "名前", "町内会・所属", "出欠", "備考"]]
    widths = [30, 150, 150, 44, WIDTH - 30 - 150 - 150 - 44]
    cell = S.scaled(S.DOC_CELL, 10.5)
    heights: list[float | None] = [None]
    for i, m in enumerate(members, start=1):
        name = KText(m.name, cell, balanced=True)
        where = KText(m.neighbourhood_name or "・".join(m.roles), cell, balanced=True)
        rows.append([KText(str(i), S.DOC_CELL_NUM), name, where, "", ""])
        # A long name or 町内会 takes two lines: its row grows instead of overprinting the next.
        text_h = max(name.wrap(widths[1] - 7, ROW_H)[1], where.wrap(widths[2] - 7, ROW_H)[1])
        heights.append(max(ROW_H, text_h + 6))
    for i in range(len(members) + 1, len(members) + blank_rows + 1):
        rows.append([KText(str(i), S.DOC_CELL_NUM), "", "", "", ""])
        heights.append(ROW_H)
    rows.append([tally, "", "", "", ""])
    attendance = table(rows, widths, row_heights=[*heights, 30],
                       extra=[("SPAN", (0, -1), (-1, -1)), ("NOSPLIT", (0, -3), (-1, -1))])
    story = [*head, attendance]
    return layout.build_pdf(story, pagesize=A4, title=f"{title} 出欠表",
                            footer_left=CONFIDENTIAL, footer_right=label)
