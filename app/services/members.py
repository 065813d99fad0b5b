"""Members and supporters: validation, 五十音 order, yearly re-confirmation, training eligibility.

退会日 follows 状況 (base.settle_status_date): changing a member to 退会 with it empty gives today,
changing back to 活動中 or 休止 clears it, and a 退会日 typed beside another 状況 is refused; it
is never before 登録日. A member recorded as 退会 from the start gets no guessed date."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import exists, func, insert, select
from sqlalchemy.orm import Session, selectinload

from app.errors import ValidationError
from app.models import (
    MEMBER_STATUSES,
    Council,
    Member,
    Neighbourhood,
    Role,
    TrainingAttendance,
    member_role,
    new_id,
    utcnow,
)
from app.services import base
from app.services.base import Field
from app.services.checks import ACTIVE_STATUS, confirmation_overdue
from app.services.normalize import kana_key, nfkc
from app.store import Store

# Each field once: validation here, the exchange sheet's column (exchange/sheets.py), the header
# words of member lists made elsewhere (exchange/table.py) and the window's input (ui/pages/members.py)
# are built from it.
MEMBER_FIELDS = (
    Field("name", "氏名", base.text(100), required=True, width=16, privacy="person",
          synonyms=("氏名", "名前", "お名前", "姓名", "メンバー名", "委員名", "name"), tip="例: 山田 花子"),
    Field("furigana", "ふりがな", base.text(200), default="", width=18, privacy="person",
          synonyms=("ふりがな", "フリガナ", "よみがな", "ヨミガナ", "読み", "よみ", "カナ", "かな"),
          tip="五十音順に並べるために使います"),
    Field("roles", "役割", lambda v, label: _role_names(v, label), default=list, width=14,
          cell=base.name_list, synonyms=("役割", "役職", "立場", "肩書", "肩書き", "選出区分"),
          kind="multi"),
    Field("is_thinker", "地域づくりを考える人", base.boolean, default=False, kind="bool"),
    Field("is_provider", "サービスの担い手", base.boolean, default=False, kind="bool",
          tip="担い手養成講座を修了した人だけが選べます"),
    Field("is_core", "コアメンバー", base.boolean, default=False, width=8,
          synonyms=("コアメンバー", "コア"), kind="bool"),
    Field("neighbourhood_id", "町内会", lambda v, _l: v or None, column="neighbourhood",
          cell=base.text(100), width=12,
          synonyms=("町内会", "町内会名", "自治会", "地区", "町名", "行政区", "町内"), kind="choice"),
    Field("registered_on", "登録日", base.date, width=12, synonyms=("登録日", "登録年月日", "登録"),
          kind="date"),
    Field("last_confirmed_on", "最終確認日", base.date, width=12, synonyms=("最終確認日", "確認日"),
          kind="date"),
    Field("status", "状況", base.choice(MEMBER_STATUSES), default="活動中", width=8,
          cell=base.choice_or(MEMBER_STATUSES, "活動中"), synonyms=("状況", "状態"), kind="choice",
          choices=MEMBER_STATUSES),
    Field("left_on", "退会日", base.date, width=12, synonyms=("退会日", "退会年月日", "脱退日"),
          kind="date", tip="状況を「退会」に変えて空けておくと、今日の日付が入ります"),
    Field("phone", "電話", base.phone, default="", width=15, privacy="contact",
          synonyms=("電話", "電話番号", "tel", "携帯", "携帯電話", "連絡先", "℡")),
    Field("address", "住所", base.text(300), default="", width=24, privacy="contact",
          synonyms=("住所", "所在地", "住まい")),
    Field("note", "備考", base.long_text, default="", width=24, privacy="person",
          synonyms=("備考", "メモ", "特記事項", "その他"), kind="long"),
    Field("consent_handbook", "ハンドブック掲載の同意", base.boolean, default=False,
          header="ハンドブック掲載", width=10, synonyms=("ハンドブック掲載", "掲載同意", "ハンドブック"),
          kind="bool", tip="印刷するハンドブックの名簿に載せてよいと本人が同意したか"),
    Field("consent_share_contact", "連絡先共有の同意", base.boolean, default=False,
          header="連絡先共有", width=10, synonyms=("連絡先共有", "共有同意", "連絡先の共有"),
          kind="bool", tip="生活支援コーディネーターに連絡先を伝えてよいと本人が同意したか"),
)


@dataclasses.dataclass(frozen=True)
class MemberDTO:
    id: str
    council_id: str
    name: str
    furigana: str
    sort_key: str
    roles: tuple[str, ...]
    is_thinker: bool
    is_provider: bool
    is_core: bool
    neighbourhood_id: str | None
    neighbourhood_name: str
    registered_on: dt.date | None
    last_confirmed_on: dt.date | None
    status: str
    left_on: dt.date | None
    phone: str
    address: str
    note: str
    consent_handbook: bool
    consent_share_contact: bool
    trained: bool  # completed a 担い手養成講座
    updated_at: dt.datetime

    @property
    def is_supporter(self) -> bool:
        return self.is_thinker or self.is_provider



def sort_key(furigana: str | None, name: str | None) -> str:
    """五十音 order: from the ふりがな, else the name. Every writer (window, import, demo) uses it."""
    return kana_key(furigana or name or "")

def _role_names(value: object, label: str) -> list[str]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, (list, tuple, set)) else re.split(r"[、,，・/／\s]+", str(value))
    return list(dict.fromkeys(nfkc(str(i)) for i in items if str(i).strip()))


def _completed_training(member_id_column):
    return exists().where(TrainingAttendance.member_id == member_id_column,
                          TrainingAttendance.completed.is_(True))


def _load_query():
    return select(Member, _completed_training(Member.id).label("trained"),
                  Neighbourhood.name.label("nb_name")) \
        .outerjoin(Neighbourhood, Neighbourhood.id == Member.neighbourhood_id) \
        .options(selectinload(Member.roles))


def _dto(member: Member, trained: bool, nb_name: str | None) -> MemberDTO:
    return base.to_dto(MemberDTO, member, roles=tuple(r.name for r in member.roles),
                       trained=bool(trained), neighbourhood_name=nb_name or "")


# A list reads columns, not Member objects: 2,000 members are read at every switch of council.
_OWN_COLUMNS = tuple(f.name for f in dataclasses.fields(MemberDTO)
                     if f.name not in ("roles", "trained", "neighbourhood_name"))


def _list_query():
    return select(*(getattr(Member, name) for name in _OWN_COLUMNS),
                  _completed_training(Member.id).label("trained"),
                  Neighbourhood.name.label("nb_name")) \
        .outerjoin(Neighbourhood, Neighbourhood.id == Member.neighbourhood_id)


def _roles_of_council(session: Session, council_id: str) -> dict[str, tuple[str, ...]]:
    """member id -> role names in the roles' order (as Member.roles has them)."""
    found: dict[str, list[str]] = {}
    for member_id, name in session.execute(
            select(member_role.c.member_id, Role.name)
            .join(Role, Role.id == member_role.c.role_id)
            .join(Member, Member.id == member_role.c.member_id)
            .where(Member.council_id == council_id).order_by(Role.position)):
        found.setdefault(member_id, []).append(name)
    return {member_id: tuple(names) for member_id, names in found.items()}


