"""The demo's 提言 for 八幡: three at different stages, dated from the day the demo is loaded (like
its recent meetings), so this 年度's report and the tier-1 overview have something to show.
Ids come from demo.demo_id, so loading twice changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dateutil.relativedelta import relativedelta

from app.models import Council, Proposal

CITY_DESK = "高崎市 長寿社会課"


def yawata(council: Council, today: dt.date, demo_id: Callable[..., str]) -> list[Proposal]:
    def made(key: str, **values) -> Proposal:
        return Proposal(id=demo_id(council.name, "proposal", key), council_id=council.id, **values)

    return [
        made("stops", title="移動販売の停留所を増やす", raised_to=CITY_DESK,
             raised_on=today - relativedelta(months=9), status="回答あり",
             answered_on=today - relativedelta(months=7),
             detail="上剣崎の停留所まで坂道を歩けない方がいる。金井淵と下剣崎の集会所前にも停まれば、"
                    "週2回の買い物ができる（ニーズの記録: 買い物 11人）。",
             answer="販売事業者と相談し、金井淵集会所前を停留所に加える方向で調整します。"
                    "下剣崎は道幅を確かめてから決めます。"),
        made("clinic", title="通院の足を確保する（乗り合いの試行）", raised_to="第1層協議体",
             raised_on=today - relativedelta(months=2), status="提出済",
             detail="「病院に行く足がない」という声が上剣崎と金井淵で続いている。"
                    "ほかの地区の乗り合いの取り組みを、情報交換会で教えてほしい。"),
        made("insurance", title="ゴミ出しを手伝うサポーターの保険を案内してほしい",
             raised_to="高崎市社会福祉協議会", status="準備中",
             detail="手伝いの途中のけがに備える保険を知りたい。次の定例会で文案をまとめる。",
             note="定例会で文案を確認してから出す"),
    ]
