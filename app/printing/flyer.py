"""回覧 flyer (A4 portrait): one sheet that goes from house to house on the 回覧板.

Four templates after the seed's examples. Body text never below 12pt, titles never below 28pt.
The flyer is always one sheet with its stamp grid: the body is tightened step by step
(14pt -> 13pt -> 12pt), then long lists (contacts, events, activities, paragraphs) are shortened
to what fits with a last line 「ほか N件」, and a warning says what was left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, Spacer, TableStyle

from app.errors import UserError
from app.printing import layout
from app.printing import styles as S
from app.printing.base import Job, schedule_words, time_range, warn
from app.printing.flowables import FitText, JTable, KText
from app.printing.fonts import text_width
from app.services import meetings as meeting_service
from app.services import resources as resource_service
from app.services import trainings as training_service
from app.services.wareki import short_date, wareki

TEMPLATES = {
    "launch": "協議体が発足しました",
    "meeting": "会議・行事のお知らせ",
    "recruit": "サポーター募集",
    "newsletter": "協議体だより",
}
DEFAULT_TEMPLATE = "launch"

WHAT_IS = ("「協議体」とは、地域に住むみなさんが中心になり、市・高齢者あんしんセンター・社会福祉協議会・"
           "NPOなどと一緒に、地域の困りごとや「あったらいいな」を話し合い、支え合いのしくみを"
           "つくっていくチームです。")


def template_key(template: str | None) -> str:
    """Accepts the key (launch...) or the Japanese name (協議体が発足しました...)."""
    if template is None or template == "":
        return DEFAULT_TEMPLATE
    t = template.strip()
    if t in TEMPLATES:
        return t
    for key, title in TEMPLATES.items():
        if t == title:
            return key
    choices = "、".join(f"{k}（{v}）" for k, v in TEMPLATES.items())
    raise UserError(f"チラシのテンプレート「{template}」はありません。{choices} から選んでください。")


@dataclass(frozen=True)
class _Size:
    body: float
    gap: float  # vertical space between blocks


SIZES = (_Size(14, 10), _Size(13, 9), _Size(12, 4))  # largest that fits one sheet; never < 12pt

# The lists a flyer may shorten, in the order they give way, with the words for the warning
# and the fewest kept.
LISTS = {
    "events": ("集まり・行事", 0),
    "held": ("最近の話し合い", 0),
    "made": ("協議体から生まれた活動", 0),
    "doings": ("「どんなことをするの？」の項目", 0),
    "contacts": ("問い合わせ先", 1),
    "about": ("「協議体」とは？の説明", 0),
    "paras": ("本文の段落", 1),  # gives way only when no other list can
}
BLANK_DATE = "　　月　　日（　　）　　時から"
BLANK_RULE = "＿＿＿＿＿＿＿＿＿＿＿＿"


@dataclass
class _Fit:
    """How much of each list one layout shows; `full` records how long each list was."""

    limits: dict[str, int] = field(default_factory=dict)
    full: dict[str, int] = field(default_factory=dict)

    def take(self, name: str, items: list) -> tuple[list, int]:
        self.full[name] = len(items)
        limit = self.limits.get(name)
        if limit is None or limit >= len(items):
            return list(items), 0
        return list(items[:limit]), len(items) - limit

    def cut(self) -> dict[str, int]:
        return {n: self.full[n] - lim for n, lim in self.limits.items()
                if n in self.full and lim < self.full[n]}


def _more(rest: int, style) -> list[Flowable]:
    return [KText(f"ほか {rest}件", style)] if rest else []


def _body(size: _Size):
    return S.scaled(S.FLYER_BODY, size.body)


def _h(size: _Size):
    """Section heading; its space above shrinks with the layout's gap."""
    return ParagraphStyle(f"flyer.h.{size.gap}", parent=S.FLYER_H, spaceBefore=size.gap + 1)


def _bullets(items: list[str], style) -> list[Flowable]:
    return [KText(item, style, bullet="●") for item in items]