def _roles_by_name(session) -> dict[str, Role]:
    return {r.name: r for r in session.scalars(select(Role))}


def _resolve_roles(session, names: Iterable[str], roles: dict[str, Role] | None = None) -> list[Role]:
    roles = roles if roles is not None else _roles_by_name(session)
    unknown = [n for n in names if n not in roles]
    if unknown:
        raise ValidationError("役割", f"「{'、'.join(unknown)}」は役割の一覧にありません"
                                      f"（{'、'.join(roles)} から選んでください）", name="roles")
    return [roles[n] for n in names]


def _check_neighbourhood(session, council_id: str, neighbourhood_id: str | None) -> None:
    if neighbourhood_id is None:
        return
    nb = session.get(Neighbourhood, neighbourhood_id)
    if nb is None or nb.council_id != council_id:
        raise ValidationError("町内会", "この協議体の町内会から選んでください", name="neighbourhood_id")


LEFT = ("退会",)  # the status 退会日 stands for (base.settle_status_date has the rule)
_BY_NAME = {f.name: f for f in MEMBER_FIELDS}


def check_dates(values: Mapping[str, object]) -> None:
    """最終確認日 and 退会日 not before 登録日; 退会日 only beside 状況 退会."""
    base.check_not_before(values, _BY_NAME["registered_on"], _BY_NAME["last_confirmed_on"])
    base.check_not_before(values, _BY_NAME["registered_on"], _BY_NAME["left_on"])
    base.check_status_date(values, _BY_NAME["left_on"], LEFT)


