"""Needs (ニーズ): what residents need, by 町内会 and category, linked to resources that answer them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.errors import ValidationError
from app.models import (
    NEED_SOURCES,
    NEED_STATUSES,
    Council,
    Need,
    NeedCategory,
    Neighbourhood,
    Resource,
)
from app.services import base
from app.services.base import Field
from app.services.normalize import nfkc
from app.store import Store

NEED_FIELDS = (
    Field("category", "分類", base.text(50), required=True),
    Field("neighbourhood_id", "町内会", lambda v, _l: v or None),
    Field("description", "内容", base.long_text, default=""),
    Field("count", "人数", base.integer),
    Field("source", "把握方法", base.choice(NEED_SOURCES), default="聞き取り"),
    Field("noted_on", "把握日", base.date),
    Field("status", "状況", base.choice(NEED_STATUSES), default="未対応"),
)
OPEN_STATUSES = ("未対応", "検討中", "対応中")


@dataclasses.dataclass(frozen=True)
class NeedDTO:
    id: str
    council_id: str
    category: str
    neighbourhood_id: str | None
    neighbourhood_name: str
    description: str
    count: int | None
    source: str
    noted_on: dt.date | None
    status: str
    resource_ids: tuple[str, ...]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclasses.dataclass(frozen=True)
class GapDTO:
    """A category with open needs and no resource linked to any of them."""
    category: str
    open_needs: int
    persons: int


def _dto(n: Need, nb_names: Mapping[str, str]) -> NeedDTO:
    return base.to_dto(NeedDTO, n, category=n.category.name,
                       neighbourhood_name=nb_names.get(n.neighbourhood_id or "", ""),
                       resource_ids=tuple(sorted(r.id for r in n.resources)))


def _nb_names(session, council_id: str) -> dict[str, str]:
    return dict(session.execute(select(Neighbourhood.id, Neighbourhood.name)
                                .where(Neighbourhood.council_id == council_id)).all())


def _category(session, name: str) -> NeedCategory:
    categories = session.scalars(select(NeedCategory).order_by(NeedCategory.position)).all()
    for category in categories:
        if nfkc(category.name) == nfkc(name):
            return category
    raise ValidationError("分類", f"「{name}」は分類の一覧にありません"
                                  f"（{'、'.join(c.name for c in categories)}）")


def _apply(session, need: Need, values: dict, resource_ids: Iterable[str] | None) -> None:
    if "category" in values:
        need.category = _category(session, values.pop("category"))
    if values.get("neighbourhood_id"):
        nb = session.get(Neighbourhood, values["neighbourhood_id"])
        if nb is None or nb.council_id != need.council_id:
            raise ValidationError("町内会", "この協議体の町内会から選んでください")
    if resource_ids is not None:
        resources = []
        for resource_id in dict.fromkeys(resource_ids):
            resource = session.get(Resource, resource_id)
            if resource is None or resource.council_id != need.council_id:
                raise ValidationError("対応する社会資源", "この協議体の社会資源から選んでください")
            resources.append(resource)
        need.resources = resources
    for key, value in values.items():
        setattr(need, key, value)


def list_needs(store: Store, council_id: str) -> list[NeedDTO]:
    with store.session() as s:
        names = _nb_names(s, council_id)
        rows = s.scalars(select(Need).where(Need.council_id == council_id)
                         .options(selectinload(Need.category), selectinload(Need.resources))
                         .join(NeedCategory).order_by(NeedCategory.position, Need.noted_on))
        return [_dto(n, names) for n in rows]


def create_need(store: Store, council_id: str, raw: Mapping[str, object],
                resource_ids: Iterable[str] = ()) -> NeedDTO:
    values = base.validate(NEED_FIELDS, raw)
    with store.session() as s:
        base.get_or_fail(s, Council, council_id, "協議体")
        need = Need(council_id=council_id, resources=[])
        _apply(s, need, values, resource_ids)
        s.add(need)
        s.flush()
        return _dto(need, _nb_names(s, council_id))


def update_need(store: Store, need_id: str, raw: Mapping[str, object],
                resource_ids: Iterable[str] | None = None) -> NeedDTO:
    values = base.validate(NEED_FIELDS, raw, partial=True)
    with store.session() as s:
        need = base.get_or_fail(s, Need, need_id, "ニーズ")
        _apply(s, need, values, resource_ids)
        s.flush()
        return _dto(need, _nb_names(s, need.council_id))


def delete_need(store: Store, need_id: str) -> None:
    with store.session() as s:
        s.delete(base.get_or_fail(s, Need, need_id, "ニーズ"))


def gaps(store: Store, council_id: str) -> list[GapDTO]:
    """Categories where open needs exist but none is linked to a resource yet."""
    found: dict[str, list[NeedDTO]] = {}
    for need in list_needs(store, council_id):
        if need.is_open:
            found.setdefault(need.category, []).append(need)
    return [GapDTO(category, len(items), sum(n.count or 0 for n in items))
            for category, items in found.items() if not any(n.resource_ids for n in items)]


def category_names(store: Store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(NeedCategory.name).order_by(NeedCategory.position)))