def _stamp_box(job: Job, width: float) -> JTable:
    stamps = job.opt("stamps", 10)
    labels = [str(s) for s in stamps] if isinstance(stamps, (list, tuple)) else [""] * int(stamps)
    if not 1 <= len(labels) <= 24:
        raise UserError("回覧の確認印の欄は 1〜24 にしてください。")
    n = len(labels)
    cols = n if n <= 6 else (math.ceil(n / 2) if n <= 12 else 6)
    rows = math.ceil(len(labels) / cols)
    side = min(34.0, (width - 2) / cols)
    label_style = S.scaled(S.FLYER_STAMP_HEAD, 12)
    grid = []
    for r in range(rows):
        row = []
        for c in range(cols):
            i = r * cols + c
            row.append([KText(labels[i], label_style)] if i < len(labels) and labels[i] else "")
        grid.append(row)
    head = [KText("回覧　確認印", S.FLYER_STAMP_HEAD)] + [""] * (cols - 1)
    hint = [KText("見たら印をおして次へ", ParagraphStyle("flyer.stamp.hint", parent=S.FLYER_SMALL,
                                                  alignment=S.CENTER))] + [""] * (cols - 1)
    data = [head, hint, *grid]
    heights = [None, None] + [side] * rows
    t = JTable(data, colWidths=[side] * cols, rowHeights=heights, hAlign="RIGHT")
    t.setStyle(TableStyle([
        ("SPAN", (0, 0), (-1, 0)), ("SPAN", (0, 1), (-1, 1)),
        ("BOX", (0, 0), (-1, -1), 1.5, S.INK),
        ("GRID", (0, 2), (-1, -1), 0.8, S.INK),
        ("LINEBELOW", (0, 1), (-1, 1), 0.8, S.INK),
        ("BACKGROUND", (0, 0), (-1, 0), S.LIGHT),
        ("VALIGN", (0, 2), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return t


def _masthead(job: Job, width: float) -> JTable:
    stamp = _stamp_box(job, 200)
    stamp_w = sum(stamp._colWidths)  # type: ignore[attr-defined]  # Table's own, not in the stubs
    tag = JTable([[KText("回覧", S.FLYER_TAG)]], colWidths=[96], hAlign="LEFT")
    tag.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), S.INK),
                             ("TOPPADDING", (0, 0), (-1, -1), 4),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    left = [tag, Spacer(1, 6), KText("住民主体で支え合う地域づくりを考えるしくみ", S.FLYER_KICKER),
            Spacer(1, 2), KText(_era_month(job) + "　" + job.council.label, S.FLYER_SMALL)]
    t = JTable([[left, stamp]], colWidths=[width - stamp_w - 6, stamp_w + 6])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return t


def _era_month(job: Job) -> str:
    text = wareki(job.today)
    return text[: text.index("月") + 1] + "発行"


def _title(job: Job, key: str) -> str:
    headline = job.opt("headline")
    if headline:
        return str(headline).strip()
    label = job.council.label
    return {
        "launch": f"{label}が発足しました",
        "meeting": f"{label} 会議のお知らせ",
        "recruit": "地域支え合いサポーター募集",
        "newsletter": f"{label}だより",
    }[key]


def _lead(job: Job, key: str) -> str:
    body = job.opt("body")
    if body:
        return str(body)
    area = job.council.area_name.split("（")[0] or job.council.area_label
    return {
        "launch": (f"住み慣れた地域で、いつまでも安心して暮らし続けるために、{area}で「協議体」の"
                   "活動が始まりました。みなさんの声を聞かせてください。"),
        "meeting": ("協議体の話し合いは、どなたでも参加できます。地域のこと、できることから"
                    "一緒に考えてみませんか。お気軽にお越しください。"),
        "recruit": ("ちょっとした手助けができる方、地域のことを一緒に考えてくださる方を募集しています。"
                    "特別な資格はいりません。できる時に、できることを。"),
        "newsletter": f"{area}の協議体の、最近の話し合いと活動をお知らせします。",
    }[key]


def _vision_box(job: Job, width: float) -> JTable:
    vision = job.council.vision
    label = f"{job.council.area_label}が目指す地域像"
    if vision is None:
        rows = [[KText(label, S.FLYER_VISION_LABEL)],
                [KText("これからみなさんと話し合って決めます", S.scaled(S.FLYER_VISION, 18))]]
    else:
        rows = [[KText(label, S.FLYER_VISION_LABEL)],
                [FitText(f"「{vision.phrase}」", S.FLYER_VISION, min_size=16, max_lines=2,
                         one_line_min=20, what="目指す地域像")]]
        if vision.subtitle:
            rows.append([KText(f"―{vision.subtitle}―", S.FLYER_VISION_SUB)])
    t = JTable(rows, colWidths=[width])
    t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 2.5, S.INK),
                           ("LEFTPADDING", (0, 0), (-1, -1), 12),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 12),
                           ("TOPPADDING", (0, 0), (-1, 0), 8),
                           ("BOTTOMPADDING", (0, -1), (-1, -1), 10)]))
    return t


