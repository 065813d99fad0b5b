"""地域支え合いサポーター ハンドブック (A5 portrait) and its booklet (two-up on A4 landscape).

The member list carries only members who consented to be listed (consent_handbook) and are
still active, and no phone numbers or addresses: a handbook can be lost on the way home.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import TypeVar

from reportlab.lib.pagesizes import A4, A5
from reportlab.platypus import Flowable, PageBreak, Spacer, TableStyle

from app.printing import layout
from app.printing import styles as S
from app.printing.base import Job, schedule_words, warn
from app.printing.contents import Chapter, Contents
from app.printing.flowables import Cell, FitText, JTable, KText, NoteLines, table
from app.printing.flyer import WHAT_IS
from app.printing.resources import resource_tables, stale_note
from app.services import neighbourhoods as neighbourhood_service
from app.services import trainings as training_service
from app.services.wareki import wareki

WIDTH = A5[0] - 2 * S.A5_MARGIN
T = TypeVar("T")

SAFETY = (
    "無理をしないこと。できることを、できる時に、できる範囲で。",
    "ひとりで抱えこまないこと。困ったときは協議体の仲間やあんしんセンターに相談します。",
    "お金や通帳、カード、鍵は預かりません。買い物の代金は、その場で受け取りと"
    "おつりの確認をします。",
    "薬を飲ませる、体を持ち上げるなど、専門の人の仕事はしません。",
    "様子がいつもと違う（郵便物がたまっている、夜に電気がつかない等）と気づいたら、"
    "あんしんセンターに連絡します。",
    "倒れている、意識がないなど急ぐときは、まず119番。そのあと連絡先に知らせます。",
    "活動中のけがや事故に備えて、ボランティア保険に入っておきます（社協で受け付け）。",
    "自分の体調が悪いときは休みます。代わりを頼むのも大切な支え合いです。",
)

PRIVACY = (
    "活動で知った、ほかの人の暮らしや体のこと、家族のことは、ほかで話しません。"
    "活動をやめた後も同じです。",
    "名簿や連絡先は活動のためだけに使います。コピーしたり、ほかの人に見せたりしません。",
    "このハンドブックには名簿が載っています。なくさないように保管し、"
    "いらなくなったら協議体にお返しください。",
    "写真を撮るとき、SNSやチラシに載せるときは、必ず本人の同意をもらいます。",
    "相談の内容は、本人の了解を得て、必要な人（あんしんセンター等）にだけ伝えます。",
)

THINKER = ("地域づくりを考える人",
           "協議体の話し合いや勉強会に参加して、地域の困りごとや「あったらいいな」を一緒に"
           "考えます。講座の受講は必要ありません。続けて参加する人はコアメンバーとして"
           "協議体を支えます。")
PROVIDER = ("サービスの担い手",
            "見守り・声かけ、ゴミ出しや電球交換などのちょっとした家事のお手伝い、サロンの運営など、"
            "実際に活動します。市の担い手養成講座を受けてから活動します。")


def _h1(text: str) -> list[Flowable]:
    return [Chapter(text, S.BOOK_H1)]


def _bullets(items: tuple[str, ...]) -> list[Flowable]:
    return [KText(item, S.BOOK_BODY, bullet="●") for item in items]


def _boxed(flowables: Sequence[Flowable], width: float = WIDTH, line: float = 1.2,
           shade: bool = False, align: str = "LEFT") -> JTable:
    t = JTable([[flowables]], colWidths=[width], hAlign=align)
    style = TableStyle([("BOX", (0, 0), (-1, -1), line, S.INK),
                        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)])
    if shade:
        style.add("BACKGROUND", (0, 0), (-1, -1), S.PALE)
    t.setStyle(style)
    return t


def _cover(job: Job) -> list[Flowable]:
    c = job.council
    story: list[Flowable] = [Spacer(1, 70), KText("地域支え合いサポーター", S.BOOK_COVER_KICKER),
                             Spacer(1, 8), KText("ハンドブック", S.BOOK_COVER_TITLE),
                             KText("HANDBOOK", S.BOOK_COVER_EN), Spacer(1, 36)]
    vision = [KText(f"{c.area_label}が目指す地域像", S.BOOK_COVER_DATE)]
    if c.vision:
        vision.append(FitText(f"「{c.vision.phrase}」", S.BOOK_COVER_VISION, min_size=11,
                              max_lines=3, one_line_min=13, what="目指す地域像"))
        if c.vision.subtitle:
            vision.append(KText(f"―{c.vision.subtitle}―", S.BOOK_COVER_DATE))
    else:
        vision.append(KText("（これから話し合って決めます）", S.BOOK_COVER_VISION))
    story.append(_boxed(vision, width=WIDTH - 28, line=1.5, align="CENTER"))
    story += [Spacer(1, 90), KText(c.label, S.BOOK_COVER_NAME), Spacer(1, 4),
              KText(f"{wareki(job.today)}発行", S.BOOK_COVER_DATE), PageBreak()]
    return story


def _council_page(job: Job) -> list[Flowable]:
    c = job.council
    story = _h1(f"{c.label}と目指す地域像")
    if c.vision:
        vision: list[KText] = [FitText(f"「{c.vision.phrase}」", S.BOOK_VISION, min_size=11,
                                       max_lines=3, one_line_min=13, what="目指す地域像")]
        if c.vision.subtitle:
            vision.append(KText(f"―{c.vision.subtitle}―", S.scaled(S.BOOK_BODY, 11)))
        story += [_boxed(vision, line=2), Spacer(1, 6)]
    story += [KText("協議体とは", S.BOOK_H2), KText(WHAT_IS, S.BOOK_BODY)]
    rows = []
    if c.founded_on:
        rows.append(("発足", wareki(c.founded_on)))
    if c.area_name:
        rows.append(("地区", c.area_name))
    if c.meeting_schedule:
        rows.append(("話し合い", schedule_words(c.meeting_schedule)))
    if c.meeting_place:
        rows.append(("会場", c.meeting_place))
    if c.population:
        stats = f"人口 {c.population:,}人"
        if c.aged_65_plus is not None:
            stats += f"、65歳以上 {c.aged_65_plus:,}人"
        if c.aging_rate is not None:
            stats += f"（高齢化率 {c.aging_rate:.2f}%）"
        if c.stats_as_of:
            stats += f"　{wareki(c.stats_as_of)}現在"
        rows.append(("地区の人口", stats))
    nbs = neighbourhood_service.list_neighbourhoods(job.store, c.id)
    if nbs:
        rows.append(("町内会", "、".join(n.name for n in nbs)))
    if rows:
        story += [KText("わたしたちの協議体", S.BOOK_H2),
                  table([[k, v] for k, v in rows], [70, WIDTH - 70], header_rows=0,
                        style=S.BOOK_CELL,
                        extra=[("BACKGROUND", (0, 0), (0, -1), S.LIGHT),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")])]
    trainings = training_service.list_trainings(job.store, job.council.id)
    if trainings:
        courses = [["開催日", "講座", "参加"]]
        courses += [[wareki(t.held_on), t.title + (f"（{t.venue}）" if t.venue else ""),
                     f"{t.participant_count}人" if t.participant_count is not None else ""]
                    for t in trainings]
        story += [KText("担い手養成講座", S.BOOK_H2),
                  table(courses, [88, WIDTH - 88 - 44, 44], style=S.BOOK_CELL)]
    story.append(PageBreak())
    return story


def _supporters_page(job: Job) -> list[Flowable]:
    members = [m for m in job.members()
               if m.status == "活動中"]
    thinkers = sum(1 for m in members if m.is_thinker)
    providers = sum(1 for m in members if m.is_provider)
    story = _h1("サポーターの活動")
    story.append(KText("地域支え合いサポーターには2つの種類があります。両方を兼ねることもできます。",
                       S.BOOK_BODY))
    for title, text in (THINKER, PROVIDER):
        story += [Spacer(1, 4), _boxed([KText(title, S.BOOK_H2), KText(text, S.BOOK_BODY)],
                                       shade=False)]
    if members:
        story.append(KText(f"いま活動しているサポーター：考える人 {thinkers}人、担い手 {providers}人"
                           "（両方の人は両方に数えています）", S.BOOK_SMALL))
    story.append(KText("こんな活動をしています", S.BOOK_H2))
    made = [r for r in job.resources()
            if r.created_by_council]
    examples = tuple(f"{r.name}：{r.content}" for r in made[:4]) or (
        "見守り・声かけ：回覧板を回すときに、様子を気にかけます。",
        "家事のちょっとしたお手伝い：ゴミ出し、電球交換など。",
        "サロン・居場所の運営：お茶会や体操の集まり。")
    story += [KText(e, S.BOOK_BODY, bullet="●") for e in examples]
    story.append(PageBreak())
    return story


def _safety_page() -> list[Flowable]:
    return [*_h1("安全に活動するために"), *_bullets(SAFETY), PageBreak()]


def _privacy_page() -> list[Flowable]:
    story = [*_h1("個人情報を守る約束"),
             KText("支え合いは信頼から。活動の中で知ったことは、大切にあつかいます。", S.BOOK_BODY),
             Spacer(1, 2), *_bullets(PRIVACY), Spacer(1, 8),
             _boxed([KText("このハンドブックの名簿には、掲載に同意した人だけを載せています。"
                           "電話番号や住所は載せていません。連絡は協議体の事務局を通してください。",
                           S.BOOK_BODY)], shade=True),
             PageBreak()]
    return story


def _resources_pages(job: Job) -> list[Flowable]:
    resources = job.resources()
    story = _h1("地域の社会資源（集まり・活動）")
    if not resources:
        warn("社会資源が登録されていないため、ハンドブックの社会資源のページは空になります。")
        story.append(KText("（まだ登録されていません）", S.BOOK_BODY))
    else:
        stale_note(job, resources)
        story.append(KText("日時は変わることがあります。参加の前に確かめてください。", S.BOOK_SMALL))
        story += resource_tables(job, resources, width=WIDTH, compact=True, heading=S.BOOK_H2)
    story.append(PageBreak())
    return story


def _contacts_page(job: Job) -> list[Flowable]:
    story = _h1("困ったとき・連絡先")
    contacts = job.council.contacts
    if contacts:
        rows = [["連絡先", "担当", "電話"]]
        rows += [[c.name, c.person, c.phone] for c in contacts]
        story.append(table(rows, [WIDTH - 50 - 96, 50, 96], style=S.scaled(S.BOOK_CELL, 10.5)))
    else:
        warn("連絡先が登録されていないため、ハンドブックの連絡先のページは空欄になります。")
    story += [Spacer(1, 10), KText("急ぐとき", S.BOOK_H2),
              table([["救急・火事", "119"], ["警察", "110"]], [WIDTH - 96, 96], header_rows=0,
                    style=S.scaled(S.BOOK_CELL_BOLD, 12)),
              Spacer(1, 10), KText("自分の連絡メモ", S.BOOK_H2), NoteLines(pitch=26, lines=5),
              PageBreak()]
    return story


def listed_members(job: Job):
    """Members who agreed to appear in the handbook and are still active."""
    return [m for m in job.members()
            if m.consent_handbook and m.status == "活動中"]


def _members_pages(job: Job) -> list[Flowable]:
    story = _h1("サポーター・協議体メンバー")
    listed = listed_members(job)
    story.append(KText("掲載に同意した人だけを五十音順に載せています。", S.BOOK_SMALL))
    if not listed:
        story.append(KText("（掲載に同意した人はまだいません）", S.BOOK_BODY))
    else:
        rows: list[list[Cell]] = [["名前", "町内会", "活動"]]
        for m in listed:
            kinds = [k for k, on in (("考える人", m.is_thinker), ("担い手", m.is_provider),
                                     ("コア", m.is_core)) if on]
            roles = "・".join(m.roles)
            rows.append([[KText(m.name, S.BOOK_CELL_BOLD), KText(m.furigana, S.BOOK_SMALL)],
                         m.neighbourhood_name or roles or "—",
                         "・".join(kinds) or roles])
        story.append(table(rows, [WIDTH * 0.42, WIDTH * 0.26, WIDTH * 0.32], style=S.BOOK_CELL,
                           zebra=True))
    story.append(PageBreak())
    return story


def _notes_page() -> list[Flowable]:
    heading = KText("メモ", S.BOOK_H1)
    heading.keepWithNext = 0  # the lines take the rest of the page: keeping them with it breaks
    return [heading, NoteLines(pitch=26)]


def _contents_page(contents: Contents, rows: int) -> list[Flowable]:
    return [KText("もくじ", S.BOOK_H1), Spacer(1, 6), contents.page(rows), PageBreak()]


def story(job: Job) -> list[Flowable]:
    chapters = [*_council_page(job), *_supporters_page(job), *_safety_page(), *_privacy_page(),
                *_resources_pages(job), *_contacts_page(job), *_members_pages(job)]
    contents = Contents(S.BOOK_TOC)
    rows = contents.adopt(chapters)
    return [*_cover(job), *_contents_page(contents, rows), *chapters, contents.close(),
            *_notes_page()]


def make(job: Job, canvasmaker=None) -> tuple[bytes, int]:
    margins = (S.A5_MARGIN, S.A5_MARGIN, S.A5_MARGIN, S.A5_MARGIN + 6)
    return layout.build_pdf(story(job), pagesize=A5, margins=margins, cover=True,
                            title=f"地域支え合いサポーター ハンドブック（{job.council.label}）",
                            number_style=S.BOOK_FOOTER, canvasmaker=canvasmaker)


# --- booklet -----------------------------------------------------------------------------------

def booklet_order(pages: int) -> list[tuple[int, int]]:
    """(left, right) page numbers for each printed side, sheet by sheet, front then back.

    Pages are padded to a multiple of 4 (numbers above `pages` are blank). For 8 pages:
    (8,1) (2,7) (6,3) (4,5): print double-sided (flip on the short edge), stack, fold.
    """
    total = max(4, math.ceil(pages / 4) * 4)
    sides = []
    for i in range(total // 4):
        sides.append((total - 2 * i, 1 + 2 * i))
        sides.append((2 + 2 * i, total - 1 - 2 * i))
    return sides


# Ten A4 sheets (40 A5 pages) fold and staple by hand; a thicker stack springs open and its
# inner pages stick out at the edge, so a longer handbook is made as several booklets.
BOOKLET_SHEETS = 10
BOOKLET_PAGES = BOOKLET_SHEETS * 4


def booklet_parts(pages: int) -> list[range]:
    """The handbook's pages (1-based) of each booklet: as few booklets as the 40-page limit
    allows, all but the last of the same whole number of sheets (41 pages: 24 + 17, not 40 + 1)."""
    count = math.ceil(pages / BOOKLET_PAGES)
    size = math.ceil(pages / count / 4) * 4
    return [range(first, min(first + size, pages + 1)) for first in range(1, pages + 1, size)]


def impose(pdf: bytes, pages: int, *, title: str = "") -> tuple[bytes, int]:
    """Two A5 pages side by side on each A4 landscape side, in booklet order, booklet by
    booklet (`booklet_parts`): each booklet's sheets are a stack folded on its own.

    Each A5 page becomes a Form XObject placed with one `cm` and `Do`: its content is copied, not
    parsed and rewritten (pypdf's merge_transformed_page took eight seconds for 134 pages).
    """
    from pypdf import PageObject, PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        PdfObject,
        StreamObject,
    )

    reader = PdfReader(io.BytesIO(pdf))
    src = reader.pages
    sheet_w, sheet_h = A4[1], A4[0]
    half = sheet_w / 2
    writer = PdfWriter()
    forms: dict[int, object] = {}

    def stream(data: bytes, extra: dict | None = None):
        obj = DecodedStreamObject()
        obj.set_data(data)
        if extra:
            obj.update(extra)
        return writer._add_object(obj.flate_encode())  # streams must be indirect objects

    def resolved(reference: object, kind: type[T]) -> T:
        # pypdf types what a page refers to as any PDF object (or None)
        found = reference.get_object() if isinstance(reference, PdfObject) else None
        if not isinstance(found, kind):
            raise ValueError(f"not a {kind.__name__}: {reference!r}")
        return found

    def form(number: int):
        if number not in forms:
            page = src[number - 1]
            contents = page["/Contents"].get_object()
            parts = contents if isinstance(contents, ArrayObject) else [contents]
            data = b"\n".join(resolved(part, StreamObject).get_data() for part in parts)
            box = [FloatObject(float(v)) for v in page.mediabox]
            forms[number] = stream(data, {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(box),
                NameObject("/Resources"): resolved(page["/Resources"], DictionaryObject).clone(writer),
            })
        return forms[number]

    fold = (f"q 0.45 G 0.5 w {half:.2f} {sheet_h:.2f} m {half:.2f} {sheet_h - 10:.2f} l S "
            f"{half:.2f} 0 m {half:.2f} 10 l S Q")  # ticks that show where to fold
    sides = [tuple(part.start + n - 1 if n <= len(part) else 0 for n in pair)
             for part in booklet_parts(pages) for pair in booklet_order(len(part))]
    for left, right in sides:
        ops, xobjects = [], DictionaryObject()
        for slot, number in ((0, left), (1, right)):
            if not number:
                continue  # padding: a blank page
            page = src[number - 1]
            pw, ph = float(page.mediabox.width), float(page.mediabox.height)
            dx = slot * half + (half - pw) / 2
            dy = (sheet_h - ph) / 2
            name = f"/P{number}"
            xobjects[NameObject(name)] = form(number)
            ops.append(f"q 1 0 0 1 {dx:.3f} {dy:.3f} cm {name} Do Q")
        ops.append(fold)
        side = PageObject.create_blank_page(width=sheet_w, height=sheet_h)
        side[NameObject("/Contents")] = stream("\n".join(ops).encode("ascii"))
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        writer.add_page(side)
    writer.add_metadata({"/Title": title, "/Creator": layout.PRODUCER, "/Producer": layout.PRODUCER})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def make_booklet(job: Job) -> tuple[bytes, int]:
    pdf, pages = make(job)
    parts = booklet_parts(pages)
    if len(parts) > 1:
        sheet = 0
        stacks = []
        for number, part in enumerate(parts, start=1):
            sheets = math.ceil(len(part) / 4)
            stacks.append(f"{number}冊目は{sheet + 1}〜{sheet + sheets}枚目"
                          f"（{part.start}〜{part.stop - 1}ページ）")
            sheet += sheets
        warn(f"ハンドブックが{pages}ページあるため、冊子を{len(parts)}冊に分けました（1冊は"
             f"{BOOKLET_SHEETS}枚＝{BOOKLET_PAGES}ページまで）。{'、'.join(stacks)}です。"
             "印刷したら1冊ずつ分けて折ってください。")
    return impose(pdf, pages, title=f"地域支え合いサポーター ハンドブック 冊子用（{job.council.label}）")
