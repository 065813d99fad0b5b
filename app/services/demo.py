"""Demo data from the seed (高崎市, 2018): the city council, its 26 area councils, 八幡 in full.

Figures from the seed are reproduced exactly; people, phone numbers and addresses are invented
(phone numbers use the unassigned 000 exchange so no real line is printed).
Ids are derived from names, so loading twice changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import random
import uuid
from collections.abc import Callable

from dateutil.relativedelta import relativedelta
from sqlalchemy import Table, insert, select

from app.errors import StoreError
from app.models import (
    AreaMap,
    Base,
    Council,
    CouncilContact,
    Meeting,
    Member,
    Need,
    NeedCategory,
    Neighbourhood,
    Resource,
    ResourceCategory,
    Role,
    Survey,
    SurveyChoice,
    SurveyQuestion,
    Tally,
    TallyCell,
    TallyColumn,
    TallyRow,
    Training,
    TrainingAttendance,
    VisionRevision,
    member_role,
    reference_id,
    utcnow,
)
from app.services import demo_map, demo_proposals, demo_survey, wareki
from app.services import members as member_rules
from app.services import resources as resource_rules
from app.services.schedule import next_dates, parse_schedule
from app.services.tallies import NEEDS_COLUMNS, SERVICE_USE_COLUMNS
from app.store import Store, write_failure

DEMO_NAMESPACE = uuid.UUID("6f1d8e0a-3b7c-5d2e-9a41-5a5e5a1ede00")
CITY = "高崎市（第1層）"
AREAS = ("群馬（なのはな）", "群馬（さくら）", "榛名", "片岡", "八幡", "新町", "倉渕", "高松", "乗附",
         "城東・東部", "新高尾・中川", "京ヶ島・滝川", "南八幡", "佐野", "倉賀野", "浜尻・塚沢",
         "中居・矢中", "北・西・東", "岩鼻", "大類", "豊岡", "寺尾・城山", "六郷・北部", "長野", "箕郷",
         "吉井")
VISIONS = {
    "群馬（さくら）": ("多世代の交流があり", "多世代の世話人がつどい 隣近所をたすけあう地域"),
    "群馬（なのはな）": ("地域で支え合うまち", "気軽につかず はなれず おせっかい"),
    "片岡": ("明るく楽しく支え合う 長生きが幸せにつながる まちづくり", ""),
    "新町": ("あったらいいな！が実現できるまち", "私たちの力で"),
    "城東・東部": ("で愛、ふれ愛、ささえ愛", "つながろう住みなれた町で"),
    "八幡": ("動ける人がお互いに見守る交流のあるまち", ""),
    "乗附": ("見守り・支え合う 顔の見える ふれあいのまち", ""),
}
# 世帯数 from the seed's 八幡 needs table (sum 5,092).
YAWATA_NEIGHBOURHOODS = (("金井淵", 530), ("上剣崎", 1240), ("下剣崎", 485), ("下大島", 207),
                         ("町屋", 255), ("群馬八幡", 352), ("八幡1", 330), ("八幡2", 445),
                         ("八幡3", 695), ("八幡4", 440), ("若田", 113))
_: None = None  # a blank cell in the seed's tables
YAWATA_NEEDS = (  # 居場所・運動 見守り 買い物 通院 移動手段 調理・弁当 掃除 入浴 ゴミだし 住環境 布団干し 床屋 | 対象人数
    ("金井淵", (4, 8, 11, 6, 2, 8, 9, 5, 4, _, 2, _), 31),
    ("上剣崎", (12, 7, 6, 1, 2, 5, 6, 4, 1, _, _, 3), 35),
    ("下剣崎", (1, 7, 2, 3, _, _, 2, _, _, _, _, 1), 14),
    ("下大島", (2, 1, _, _, _, _, _, _, _, 1, _, 2), 6),
    ("町屋", (4, 1, 1, _, 1, 1, 1, 2, _, 1, _, _), 9),
    ("群馬八幡", (2, 1, 3, 1, _, 2, 1, 1, 1, _, _, 1), 11),
    ("八幡1", (6, 4, 1, 1, _, 2, 3, _, _, _, _, _), 11),
    ("八幡2", (13, 7, 4, 2, _, 6, _, 2, _, 1, _, _), 27),
    ("八幡3", (8, 6, 7, 3, _, 4, 3, 3, _, 3, 2, 1), 26),
    ("八幡4", (8, 5, 2, 2, _, 3, 3, 4, 1, 1, 2, _), 19),
    ("若田", (1, 1, 2, 2, _, 1, _, _, _, _, _, _), 5),
)
YAWATA_SERVICE_COLUMNS = (("デイサービス", "リハビリ"), ("デイサービス", "入浴"), ("訪問介護", "買い物"),
                          ("訪問介護", "調理"), ("訪問介護", "掃除"), ("訪問介護", "ゴミだし"),
                          ("訪問介護", "入浴"), ("訪問介護", "洗濯"), ("訪問介護", "その他"))
YAWATA_SERVICE_USE = (
    ("金井淵", (13, 8, 5, 1, 6, 2, 1, 2, _), 14),
    ("上剣崎", (14, 3, 6, 5, 7, 1, _, 2, _), 19),
    ("下剣崎", (5, 1, 1, 1, 1, _, 1, _, _), 7),
    ("下大島", (2, 1, _, _, _, _, _, _, _), 2),
    ("町屋", (3, _, 3, 1, 5, _, 2, _, 1), 9),
    ("群馬八幡", (2, _, 2, _, 3, 2, 1, _, _), 4),
    ("八幡1", (9, 4, 1, 1, 2, _, _, 1, _), 9),
    ("八幡2", (12, 4, 3, 2, 5, 1, 2, 1, _), 16),
    ("八幡3", (9, 1, 3, 1, 5, 1, 1, 1, _), 14),
    ("八幡4", (3, 2, _, 1, 3, 1, 1, _, _), 6),
    ("若田", (2, _, _, _, _, _, _, _, _), 2),
)
TOYOOKA_SERVICE_USE = (  # columns as SERVICE_USE_COLUMNS
    ("上豊岡1", (5, 1, 2, 1, 2, 1, _, _, _), 7),
    ("上豊岡2", (4, 1, _, _, 2, _, _, _, _), 6),
    ("上豊岡3", (3, 2, 2, 2, 3, 1, 1, _, _), 5),
    ("上豊岡4", (2, 1, 1, _, _, _, _, _, _), 3),
    ("上豊岡湯関", (5, _, _, _, 3, _, _, 1, 1), 6),
    ("下豊岡1", (7, 2, 1, 1, _, _, 1, _, _), 8),
    ("下豊岡2", (10, 2, 1, _, 3, _, 1, _, _), 10),
    ("豊岡団地", (8, 1, 1, 1, 2, _, _, _, _), 9),
    ("中豊岡1", (3, _, 2, 1, 2, _, 1, _, _), 5),
    ("中豊岡2", (5, 2, 2, 1, 3, _, _, _, _), 6),
    ("北久保", (12, 2, 5, 4, 9, 1, 4, _, 1), 16),
)
NORITSUKE_SURVEY = (
    ("家族構成をお聞きします", "single", (("一人暮らし", 140), ("夫婦二人", 219), ("家族と同居", 412))),
    ("生活全般について", "multiple", (
        ("旅行などを含めて自由にどこでも出かけられる", 618),
        ("隣近所のお付き合いや「ゴミ出し」などやっている", 353),
        ("少し不自由はあるが近所ぐらいなら出られる", 57),
        ("ほとんど家の中で過ごしている", 20),
        ("家族又は他人の手を借りないと生活できない", 16))),
    ("日常のお買い物について", "multiple", (
        ("自由にできている", 684), ("不自由は感じているがまあまあ出ている", 62),
        ("人の手を借りないと出かけられない", 34), ("宅配などサービスを利用している", 27))),
    ("医院・病院等、病気の治療・診療について", "multiple", (
        ("自由に行くことができる", 682), ("不自由は感じているが一人で通っている", 47),
        ("人の手を借りないと行けない", 44), ("往診を受けている", 14))),
    ("生きがいとなる居場所や友人・仲間について", "multiple", (
        ("定期的に仲間と集って話している", 398), ("定期的ではないが、友人・仲間と話している", 282),
        ("あまり興味もなく、友人もごく少数に限られている", 27), ("友人・仲間はほとんどいない", 29),
        ("高齢者が気兼ねなく集まれる場所や仲間がほしい", 26))),
)
# (name, ふりがな, roles, thinker, provider, core, 町内会, handbook, share contact, status)
YAWATA_MEMBERS = (
    ("大澤 勝利", "おおさわ かつとし", ("元区長",), True, False, True, "金井淵", True, True, "活動中"),
    ("小林 美智子", "こばやし みちこ", ("民生委員",), True, True, True, "上剣崎", True, True, "活動中"),
    ("佐藤 和夫", "さとう かずお", ("区長",), True, False, True, "下剣崎", True, False, "活動中"),
    ("田中 幸子", "たなか さちこ", ("住民",), True, True, False, "八幡1", False, False, "活動中"),
    ("高橋 正雄", "たかはし まさお", ("公民館長",), True, False, True, "八幡2", True, True, "活動中"),
    ("渡辺 久美子", "わたなべ くみこ", ("民生委員",), True, True, False, "八幡3", True, True, "活動中"),
    ("伊藤 清", "いとう きよし", ("元区長", "住民"), True, False, False, "町屋", True, False, "活動中"),
    ("山本 節子", "やまもと せつこ", ("住民",), False, True, False, "群馬八幡", True, True, "活動中"),
    ("中村 博", "なかむら ひろし", ("区長",), True, False, False, "八幡4", False, True, "休止"),
    ("小川 トミ子", "おがわ とみこ", ("住民",), True, False, False, "若田", True, False, "活動中"),
    ("加藤 茂", "かとう しげる", ("民生委員",), True, True, True, "下大島", True, True, "活動中"),
    ("吉田 弘子", "よしだ ひろこ", ("住民",), False, True, False, "金井淵", False, True, "活動中"),
    ("松本 義男", "まつもと よしお", ("元区長",), True, False, False, "上剣崎", True, True, "退会"),
    ("井上 和子", "いのうえ かずこ", ("住民",), True, False, False, "八幡1", True, False, "活動中"),
    ("木村 進", "きむら すすむ", ("区長",), True, False, False, "八幡3", True, True, "活動中"),
    ("林 洋子", "はやし ようこ", ("住民",), True, True, False, "八幡2", True, True, "活動中"),
    ("清水 由紀", "しみず ゆき", ("あんしんセンター",), False, False, True, "", True, True, "活動中"),
    ("山口 健一", "やまぐち けんいち", ("社協",), False, False, True, "", True, True, "活動中"),
    ("森 直樹", "もり なおき", ("行政",), False, False, True, "", True, True, "活動中"),
    ("阿部 千代", "あべ ちよ", ("住民",), True, False, False, "町屋", False, False, "活動中"),
    ("池田 実", "いけだ みのる", ("NPO",), True, True, False, "群馬八幡", True, True, "活動中"),
    ("橋本 ハル", "はしもと はる", ("住民",), True, False, False, "下剣崎", True, False, "活動中"),
)
# (name, content, category, schedule, venue, 町内会, created by the council, map x, y)
YAWATA_RESOURCES = (
    ("ミチの会", "いきいきサロン", "居場所・サロン", "第2(木) 12:00~13:00", "上町崎公民館", "", False, .32, .28),
    ("アロハクラブメウアラ", "フラダンス愛好会", "趣味・サークル", "毎週(日) 9:00~12:00", "上町崎公民館", "", False, .32, .28),
    ("卓球クラブ", "卓球愛好会", "健康・体操", "毎週(火) 13:00~15:30", "上町崎公民館", "", False, .32, .28),
    ("カラオケ", "カラオケ愛好会", "趣味・サークル", "毎週(火、金) 10:00~12:00又は 18:00~21:00", "上町崎公民館", "", False, .32, .28),
    ("楽音(マナ)の会", "オカリナ愛好会", "趣味・サークル", "毎週(水) 14:00~16:00", "上町崎公民館", "", False, .32, .28),
    ("ヘルプフォーレアンサンブル", "トーンチャイム(楽隊)愛好会", "趣味・サークル", "第1・3(木) 10:00~12:00", "上町崎公民館", "", False, .32, .28),
    ("生命の野薑体操", "健康体操", "健康・体操", "", "上町崎公民館", "", False, .32, .28),
    ("八起きサロン", "高齢者の居場所（高齢者居場所補助事業）", "居場所・サロン", "毎週(水) 13:30~15:30", "下大島集会所", "下大島", True, .71, .62),
    ("サポーターのいきいきサロン", "地域支えサポーター主催のお茶会と体操", "居場所・サロン", "第2・4(月) 10:00~11:30", "八幡公民館", "八幡2", True, .45, .55),
    ("支え合いの健康体操", "理学療法士と連携した体操教室（認知症の方も参加）", "健康・体操", "毎週(金) 10:00~11:00", "八幡公民館", "八幡2", True, .45, .55),
    ("移動販売", "食料品・日用品の移動販売車。荷物は家まで届けます", "買い物支援", "毎週(火、金) 10:30~11:30", "上剣崎集会所前", "上剣崎", True, .22, .40),
    ("ゴミ出しお手伝い", "サポーターによるゴミ出しの手伝い", "家事援助", "不定期（申し込み順）", "", "", True, None, None),
    ("見守り・声かけ", "回覧板を回すときの声かけと見守り", "見守り・声かけ", "毎日", "", "", True, None, None),
    ("お休み処のベンチ", "商店の前に置いた休憩用ベンチ（「このベンチから始まった」）", "居場所・サロン", "", "群馬八幡駅前の商店", "群馬八幡", True, .58, .30),
)


# When the council's own resources began (the year's report counts 資源開発 by it). お休み処のベンチ
# is left without one, as many councils' records are: the report lists it as 「始めた日なし」.
YAWATA_STARTED = {"八起きサロン": dt.date(2018, 6, 6), "サポーターのいきいきサロン": dt.date(2018, 10, 8),
                  "支え合いの健康体操": dt.date(2019, 5, 10), "移動販売": dt.date(2018, 9, 4),
                  "見守り・声かけ": dt.date(2019, 4, 1)}


def demo_id(*parts: object) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, "/".join(str(p) for p in parts)))


@dataclasses.dataclass(frozen=True)
class DemoReport:
    added: tuple[str, ...]
    skipped: tuple[str, ...]


def load_demo(store: Store, today: dt.date | None = None) -> DemoReport:
    """Adds each demo council that is not there yet; councils already present are left alone."""
    today = today or dt.date.today()
    added: list[str] = []
    skipped: list[str] = []
    try:
        with store.session() as s:  # one transaction: a failure adds nothing
            existing_ids = set(s.scalars(select(Council.id)))
            existing_names = set(s.scalars(select(Council.name)))
            roles = {r.name: r for r in s.scalars(select(Role))}
            builders: list[tuple[str, Callable[[], list[Base]]]] = [(CITY, lambda: [_city()])]
            builders += [(name, functools.partial(_area, name, today, roles)) for name in AREAS]
            for name, build in builders:
                if demo_id("council", name) in existing_ids or name in existing_names:
                    skipped.append(name)
                    continue
                s.add_all(build())
                s.flush()
                added.append(name)
    except Exception as exc:
        failure = write_failure(store.path, exc)  # disk full, read-only...: one sentence
        if failure is None:
            raise
        raise StoreError(f"見本のデータを入れられませんでした。{failure}データベースは変えていません。") from None
    return DemoReport(tuple(added), tuple(skipped))


def _city() -> Council:
    return Council(
        id=demo_id("council", CITY), tier=1, name=CITY, area_name="高崎市全域",
        population=374_707, households=162_832, aged_65_plus=101_270, stated_aging_rate=27.03,
        stats_as_of=dt.date(2017, 9, 30), meeting_place="高崎市役所",
        note="第2層協議体情報交換会を企画・実施（テーマ: 周知、居場所、担い手の養成）",
        contacts=[CouncilContact(id=demo_id(CITY, "contact", "市"), position=0, kind="市",
                                 name="高崎市 長寿社会課", phone="027-000-0100")],
    )


def _area(name: str, today: dt.date, roles: dict[str, Role]) -> list[Base]:
    """The council first, then its rows (the session inserts them in dependency order)."""
    council = Council(id=demo_id("council", name), tier=2, name=name, area_name=f"{name}地区",
                      parent_id=demo_id("council", CITY))
    if name in VISIONS:
        phrase, subtitle = VISIONS[name]
        council.visions = [VisionRevision(id=demo_id(name, "vision"), phrase=phrase,
                                          subtitle=subtitle, decided_on=dt.date(2017, 3, 31))]
    if name == "八幡":
        return [council, *_yawata(council, today, roles)]
    if name == "豊岡":
        council.founded_on = dt.date(2017, 10, 1)
        nbs = _neighbourhoods(council, [(label, None) for label, _c, _p in TOYOOKA_SERVICE_USE])
        return [council, *nbs.values(), _tally(council, nbs, "service_use", SERVICE_USE_COLUMNS,
                                               TOYOOKA_SERVICE_USE, None, dt.date(2017, 4, 30))]
    if name == "乗附":
        return [council, _survey(council)]
    return [council]


def _neighbourhoods(council: Council, rows, places: dict | None = None) -> dict[str, Neighbourhood]:
    places = places or {}
    return {label: Neighbourhood(id=demo_id(council.name, "nb", label), council_id=council.id,
                                 name=label, position=position, households=households,
                                 map_x=places.get(label, (None, None))[0],
                                 map_y=places.get(label, (None, None))[1])
            for position, (label, households) in enumerate(rows)}


def _area_map(council: Council) -> AreaMap:
    """The drawn sample map (services/demo_map.py) with its two made-up reference points."""
    (x1, y1, lat1, lon1), (x2, y2, lat2, lon2) = demo_map.REFERENCES
    return AreaMap(id=demo_id(council.name, "map"), council_id=council.id, name=demo_map.NAME,
                   image=demo_map.demo_map_png(), image_format="png", width=demo_map.SIZE[0],
                   height=demo_map.SIZE[1], source=demo_map.SOURCE,
                   ref1_x=x1, ref1_y=y1, ref1_lat=lat1, ref1_lon=lon1,
                   ref2_x=x2, ref2_y=y2, ref2_lat=lat2, ref2_lon=lon2)


def _tally(council: Council, nbs: dict[str, Neighbourhood], kind: str, columns, rows,
           start: dt.date | None, end: dt.date) -> Tally:
    key = (council.name, "tally", kind)
    tally = Tally(id=demo_id(*key), council_id=council.id, kind=kind, period_from=start,
                  period_to=end, source="高齢者あんしんセンター（委託包括）",
                  title=("通所・訪問サービスの利用内容（町内別）" if kind == "service_use"
                         else "高齢者ニーズ（総合相談・実態把握より）"))
    tally.columns = [TallyColumn(id=demo_id(*key, "col", i), position=i, group=g, label=label,
                                 need_category_id=reference_id("need_category", label)
                                 if kind == "needs" else None)
                     for i, (g, label) in enumerate(columns)]
    for position, (label, counts, persons) in enumerate(rows):
        row = TallyRow(id=demo_id(*key, "row", label), position=position, label=label,
                       target_persons=persons, neighbourhood_id=nbs[label].id)
        row.cells = [TallyCell(id=demo_id(*key, label, col.position), column_id=col.id, count=c)
                     for col, c in zip(tally.columns, counts, strict=True) if c is not None]
        tally.rows.append(row)
    return tally


def _survey(council: Council) -> Survey:
    survey = Survey(id=demo_id(council.name, "survey"), council_id=council.id,
                    title="乗附地区困りごとアンケート（乗附・八千代全体）",
                    conducted_on=dt.date(2017, 7, 3), distributed=2745, returned=778,
                    note="町内会の班長を通じて配布・回収")
    for qpos, (text, kind, choices) in enumerate(NORITSUKE_SURVEY):
        question = SurveyQuestion(id=demo_id(council.name, "q", qpos), position=qpos, text=text,
                                  kind=kind)
        question.choices = [SurveyChoice(id=demo_id(council.name, "q", qpos, cpos), position=cpos,
                                         text=ctext, count=count)
                            for cpos, (ctext, count) in enumerate(choices)]
        survey.questions.append(question)
    return survey


def _yawata(council: Council, today: dt.date, roles: dict[str, Role]) -> list:
    name = council.name
    council.founded_on = dt.date(2016, 1, 1)
    council.area_name = "八幡地区（八幡クラブが中心）"
    council.meeting_place = "八幡公民館"
    council.meeting_schedule = "第3(水) 10:00〜12:00"
    # The seed's overview: these counts do not give its typed 29.86% (6,189/14,212 = 43.55%).
    council.population, council.households, council.aged_65_plus = 14_212, 5_123, 6_189
    council.stated_aging_rate, council.stats_as_of = 29.86, dt.date(2017, 7, 3)
    council.contacts = [
        CouncilContact(id=demo_id(name, "contact", 0), position=0, kind="あんしんセンター",
                       name="高齢者あんしんセンター八幡", person="清水", phone="027-000-0111"),
        CouncilContact(id=demo_id(name, "contact", 1), position=1, kind="社協",
                       name="高崎市社会福祉協議会", person="山口", phone="027-000-0222"),
        CouncilContact(id=demo_id(name, "contact", 2), position=2, kind="市",
                       name="高崎市 長寿社会課", person="森", phone="027-000-0100"),
    ]
    nbs = _neighbourhoods(council, YAWATA_NEIGHBOURHOODS, demo_map.NEIGHBOURHOOD_PLACES)
    tallies = [_tally(council, nbs, "needs", NEEDS_COLUMNS, YAWATA_NEEDS,
                      dt.date(2015, 4, 1), dt.date(2017, 4, 30)),
               _tally(council, nbs, "service_use", YAWATA_SERVICE_COLUMNS, YAWATA_SERVICE_USE,
                      None, dt.date(2017, 4, 30))]
    members = []
    for i, (mname, kana, mroles, thinker, provider, core, nb, book, share, status) in enumerate(YAWATA_MEMBERS):
        registered = dt.date(2016, 1, 1) + dt.timedelta(days=37 * i)
        # Most were re-confirmed this year; every fourth is overdue, so the home page has work.
        confirmed = today - relativedelta(months=14) if i % 4 == 3 else today - relativedelta(days=20 + i)
        member = Member(id=demo_id(name, "member", mname), council_id=council.id, name=mname,
                        furigana=kana, sort_key=member_rules.sort_key(kana, mname), is_thinker=thinker,
                        is_provider=provider, is_core=core,
                        neighbourhood_id=nbs[nb].id if nb else None, registered_on=registered,
                        last_confirmed_on=max(confirmed, registered), status=status,
                        left_on=today - dt.timedelta(days=10) if status == "退会" else None,
                        phone=f"090-0000-{1001 + i:04d}", address=f"高崎市{nb or '八幡町'} {i + 1}-{i % 7 + 1}",
                        consent_handbook=book, consent_share_contact=share,
                        note="移動販売の見守り担当" if i == 1 else "",
                        roles=[roles[r] for r in mroles])
        members.append(member)
    trainings = [
        Training(id=demo_id(name, "training", 1), council_id=council.id, held_on=dt.date(2017, 1, 30),
                 title="担い手養成講座（八幡地区協議体・高崎市共催）", venue="八幡公民館",
                 participant_count=65),
        Training(id=demo_id(name, "training", 2), council_id=council.id, held_on=dt.date(2017, 6, 17),
                 title="担い手養成講座（八幡地区協議体・高崎市共催）", venue="八幡公民館",
                 participant_count=45),
    ]
    for i, member in enumerate(members):
        if member.is_provider or i % 5 == 0:  # providers completed one; some others only attended
            training = trainings[i % 2]
            training.attendances.append(TrainingAttendance(
                id=demo_id(name, "attend", training.id, member.id), member_id=member.id,
                completed=member.is_provider))

    # ゴミ出しお手伝い began this 年度, so today's 年度のまとめ has a resource the council made.
    this_year = max(wareki.fiscal_year_range(wareki.fiscal_year_of(today))[0], today - dt.timedelta(days=60))
    resources = []
    for i, (rname, content, category, schedule, venue, nb, made, x, y) in enumerate(YAWATA_RESOURCES):
        verified = today - relativedelta(months=1 + i % 5) if i % 5 != 4 else today - relativedelta(months=15)
        resources.append(Resource(
            id=demo_id(name, "resource", rname), council_id=council.id, name=rname,
            category_id=reference_id("resource_category", category), content=content,
            operator_type="住民団体", representative=f"{rname} 代表",
            phone=f"027-000-{2001 + i:04d}", venue=venue,
            neighbourhood_id=nbs[nb].id if nb else None, schedule_text=schedule,
            schedule=resource_rules.stored_schedule(schedule), skip_holidays=i % 3 == 0,
            target="どなたでも" if i % 2 else "おおむね65歳以上の方", fee="無料" if i % 3 else "1回100円",
            created_by_council=made, last_verified_on=verified, map_x=x, map_y=y, position=i,
            started_on=YAWATA_STARTED.get(rname, this_year if rname == "ゴミ出しお手伝い" else None)))
    by_name = {r.name: r for r in resources}
    needs = [
        ("居場所・運動", "金井淵", "気軽に集まれる場所がほしい", 12, "ワークショップ", ("八起きサロン", "サポーターのいきいきサロン")),
        ("買い物", "上剣崎", "地域の商店がなくなり、近所で買い物できる店がない", 11, "あんしんセンター", ("移動販売",)),
        ("買い物", "群馬八幡", "坂道があって買い物の帰りが大変。店に休むところがあったら", 3, "聞き取り", ("お休み処のベンチ",)),
        ("見守り", "八幡3", "高齢者世帯が増え、夜に電気がつかない家が心配", 8, "ワークショップ", ("見守り・声かけ",)),
        ("ゴミだし", "八幡4", "ゴミ出しが難しい一人暮らしの方がいる", 4, "あんしんセンター", ("ゴミ出しお手伝い",)),
        ("通院", "上剣崎", "病院に行く足がない", 6, "アンケート", ()),
        ("移動手段", "金井淵", "車に乗れず移動ができなくて困っている", 5, "聞き取り", ()),
    ]
    need_rows = []
    for i, (category, nb, text, count, source, linked) in enumerate(needs):
        need_rows.append(Need(
            id=demo_id(name, "need", i), council_id=council.id,
            category_id=reference_id("need_category", category), neighbourhood_id=nbs[nb].id,
            description=text, count=count, source=source, noted_on=dt.date(2017, 7, 1) + dt.timedelta(days=30 * i),
            status="対応中" if linked else "未対応",
            resources=[by_name[r] for r in linked if r in by_name]))
    meetings = _yawata_meetings(council, members, today)
    return [*nbs.values(), *tallies, *members, *trainings, *resources, *need_rows, *meetings,
            _area_map(council), *demo_proposals.yawata(council, today, demo_id),
            *demo_survey.yawata(council, nbs, demo_id)]


def _yawata_meetings(council: Council, members: list[Member], today: dt.date) -> list[Meeting]:
    rule = parse_schedule(council.meeting_schedule)
    slot = rule.slots[0]
    past = next_dates(rule, today - relativedelta(months=4), 6)
    active = [m for m in members if m.status == "活動中"]
    meetings = [Meeting(id=demo_id(council.name, "meeting", 0), council_id=council.id,
                        held_on=dt.date(2016, 1, 20), kind="定例会", title="協議体発足の会",
                        venue="八幡公民館", start_time=slot.start, end_time=slot.end,
                        attendance_count=24, minutes="目指す地域像を決めた。",
                        attendees=active[:14])]
    for n, day in enumerate(past, start=1):
        held = day < today
        meetings.append(Meeting(
            id=demo_id(council.name, "meeting", day.isoformat()), council_id=council.id,
            held_on=day, kind="定例会", title=f"八幡協議体 定例会（{day.month}月）", venue="八幡公民館",
            start_time=slot.start, end_time=slot.end,
            attendance_count=(12 + n % 4) if held else None,
            minutes="移動販売の利用状況、サロンの担い手について話し合った。" if held else "",
            attendees=active[n % 3: n % 3 + 10] if held else []))
    meetings.append(Meeting(id=demo_id(council.name, "meeting", "study"), council_id=council.id,
                            held_on=dt.date(2017, 9, 14), kind="情報交換会",
                            title="第2層協議体情報交換会（第3回）", venue="高崎市役所",
                            attendance_count=16, attendees=active[:3]))
    return meetings


_SURNAMES = (("佐藤", "さとう"), ("鈴木", "すずき"), ("高橋", "たかはし"), ("田中", "たなか"),
             ("伊藤", "いとう"), ("渡辺", "わたなべ"), ("山本", "やまもと"), ("中村", "なかむら"),
             ("小林", "こばやし"), ("加藤", "かとう"), ("吉田", "よしだ"), ("山田", "やまだ"),
             ("佐々木", "ささき"), ("松本", "まつもと"), ("井上", "いのうえ"), ("木村", "きむら"))
_GIVEN = (("花子", "はなこ"), ("太郎", "たろう"), ("幸子", "さちこ"), ("茂", "しげる"), ("和子", "かずこ"),
          ("博", "ひろし"), ("洋子", "ようこ"), ("進", "すすむ"), ("節子", "せつこ"), ("実", "みのる"))
_SCHEDULES = ("毎週(火) 13:00~15:30", "第2(木) 12:00~13:00", "第1・3(水) 10:00~12:00",
              "毎月15日 10:00~11:00", "毎週(火、金) 10:00~12:00又は18:00~21:00", "隔週(月) 9:30~11:00",
              "不定期")


def load_synthetic(store: Store, councils: int, *, members: int = 2000, resources: int = 500,
                   needs: int = 100, seed: int = 1) -> DemoReport:
    """Large councils (試験地区001...) for benchmarks, written in bulk; existing ones are skipped."""
    rng = random.Random(seed)
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now}
    parsed = {text: resource_rules.stored_schedule(text) for text in _SCHEDULES}
    added, skipped = [], []
    with store.session() as s:
        role_ids = list(s.scalars(select(Role.id)))
        category_ids = list(s.scalars(select(ResourceCategory.id)))
        need_category_ids = list(s.scalars(select(NeedCategory.id)))
        names = set(s.scalars(select(Council.name)))
        city_id = s.scalar(select(Council.id).where(Council.tier == 1))
        rows: dict[type[Base] | Table, list[dict]] = {Council: [], Neighbourhood: [], Member: [],
                                                      member_role: [], Resource: [], Need: []}
        for number in range(1, councils + 1):
            name = f"試験地区{number:03d}"
            if name in names:
                skipped.append(name)
                continue
            council_id = demo_id("synthetic", name)
            rows[Council].append({"id": council_id, "tier": 2, "name": name, "parent_id": city_id,
                                  "area_name": name, "meeting_place": f"{name}公民館",
                                  "meeting_schedule": "第2(水) 10:00〜12:00", "note": "",
                                  "population": 15000, "aged_65_plus": 4500, **stamp})
            nb_ids = [demo_id("synthetic", name, "nb", i) for i in range(20)]
            rows[Neighbourhood] += [{"id": nb_id, "council_id": council_id, "name": f"第{i + 1}町内会",
                                     "position": i, "households": rng.randint(80, 1300), **stamp}
                                    for i, nb_id in enumerate(nb_ids)]
            for i in range(members):
                (sur, sur_k), (given, given_k) = rng.choice(_SURNAMES), rng.choice(_GIVEN)
                member_id = demo_id("synthetic", name, "member", i)
                kana = f"{sur_k} {given_k}"
                rows[Member].append({
                    "id": member_id, "council_id": council_id, "name": f"{sur} {given}{i}",
                    "furigana": kana, "sort_key": member_rules.sort_key(kana, None), "is_thinker": rng.random() < .6,
                    "is_provider": False, "is_core": rng.random() < .1,
                    "neighbourhood_id": rng.choice(nb_ids), "registered_on": dt.date(2017, 4, 1),
                    "last_confirmed_on": dt.date(2026, 4, 1), "status": "活動中",
                    "phone": f"090-0000-{i % 10000:04d}", "address": f"{name} {i}",
                    "note": "", "consent_handbook": rng.random() < .7,
                    "consent_share_contact": rng.random() < .5, **stamp})
                rows[member_role].append({"member_id": member_id, "role_id": rng.choice(role_ids)})
            for i in range(resources):
                text = rng.choice(_SCHEDULES)
                rows[Resource].append({
                    "id": demo_id("synthetic", name, "resource", i), "council_id": council_id,
                    "name": f"サロン{i + 1}", "category_id": rng.choice(category_ids),
                    "content": "", "operator_type": "住民団体", "representative": "", "phone": "",
                    "venue": f"{rng.choice(nb_ids)[:4]}集会所", "neighbourhood_id": rng.choice(nb_ids),
                    "schedule_text": text, "schedule": parsed[text], "skip_holidays": False,
                    "target": "", "fee": "", "created_by_council": rng.random() < .2,
                    "last_verified_on": dt.date(2026, 1, 1), "note": "", "position": i, **stamp})
            for i in range(needs):
                rows[Need].append({
                    "id": demo_id("synthetic", name, "need", i), "council_id": council_id,
                    "neighbourhood_id": rng.choice(nb_ids), "category_id": rng.choice(need_category_ids),
                    "description": "", "count": rng.randint(1, 20), "source": "聞き取り",
                    "noted_on": dt.date(2026, 1, 1), "status": "未対応", **stamp})
            added.append(name)
        for target, values in rows.items():
            if values:
                s.execute(insert(target), values)
    return DemoReport(tuple(added), tuple(skipped))