def _info_table(rows: Sequence[tuple[str, list[Flowable] | Flowable]], width: float,
                label_w: float = 64) -> JTable:
    data = [[KText(label, S.scaled(S.FLYER_CONTACT, 13)), value] for label, value in rows]
    t = JTable(data, colWidths=[label_w, width - label_w], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("BACKGROUND", (0, 0), (0, -1), S.LIGHT),
                           ("GRID", (0, 0), (-1, -1), 0.8, S.INK),
                           ("LEFTPADDING", (0, 0), (-1, -1), 6),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                           ("TOPPADDING", (0, 0), (-1, -1), 4),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    return t


def _meeting_rows(job: Job, size: _Size, *, big: bool) -> list[tuple[str, Flowable]]:
    c = job.council
    nxt = meeting_service.next_meeting(job.store, c.id, job.today)
    rows: list[tuple[str, Flowable]] = []
    style = S.FLYER_BIG if big else S.scaled(S.FLYER_BODY, size.body + 1)
    if nxt is not None:
        when = wareki(nxt.held_on, with_weekday=True)
        times = time_range(nxt.start_time, nxt.end_time)
        rows.append(("次回", KText(f"{when}　{times}".strip(), style)))
        if nxt.venue:
            rows.append(("場所", KText(nxt.venue, style)))
    elif big:  # the meeting flyer: blanks to write the date and place in by hand
        warn("次の会議が入っていません。「会議・活動」ページで次の会議を入れると、"
             "日時と場所が印刷されます。")
        rows.append(("日時", KText(BLANK_DATE, style)))
        rows.append(("場所", KText(c.meeting_place or BLANK_RULE, style)))
    if c.meeting_schedule:
        rows.append(("いつも", KText(schedule_words(c.meeting_schedule), _body(size))))
    if c.meeting_place and (nxt is None or nxt.venue != c.meeting_place) and not (
            nxt is None and big):
        rows.append(("会場", KText(c.meeting_place, _body(size))))
    if not rows:
        warn("会議の日時・場所が登録されていないため、チラシに載せられません。")
    return rows


def _meeting_block(job: Job, width: float, size: _Size, *, big: bool) -> list[Flowable]:
    rows = _meeting_rows(job, size, big=big)
    if not rows:
        return []
    heading = "次回の話し合い" if big else "話し合いに参加しませんか"
    return [KText(heading, _h(size)), _info_table(rows, width, label_w=58)]


def _blank_contacts(width: float, size: _Size) -> list[Flowable]:
    """Two lines to write a name and a phone number in by hand."""
    warn("連絡先が入っていません。「協議体の設定」ページの「連絡先」に入れると印刷されます。")
    style = S.scaled(S.FLYER_CONTACT, max(size.body, 12))
    rule = "＿" * max(4, int((width - 140) / style.fontSize / 2))
    data = [[KText(f"名前：{rule}", style)] for _ in range(2)]
    for row in data:
        row.append(KText(f"☎ {rule}", style))
    t = JTable(data, colWidths=[width / 2, width / 2], hAlign="LEFT")
    t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, S.INK),
                           ("LEFTPADDING", (0, 0), (-1, -1), 8),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                           ("TOPPADDING", (0, 0), (-1, -1), 6),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return [KText("問い合わせ", _h(size)), t]


