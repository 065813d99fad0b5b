"""A stress council (西部中央地区): the size and the long names of a real council's first year.

Used by tests and benchmarks to check that printed matter and the window survive real data:
six contacts, a long vision, 町内会 with long names, 2,000 members (some with 40-character names),
300 resources, meetings and trainings, and its year (stress_activity.py: a survey of 420 forms,
proposals). Written through the services, so every row obeys the same
rules as the window's. Loading it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from dateutil.relativedelta import relativedelta

from app.errors import NotFoundError
from app.services import (
    councils,
    meetings,
    members,
    needs,
    neighbourhoods,
    resources,
    stress_activity,
    surveys,
    trainings,
)
from app.store import Store

STRESS_COUNCIL = "西部中央地区"
STRESS_MEMBERS = 2000
STRESS_RESOURCES = 300

_VISION = ("一人ひとりが役割を持ち、困ったときはお互いさまと声をかけ合い、子どもからお年寄りまで"
           "誰もが住み慣れた地域で安心して暮らし続けられる、顔の見える支え合いのまち")
_SUBTITLE = "〜あいさつから始まる見守りの輪、できる人が、できる時に、できることを〜"
_CONTACTS = (
    ("あんしんセンター", "高崎市地域包括支援センター 高齢者あんしんセンター西部中央（委託）", "佐藤 恵美子", "027-000-0311"),
    ("あんしんセンター", "高齢者あんしんセンター西部中央 サテライト窓口（西部中央公民館内）", "鈴木 一郎", "027-000-0312"),
    ("社協", "社会福祉法人 高崎市社会福祉協議会 地域福祉課 生活支援コーディネーター", "高橋 由美", "027-000-0322"),
    ("市", "高崎市 福祉部 長寿社会課 地域包括ケア推進担当（生活支援体制整備事業）", "田中 誠", "027-000-0100"),
    ("その他", "西部中央地区 区長会 事務局（西部中央地区市民センター 地域振興係）", "伊藤 和子", "027-000-0333"),
    ("その他", "西部中央地区 民生委員児童委員協議会 会長（地区民児協 定例会の窓口）", "渡辺 博", "027-000-0344"),
)
_NEIGHBOURHOODS = (
    ("上並榎町第一町内会（上並榎ニュータウン自治会を含む）", 1240), ("上並榎町第二南部町内会", 530),
    ("西部中央一丁目町内会", 485), ("西部中央二丁目東町内会", 207), ("西部中央二丁目西町内会", 255),
    ("緑が丘団地自治会（県営緑が丘団地・市営住宅緑が丘を含む）", 698), ("中宿町内会", 330),
    ("新田町・元新田町合同町内会", 445), ("大橋町一丁目・二丁目町内会", 695), ("石原町北部町内会", 440),
    ("若宮町内会", 113), ("桜ケ丘町内会", 392),
)
_SURNAMES = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田",
             "山田", "佐々木", "松本", "井上", "木村", "長谷川", "勅使河原", "小野寺", "五十嵐")
_GIVEN = ("花子", "太郎", "幸子", "茂", "和子", "博", "洋子", "進", "節子", "実", "千代子", "喜久治郎")
_KANA = ("さとう", "すずき", "たかはし", "たなか", "いとう", "わたなべ", "やまもと", "なかむら",
         "こばやし", "かとう", "よしだ", "やまだ", "ささき", "まつもと", "いのうえ", "きむら", "はせがわ",
         "てしがわら", "おのでら", "いがらし")
_ROLES = ("住民", "区長", "元区長", "民生委員", "公民館長", "住民", "住民", "NPO")
_CATEGORIES = ("居場所・サロン", "健康・体操", "趣味・サークル", "買い物支援", "移動支援", "見守り・声かけ",
               "家事援助", "配食・会食", "相談窓口", "医療・介護", "その他")
_SCHEDULES = ("毎週(火) 13:00〜15:30", "第2(木) 12:00〜13:00", "第1・3(水) 10:00〜12:00",
              "毎週(火、金) 10:00〜12:00又は18:00〜21:00", "隔週(月) 9:30〜11:00", "不定期（申し込み順）",
              "毎月15日 10:00〜11:00", "")


def _long_name(rng: random.Random, i: int) -> tuple[str, str]:
    sur = rng.randrange(len(_SURNAMES))
    name = f"{_SURNAMES[sur]} {rng.choice(_GIVEN)}"
    if i % 97 == 0:  # a name as long as the form allows people to write it (40 characters)
        long = f"{_SURNAMES[sur]}・マリア・エレオノーラ・フォン・デア・シュトラーセン・ゆかり"
        name = f"{long[:36]:・<36}{i:04d}"
    return name, f"{_KANA[sur]} {i:04d}"


def load_stress(store: Store, *, today: dt.date | None = None, seed: int = 7) -> str:
    """Adds 西部中央地区 under the tier-1 council (if there is one); returns its id."""
    try:
        return councils.find_council(store, STRESS_COUNCIL).id
    except NotFoundError:
        pass
    today = today or dt.date.today()
    rng = random.Random(seed)
    parent = next((c.id for c in councils.list_councils(store) if c.tier == 1), None)
    council = councils.create_council(
        store,
        {"tier": 2, "parent_id": parent, "name": STRESS_COUNCIL,
         "area_name": "西部中央地区（上並榎・緑が丘・大橋・石原の一部を含む）",
         "founded_on": dt.date(2019, 4, 1), "meeting_place": "西部中央地区市民センター 2階 大会議室",
         "meeting_schedule": "第2(水) 10:00〜12:00", "population": 24_310, "households": 10_980,
         "aged_65_plus": 7_420, "aged_75_plus": 3_980, "stats_as_of": dt.date(2026, 4, 1)},
        contacts=[{"kind": k, "name": n, "person": p, "phone": t} for k, n, p, t in _CONTACTS],
        vision={"phrase": _VISION, "subtitle": _SUBTITLE, "decided_on": dt.date(2020, 3, 31)})
    nb_ids = [neighbourhoods.create_neighbourhood(
        store, council.id, {"name": name, "households": households}).id
        for name, households in _NEIGHBOURHOODS]
    rows = []
    for i in range(STRESS_MEMBERS):
        name, kana = _long_name(rng, i)
        provider = i % 9 == 0
        rows.append({"name": name, "furigana": kana, "roles": [_ROLES[i % len(_ROLES)]],
                     "is_thinker": i % 3 != 0, "is_provider": False, "is_core": i % 25 == 0,
                     "neighbourhood_id": nb_ids[i % len(nb_ids)],
                     "registered_on": dt.date(2019, 4, 1) + dt.timedelta(days=i % 2000),
                     "last_confirmed_on": today - relativedelta(months=2 + i % 14),
                     "phone": f"090-0000-{i:04d}", "address": f"高崎市西部中央{i % 9 + 1}丁目 {i % 40 + 1}-{i % 7 + 1}",
                     "note": "見守り当番（第2・第4週）" if provider else "",
                     "consent_handbook": i % 4 != 0, "consent_share_contact": i % 2 == 0})
    members.create_members(store, council.id, rows)
    for i in range(STRESS_RESOURCES):
        name = (f"西部中央地区みんなの居場所「ひだまりサロン」第{i + 1}会場（緑が丘集会所ほか）"
                if i % 10 == 0 else f"サロン・教室{i + 1}")[:40]
        verified = today - relativedelta(months=3 + i % 8) if i % 6 else today - relativedelta(months=15)
        resources.create_resource(store, council.id, {
            "name": name, "category": _CATEGORIES[i % len(_CATEGORIES)],
            "content": "体操とお茶会、季節の行事。送迎の相談にも応じます。" if i % 3 == 0 else "健康体操",
            "representative": f"{_SURNAMES[i % len(_SURNAMES)]} 代表", "phone": f"027-000-{4000 + i:04d}",
            "venue": _NEIGHBOURHOODS[i % len(_NEIGHBOURHOODS)][0].split("（")[0] + " 集会所",
            "neighbourhood_id": nb_ids[i % len(nb_ids)], "schedule_text": _SCHEDULES[i % len(_SCHEDULES)],
            "target": "どなたでも", "fee": "無料" if i % 2 else "1回100円（お茶代）",
            "created_by_council": i % 7 == 0, "last_verified_on": verified,
            "started_on": dt.date(2019, 6, 1) + dt.timedelta(days=i * 31 % 2700) if i % 7 == 0 and i % 14 else None,
            "map_x": (i * 37 % 100) / 100, "map_y": (i * 61 % 100) / 100})
    for month in range(-10, 3):
        day = today.replace(day=1) + relativedelta(months=month, day=10)
        held = day < today
        meetings.create_meeting(store, council.id, {
            "held_on": day, "start_time": "10:00", "end_time": "12:00", "kind": "定例会",
            "title": f"西部中央地区協議体 定例会（{day.month}月）",
            "venue": "西部中央地区市民センター 2階 大会議室",
            "attendance_count": 28 + month % 5 if held else None,
            "minutes": "移動販売の試行、サロンの担い手、見守りの当番表について話し合った。" if held else ""})
    for held_on, count in ((dt.date(2025, 10, 18), 64), (dt.date(2026, 6, 20), 48)):
        trainings.create_training(store, council.id, {
            "held_on": held_on, "title": "地域支え合いサポーター 担い手養成講座（西部中央地区協議体・高崎市共催）",
            "venue": "西部中央地区市民センター", "participant_count": count})
    _needs_and_survey(store, council.id, nb_ids)
    stress_activity.load_activity(store, council.id, nb_ids, rng)
    return council.id


_NEED_CATEGORIES = ("居場所・運動", "見守り", "買い物", "通院", "移動手段", "調理・弁当", "掃除", "ゴミだし",
                    "布団干し", "床屋", "話し相手")
_QUESTIONS = (
    ("あなたの世帯について、あてはまるものをひとつ選んでください", "single",
     (("一人暮らし", 212), ("夫婦のみ（どちらかが65歳以上）", 301), ("子どもや孫などと同居", 388),
      ("その他（親族以外との同居、施設に入所中の家族がいる など）", 41))),
    ("ふだんの外出について、あてはまるものをいくつでも選んでください", "multiple",
     (("旅行などを含めて自由にどこでも出かけられる", 602), ("近所の買い物や通院には自分で出かけられる", 377),
      ("家族や知人の車に乗せてもらえれば出かけられる", 190), ("ほとんど外出しない・できない", 64))),
    ("困っていること、手伝ってほしいことをいくつでも選んでください", "multiple",
     tuple((c, 20 + 13 * i) for i, c in enumerate(("買い物", "通院の付き添い", "ゴミ出し", "電球の交換や高い所の作業",
                                                   "布団干し", "草むしり・庭の手入れ", "話し相手", "特にない")))),
)


def _needs_and_survey(store: Store, council_id: str, nb_ids: list[str]) -> None:
    for i in range(60):
        needs.create_need(store, council_id, {
            "category": _NEED_CATEGORIES[i % len(_NEED_CATEGORIES)], "neighbourhood_id": nb_ids[i % len(nb_ids)],
            "description": "坂道が多く、重い荷物を持って帰るのが大変。近くで休める場所がほしい" if i % 4 == 0
            else "一人暮らしで、夜に電気がつかないと近所の人が心配している",
            "count": 1 + i % 9, "source": ("アンケート", "聞き取り", "ワークショップ", "あんしんセンター")[i % 4],
            "noted_on": dt.date(2026, 4, 1) + dt.timedelta(days=3 * i),
            "status": ("未対応", "検討中", "対応中", "解決")[i % 4],
            "resolved_on": dt.date(2026, 5, 1) + dt.timedelta(days=3 * i) if i % 4 == 3 else None})
    surveys.create_survey(store, council_id, {
        "title": "西部中央地区 暮らしと支え合いのアンケート（令和8年度・全世帯対象）",
        "conducted_on": dt.date(2026, 7, 1), "distributed": 3200, "returned": 942},
        [{"text": text, "kind": kind, "choices": choices} for text, kind, choices in _QUESTIONS])