def _check_provider(session, member_id: str | None, values: Mapping[str, object]) -> None:
    if not values.get("is_provider"):
        return
    trained = member_id is not None and session.scalar(select(_completed_training(member_id)))
    if not trained:
        raise ValidationError("サービスの担い手",
                              "担い手養成講座を修了した人だけが「サービスの担い手」になれます。"
                              "先に研修の出席（修了）を記録してください", name="is_provider")


def list_members(store: Store, council_id: str, *, status: str | None = None,
                 role: str | None = None, supporters_only: bool = False,
                 text: str = "") -> list[MemberDTO]:
    """五十音 order of ふりがな (then name), with the filters the member page offers."""
    stmt = _list_query().where(Member.council_id == council_id)
    if status:
        stmt = stmt.where(Member.status == status)
    if role:
        stmt = stmt.where(Member.roles.any(Role.name == role))
    if supporters_only:
        stmt = stmt.where(Member.is_thinker | Member.is_provider)
    if text.strip():
        needle = kana_key(text)
        stmt = stmt.where(Member.name.contains(nfkc(text)) | Member.sort_key.contains(needle))
    stmt = stmt.order_by(Member.sort_key, Member.name)
    own = len(_OWN_COLUMNS)
    with store.session() as s:
        rows = s.execute(stmt).all()
        roles = _roles_of_council(s, council_id) if rows else {}
    return [MemberDTO(**dict(zip(_OWN_COLUMNS, row[:own], strict=True)), roles=roles.get(row.id, ()),
                      trained=bool(row.trained), neighbourhood_name=row.nb_name or "")
            for row in rows]


def get_member(store: Store, member_id: str) -> MemberDTO:
    with store.session() as s:
        row = s.execute(_load_query().where(Member.id == member_id)).first()
        if row is None:
            raise base.not_found("メンバー", member_id)
        return _dto(*row)


def create_member(store: Store, council_id: str, raw: Mapping[str, object]) -> MemberDTO:
    values = base.validate(MEMBER_FIELDS, raw)
    check_dates(values)
    with store.session() as s:
        base.get_or_fail(s, Council, council_id, "協議体")
        _check_neighbourhood(s, council_id, values["neighbourhood_id"])
        _check_provider(s, None, values)
        roles = _resolve_roles(s, values.pop("roles"))
        member = Member(council_id=council_id, sort_key=sort_key(values["furigana"], values["name"]),
                        roles=roles, **values)
        s.add(member)
        s.flush()
        member_id = member.id
    return get_member(store, member_id)


def create_members(store: Store, council_id: str, raws: Sequence[Mapping[str, object]]) -> int:
    """Many at once (imports): all rows are checked first; one bad row saves none of them."""
    rows: list[dict] = []
    links: list[dict] = []
    with store.session() as s:
        base.get_or_fail(s, Council, council_id, "協議体")
        roles = _roles_by_name(s)
        neighbourhoods = set(s.scalars(select(Neighbourhood.id)
                                       .where(Neighbourhood.council_id == council_id)))
        now = utcnow()
        for number, raw in enumerate(raws, start=1):
            try:
                values = base.validate(MEMBER_FIELDS, raw)
                check_dates(values)
                if values["neighbourhood_id"] and values["neighbourhood_id"] not in neighbourhoods:
                    raise ValidationError("町内会", "この協議体の町内会から選んでください",
                                          name="neighbourhood_id")
                _check_provider(s, None, values)
                role_rows = _resolve_roles(s, values.pop("roles"), roles)
            except ValidationError as exc:
                raise ValidationError(f"{number}行目の{exc.field}", exc.reason, name=exc.name) from None
            member_id = new_id()
            rows.append({"id": member_id, "council_id": council_id, "created_at": now,
                         "updated_at": now,
                         "sort_key": sort_key(values["furigana"], values["name"]), **values})
            links.extend({"member_id": member_id, "role_id": r.id} for r in role_rows)
        if rows:
            s.execute(insert(Member), rows)
        if links:
            s.execute(insert(member_role), links)
    return len(rows)