def _contacts_block(job: Job, width: float, size: _Size, fit: _Fit) -> list[Flowable]:
    """Name over a large phone number, one contact under another."""
    if not job.council.contacts:
        return _blank_contacts(width, size)
    contacts, rest = fit.take("contacts", list(job.council.contacts))
    who_style = S.scaled(S.FLYER_CONTACT, max(size.body, 12))
    phone_style = S.scaled(S.FLYER_PHONE, 16)
    phone_style.alignment = S.LEFT
    data: list[list] = []  # table cells: text, a flowable or a list of them
    wide = width > 360  # room for the number beside the name
    for contact in contacts:
        person = f"（{contact.person}）" if contact.person else ""
        if wide:
            phone = KText(f"☎ {contact.phone}", phone_style) if contact.phone else None
            data.append([KText(contact.name + person, who_style, balanced=True), phone])
        else:  # narrow: the person goes after the number, the name keeps its line
            lines = [KText(contact.name, who_style, balanced=True)]
            number = f"☎ {contact.phone}{person}"
            if contact.phone and text_width(number, phone_style.fontName, phone_style.fontSize) \
                    <= width - 16:
                lines.append(KText(number, phone_style))
            else:  # a person's name is never broken in two: it takes a line of its own
                if contact.phone:
                    lines.append(KText(f"☎ {contact.phone}", phone_style))
                if person:
                    lines.append(KText(person, who_style, balanced=True))
            data.append([lines])
    if rest:
        data.append(_more(rest, who_style) + ([""] if wide else []))
    widths = [width - 180, 180] if wide else [width]
    t = JTable(data, colWidths=widths, hAlign="LEFT")
    t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, S.INK),
                           ("LINEBELOW", (0, 0), (-1, -2), 0.5, S.RULE),
                           ("LEFTPADDING", (0, 0), (-1, -1), 8),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                           ("TOPPADDING", (0, 0), (-1, -1), 3),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return [KText("問い合わせ", _h(size)), t]


