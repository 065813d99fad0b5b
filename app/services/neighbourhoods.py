"""町内会 of a council, with 世帯数 and population counts; 高齢化率 is derived from the counts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from sqlalchemy import func, select

from app.errors import ValidationError
from app.models import Council, Neighbourhood
from app.services import base
from app.services.base import Field
from app.services.councils import aging_rate
from app.store import Store

# Each field once: validation here, the exchange sheet's column (exchange/sheets.py) and the
# window's input (ui/pages/settings.py) are built from it.
NEIGHBOURHOOD_FIELDS = (
    Field("name", "町内会名", base.text(100), required=True, width=16),
    Field("households", "世帯数", base.integer, width=10),
    Field("population", "人口", base.integer, width=10),
    Field("aged_65_plus", "65歳以上の人数", base.integer, width=10),
    Field("aged_75_plus", "75歳以上の人数", base.integer, width=10),
    Field("stated_aging_rate", "資料の高齢化率", base.rate, width=10),
    Field("stats_as_of", "人数の時点", base.date, width=12, kind="date"),
    # The name's place on the area map: set on the map (kind "": not a form input).
    Field("map_x", "地図の位置（横）", base.map_position, width=10, kind=""),
    Field("map_y", "地図の位置（縦）", base.map_position, width=10, kind=""),
)


@dataclasses.dataclass(frozen=True)
class NeighbourhoodDTO:
    id: str
    council_id: str
    name: str
    position: int
    households: int | None
    population: int | None
    aged_65_plus: int | None
    aged_75_plus: int | None
    stated_aging_rate: float | None
    stats_as_of: dt.date | None
    map_x: float | None
    map_y: float | None
    aging_rate: float | None


def _dto(n: Neighbourhood) -> NeighbourhoodDTO:
    return base.to_dto(NeighbourhoodDTO, n, aging_rate=aging_rate(n.aged_65_plus, n.population))


def check_counts(values: Mapping[str, object]) -> None:
    population = base.parsed(values, "population", int)
    for key, label in (("aged_65_plus", "65歳以上の人数"), ("aged_75_plus", "75歳以上の人数")):
        count = base.parsed(values, key, int)
        if population is not None and count is not None and count > population:
            raise ValidationError(label, f"人口（{population:,}人）より多くなっています", name=key)
    if (base.parsed(values, "aged_75_plus", int) or 0) > (base.parsed(values, "aged_65_plus", int) or 10**9):
        raise ValidationError("75歳以上の人数", "65歳以上の人数より多くなっています", name="aged_75_plus")


def list_neighbourhoods(store: Store, council_id: str) -> list[NeighbourhoodDTO]:
    with store.session() as s:
        rows = s.scalars(select(Neighbourhood).where(Neighbourhood.council_id == council_id)
                         .order_by(Neighbourhood.position, Neighbourhood.name))
        return [_dto(n) for n in rows]


def create_neighbourhood(store: Store, council_id: str, raw: Mapping[str, object]) -> NeighbourhoodDTO:
    values = base.validate(NEIGHBOURHOOD_FIELDS, raw)
    check_counts(values)
    with store.session() as s:
        base.get_or_fail(s, Council, council_id, "協議体")
        _check_name_free(s, council_id, values["name"], None)
        position = s.scalar(select(func.coalesce(func.max(Neighbourhood.position) + 1, 0))
                            .where(Neighbourhood.council_id == council_id))
        row = Neighbourhood(council_id=council_id, position=position, **values)
        s.add(row)
        s.flush()
        return _dto(row)


def update_neighbourhood(store: Store, neighbourhood_id: str, raw: Mapping[str, object]) -> NeighbourhoodDTO:
    values = base.validate(NEIGHBOURHOOD_FIELDS, raw, partial=True)
    with store.session() as s:
        row = base.get_or_fail(s, Neighbourhood, neighbourhood_id, "町内会")
        merged = {f.name: getattr(row, f.name) for f in NEIGHBOURHOOD_FIELDS} | values
        check_counts(merged)
        if "name" in values:
            _check_name_free(s, row.council_id, values["name"], row.id)
        for key, value in values.items():
            setattr(row, key, value)
        s.flush()
        return _dto(row)


def delete_neighbourhood(store: Store, neighbourhood_id: str) -> None:
    """Members, needs and resources of it stay, with no 町内会 set."""
    with store.session() as s:
        s.delete(base.get_or_fail(s, Neighbourhood, neighbourhood_id, "町内会"))


def _check_name_free(session, council_id: str, name: str, own_id: str | None) -> None:
    other = session.scalars(select(Neighbourhood).where(
        Neighbourhood.council_id == council_id, Neighbourhood.name == name)).first()
    if other is not None and other.id != own_id:
        raise ValidationError("町内会名", f"「{name}」はこの協議体にもうあります", name="name")