def update_member(store: Store, member_id: str, raw: Mapping[str, object]) -> MemberDTO:
    values = base.validate(MEMBER_FIELDS, raw, partial=True)
    with store.session() as s:
        member = base.get_or_fail(s, Member, member_id, "メンバー")
        base.settle_status_date(values, _BY_NAME["left_on"], LEFT, (member.status, member.left_on))
        merged = {"registered_on": member.registered_on, "last_confirmed_on": member.last_confirmed_on,
                  "status": member.status, "left_on": member.left_on, **values}
        check_dates(merged)
        if "neighbourhood_id" in values:
            _check_neighbourhood(s, member.council_id, values["neighbourhood_id"])
        if values.get("is_provider") and not member.is_provider:
            _check_provider(s, member.id, values)
        if "roles" in values:
            member.roles = _resolve_roles(s, values.pop("roles"))
        for key, value in values.items():
            setattr(member, key, value)
        if "furigana" in values or "name" in values:
            member.sort_key = sort_key(member.furigana, member.name)
        member.updated_at = utcnow()  # role changes alone do not touch the row itself
    return get_member(store, member_id)


def delete_member(store: Store, member_id: str) -> None:
    with store.session() as s:
        s.delete(base.get_or_fail(s, Member, member_id, "メンバー"))


def confirm_members(store: Store, member_ids: Iterable[str], on: dt.date | None = None) -> int:
    """確認済みにする: the yearly re-confirmation of supporters, for many at once."""
    on = on or base.today()
    count = 0
    with store.session() as s:
        for member_id in member_ids:
            member = base.get_or_fail(s, Member, member_id, "メンバー")
            if member.registered_on and on < member.registered_on:
                raise ValidationError("最終確認日", f"{member.name}さんの登録日より前の日付です",
                                      name="last_confirmed_on")
            member.last_confirmed_on = on
            count += 1
    return count


def due_for_confirmation(member: MemberDTO, today: dt.date) -> bool:
    """A supporter still active whose last confirmation (or registration) is a year old or more."""
    if not member.is_supporter or member.status != "活動中":
        return False
    return confirmation_overdue(member.last_confirmed_on or member.registered_on, today)


def members_due_for_confirmation(store: Store, council_id: str,
                                 today: dt.date | None = None) -> list[MemberDTO]:
    today = today or base.today()
    return [m for m in list_members(store, council_id, supporters_only=True)
            if due_for_confirmation(m, today)]


# --- how many members a council has: one definition for every screen and print --------------

def active_clause():
    """メンバー as every count shows it: the members whose status is 活動中 (休止 and 退会 not)."""
    return Member.status == ACTIVE_STATUS


def active_counts(store_or_session: Store | Session) -> dict[str, int]:
    """council id -> count_active, for all councils in one query (councils without any left out)."""
    def query(s: Session) -> dict[str, int]:
        return dict(s.execute(select(Member.council_id, func.count()).where(active_clause())
                              .group_by(Member.council_id)).all())

    if isinstance(store_or_session, Session):
        return query(store_or_session)
    with store_or_session.session() as s:
        return query(s)


def count_active(store_or_session: Store | Session, council_id: str) -> int:
    """The council's メンバー: members whose status is 活動中."""
    def query(s: Session) -> int:
        return s.execute(select(func.count()).select_from(Member)
                         .where(Member.council_id == council_id, active_clause())).scalar() or 0

    if isinstance(store_or_session, Session):
        return query(store_or_session)
    with store_or_session.session() as s:
        return query(s)


def role_names(store: Store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(Role.name).order_by(Role.position)))