def _bottom(job: Job, key: str, width: float, size: _Size, fit: _Fit) -> list[Flowable]:
    """Meeting (unless the template already led with it) beside the contacts."""
    gap = 14
    half = (width - gap) / 2
    left = [] if key == "meeting" else _meeting_block(job, half, size, big=False)
    right = _contacts_block(job, half if left else width, size, fit)
    if not left:
        return [KeepTogether(right)] if right else []
    if not right:
        return [KeepTogether(_meeting_block(job, width, size, big=False))]
    t = JTable([[left, right]], colWidths=[half + gap, half], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (0, 0), gap),
                           ("RIGHTPADDING", (1, 0), (1, 0), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return [t]


def _what_is(size: _Size, fit: _Fit) -> list[Flowable]:
    shown, _rest = fit.take("about", [WHAT_IS])
    return [KText("「協議体」とは？", _h(size)), KText(WHAT_IS, _body(size))] if shown else []


def _launch(job: Job, width: float, size: _Size, fit: _Fit) -> list[Flowable]:
    items = ["地域の困りごとや「あったらいいな」を話し合います。",
             "地域にある集まりや活動（社会資源）を調べて、みなさんにお知らせします。",
             "見守り・声かけ、ちょっとした家事のお手伝いなど、できることから始めます。"]
    shown, _rest = fit.take("doings", [items])  # the three go together or not at all
    doings = [KText("どんなことをするの？", _h(size)), *_bullets(items, _body(size))] if shown else []
    return [*_what_is(size, fit), *doings]


def _upcoming_events(job: Job) -> list[str]:
    events = []
    unchecked = 0
    for r in job.resources():
        if not r.created_by_council or r.schedule is None or r.schedule.freq == "daily":
            continue
        if resource_service.is_stale(r, job.today):
            unchecked += 1  # a date nobody has confirmed for a year may send people to no one
            continue
        dates = resource_service.upcoming_dates(r, job.today, 1)
        if dates:
            slot = str(r.schedule.slots[0]) if r.schedule.slots else ""
            where = f"（{r.venue}）" if r.venue else ""
            events.append((dates[0], f"{short_date(dates[0])} {slot}　{r.name}{where}"))
    if unchecked:
        warn(f"1年以上確認されていない社会資源{unchecked}件は、日にちを載せませんでした"
             "（「社会資源」ページで「確認した」を押すと載ります）。")
    events.sort()
    return [text for _, text in events]


def _meeting(job: Job, width: float, size: _Size, fit: _Fit) -> list[Flowable]:
    story = [*_meeting_block(job, width, size, big=True)]
    events, rest = fit.take("events", _upcoming_events(job))
    if events or rest:
        story += [KText("協議体から生まれた集まり・行事", _h(size)), *_bullets(events, _body(size)),
                  *_more(rest, _body(size))]
    story += _what_is(size, fit)
    return story


def _recruit(job: Job, width: float, size: _Size, fit: _Fit) -> list[Flowable]:
    body = _body(size)
    kinds = JTable([
        [KText("地域づくりを考える人", S.FLYER_BIG), KText("サービスの担い手", S.FLYER_BIG)],
        [KText("協議体の話し合いや勉強会に参加して、地域の支え合いを一緒に考えます。"
               "講座を受けなくても参加できます。", body),
         KText("見守り・声かけ、ゴミ出しなどの家事のお手伝い、サロンの運営など、実際に活動します。"
               "市の担い手養成講座を受けてから活動します。", body)],
    ], colWidths=[width / 2, width / 2])
    kinds.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 1, S.INK),
                               ("BACKGROUND", (0, 0), (-1, 0), S.LIGHT),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 8),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                               ("TOPPADDING", (0, 0), (-1, -1), 4),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    story = [KText("2種類のサポーター（両方でもかまいません）", _h(size)), kinds]
    trainings = training_service.list_trainings(job.store, job.council.id)
    if trainings:
        total = sum(t.participant_count or 0 for t in trainings)
        story += [Spacer(1, 3), KText(f"これまでに担い手養成講座を{len(trainings)}回開き、のべ"
                                      f"{total}人が参加しました。", body)]
    story += _what_is(size, fit)
    return story


def _newsletter(job: Job, width: float, size: _Size, fit: _Fit) -> list[Flowable]:
    body = _body(size)
    story: list[Flowable] = []
    held, rest = fit.take("held", [m for m in meeting_service.list_meetings(job.store, job.council.id)
                                   if m.held_on < job.today and m.minutes][:2])
    if held or rest:
        story.append(KText("最近の話し合い", _h(size)))
        for m in held:
            story.append(KText(f"{wareki(m.held_on)}　{m.title}：{m.minutes}", body, bullet="●"))
        story += _more(rest, body)
    made, rest = fit.take("made", [r for r in job.resources() if r.created_by_council][:4])
    if made or rest:
        story.append(KText("協議体から生まれた活動", _h(size)))
        for r in made:
            when = schedule_words(r.schedule_text)
            story.append(KText(f"{r.name}：{r.content}" + (f"（{when}）" if when else ""), body,
                               bullet="●"))
        story += _more(rest, body)
    trainings = training_service.list_trainings(job.store, job.council.id)
    if trainings:
        courses = "、".join(f"{wareki(t.held_on)}" + (f"（{t.participant_count}人）" if t.participant_count else "")
                            for t in trainings[-3:])
        story.append(KText(f"担い手養成講座を開きました：{courses}", body, bullet="●"))
    if not story:
        story = _what_is(size, fit)
    return story


SECTIONS = {"launch": _launch, "meeting": _meeting, "recruit": _recruit, "newsletter": _newsletter}


def story(job: Job, key: str, size: _Size, width: float, fit: _Fit | None = None) -> list[Flowable]:
    fit = fit if fit is not None else _Fit()
    lead_style = S.scaled(S.FLYER_LEAD, max(size.body + 1, 13))
    paras, rest = fit.take("paras", [p for p in _lead(job, key).split("\n") if p.strip()])
    def rule() -> HRFlowable:
        return HRFlowable(width="100%", thickness=3, color=S.INK, spaceBefore=0, spaceAfter=0)

    flow: list[Flowable] = [
        _masthead(job, width), Spacer(1, size.gap),
        rule(), Spacer(1, 6),
        FitText(_title(job, key), S.FLYER_TITLE, min_size=S.FLYER_TITLE_MIN, max_lines=2,
                what="見出し"),
        Spacer(1, 4), rule(), Spacer(1, size.gap),
        *[KText(p, lead_style) for p in paras],
        *([KText(f"（ほか {rest}段落は省きました）", lead_style)] if rest else []),
        Spacer(1, size.gap), _vision_box(job, width), Spacer(1, size.gap / 2),
        *SECTIONS[key](job, width, size, fit),
        Spacer(1, size.gap / 2), *_bottom(job, key, width, size, fit),
    ]
    return flow


def _build(job: Job, key: str, size: _Size, fit: _Fit) -> tuple[bytes, int]:
    width = A4[0] - 2 * S.A4_MARGIN
    margins = (S.A4_MARGIN, S.A4_MARGIN, S.A4_MARGIN, S.A4_MARGIN)
    return layout.build_pdf(story(job, key, size, width, fit), pagesize=A4,
                            title=f"{_title(job, key)}（回覧）", margins=margins,
                            page_numbers=False)


def _shorter(fit: _Fit) -> bool:
    """Show one item fewer of the longest list that can still give way; False if none can."""
    shown = {n: fit.limits.get(n, fit.full[n]) for n in LISTS if n in fit.full}
    room = {n: k for n, k in shown.items() if k > LISTS[n][1]}
    if set(room) - {"paras"}:
        room.pop("paras", None)
    if not room:
        return False
    longest = max(room, key=lambda n: (room[n], -list(LISTS).index(n)))
    fit.limits[longest] = room[longest] - 1
    return True


def make(job: Job) -> tuple[bytes, int]:
    key = template_key(job.opt("template"))
    for size in SIZES:
        fit = _Fit()
        pdf, pages = _build(job, key, size, fit)
        if pages == 1:
            return pdf, pages
    while pages > 1 and _shorter(fit):
        pdf, pages = _build(job, key, size, fit)
    if pages > 1:  # even one paragraph of the text is too long for a sheet
        fit.limits["paras"] = 0
        pdf, pages = _build(job, key, size, fit)
    else:  # give back what the room left over allows, contacts first
        for name in sorted(fit.cut(), key=lambda n: n != "contacts"):
            while fit.limits[name] < fit.full[name]:
                fit.limits[name] += 1
                trial = _build(job, key, size, fit)
                if trial[1] > 1:
                    fit.limits[name] -= 1
                    break
                pdf, pages = trial
    for name, rest in fit.cut().items():
        what = LISTS[name][0]
        if LISTS[name][1] == 0 and fit.full[name] - rest == 0:
            warn(f"チラシを1枚に収めるため、{what}を省きました。")
        elif name == "paras":
            warn(f"チラシを1枚に収めるため、本文のあとの{rest}段落を省きました。"
                 "本文を短くすると全部印刷されます。")
        else:
            warn(f"チラシを1枚に収めるため、{what}は{fit.full[name] - rest}件だけ載せ、"
                 f"残り{rest}件は「ほか {rest}件」としました。")
    if pages > 1:
        warn(f"チラシが1枚に収まりませんでした（{pages}ページ）。見出しや本文を短くしてください。")
    return pdf, pages
