"""Social resources for other systems, in Open Referral's Human Services Data Specification
(HSDS 3.0) field names: services with their organisation, location, phone and schedules.

Schedules follow HSDS (after iCalendar RRULE): 毎週(火、金) -> freq WEEKLY, byday TU,FR;
第2(木) -> MONTHLY, byday 2TH; 最終(金) -> MONTHLY, byday -1FR; 隔週(月) -> WEEKLY, interval 2;
毎月15日 -> MONTHLY, bymonthday 15; each time slot is one schedule with opens_at/closes_at.
A schedule the program could not read is passed on as its text in `description` only.

Positions: a resource's pin is a place on the council's map (fractions of the image). Only when
the map has its two reference points (area_map.lat_lon) does a pin have a latitude/longitude:
then the HSDS location carries them, and GeoJSON (RFC 7946: a FeatureCollection of Points,
[longitude, latitude]) can be written for a map program. Without them the HSDS fields stay empty
and GeoJSON is refused, saying where to set the points.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import uuid
from pathlib import Path

from app import __version__
from app.errors import UserError
from app.exchange.export_file import write_atomically
from app.services import area_map, councils, resources
from app.services.resources import ResourceDTO
from app.services.schedule import END_OF_DAY, LAST, Schedule, format_schedule
from app.store import Store

HSDS_VERSION = "3.0"
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
NAMESPACE = uuid.UUID("6f1d8e0a-3b7c-5d2e-9a41-5a5e5a1e0007")
CSV_COLUMNS = (
    "service.id", "service.name", "service.description", "service.status",
    "service.fees_description", "service.eligibility_description", "service.last_modified",
    "taxonomy_term.name", "organization.id", "organization.name", "location.id", "location.name",
    "location.description", "location.latitude", "location.longitude", "phone.number", "schedule.id", "schedule.freq", "schedule.interval",
    "schedule.byday", "schedule.bymonthday", "schedule.wkst", "schedule.dtstart",
    "schedule.opens_at", "schedule.closes_at", "schedule.description", "schedule.notes",
)


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def _hhmm(t) -> str:
    return "23:59" if t == END_OF_DAY else f"{t.hour:02d}:{t.minute:02d}"


def schedules(resource: ResourceDTO) -> list[dict]:
    """The resource's schedule as HSDS schedule objects (one per time slot)."""
    text = resource.schedule_text.strip()
    if not text:
        return []
    notes = "祝日は休み" if resource.skip_holidays else ""
    rule: Schedule | None = resource.schedule
    if rule is None:
        return [{"id": _id(resource.id, "schedule", 0), "service_id": resource.id,
                 "description": text, "notes": notes}]
    base: dict = {"freq": None, "interval": 1, "byday": None, "bymonthday": None, "wkst": None,
                  "dtstart": None}
    if rule.freq == "daily":
        base["freq"] = "DAILY"
    elif rule.freq in ("weekly", "biweekly"):
        base.update(freq="WEEKLY", byday=",".join(DAYS[d] for d in rule.weekdays), wkst="MO")
        if rule.freq == "biweekly":
            base["interval"] = 2
            base["dtstart"] = rule.anchor.isoformat() if rule.anchor else None
    elif rule.freq == "monthly_nth":
        base.update(freq="MONTHLY", byday=",".join(f"{-1 if n == LAST else n}{DAYS[d]}"
                                                   for n in rule.nths for d in rule.weekdays))
    else:
        base.update(freq="MONTHLY", bymonthday=",".join(str(d) for d in rule.monthdays))
    described = format_schedule(rule)
    slots = rule.slots or (None,)
    found = []
    for index, slot in enumerate(slots):
        found.append({"id": _id(resource.id, "schedule", index), "service_id": resource.id, **base,
                      "opens_at": _hhmm(slot.start) if slot else None,
                      # An open end (「10:00〜」) has no closing time.
                      "closes_at": _hhmm(slot.end) if slot and slot.end is not None else None,
                      "description": described, "notes": notes})
    return found


FORMATS = {".json": "json", ".csv": "csv", ".geojson": "geojson"}
NO_REFERENCE = ("地図に基準点（緯度・経度）がありません。「社会資源」ページの「地図」タブで「緯度・経度…」を押し、"
                "地図の上の2か所に緯度・経度を入れてください（コマンドでは map --point）")


@dataclasses.dataclass(frozen=True)
class ResourcesExport:
    path: Path
    format: str            # "json" | "csv" | "geojson"
    count: int             # resources written (GeoJSON: those with a pin)
    located: bool          # the map has both reference points: pins have latitude/longitude
    with_position: int     # resources written with a latitude/longitude
    without_pin: int       # resources not on the map


def service(resource: ResourceDTO, *, phones: bool = True,
            position: tuple[float, float] | None = None) -> dict:
    """`position`: the pin's (latitude, longitude), when the map has reference points."""
    organization = resource.representative or resource.name
    location = resource.venue or resource.neighbourhood_name or (resource.name if position else "")
    place = {"latitude": position[0], "longitude": position[1]} if position else {}
    found = {
        "id": resource.id,
        "name": resource.name,
        "description": resource.content,
        "status": "active",
        "fees_description": resource.fee,
        "eligibility_description": resource.target,
        "last_modified": resource.updated_at.isoformat(timespec="seconds") + "Z",
        "organization": {"id": _id(resource.id, "organization"), "name": organization,
                         "description": resource.operator_type},
        "attributes": ([{"taxonomy_term": {"name": resource.category,
                                           "vocabulary": "sasaeai-resource-category"}}]
                       if resource.category else []),
        "phones": ([{"id": _id(resource.id, "phone"), "number": resource.phone, "type": "voice",
                     "languages": [{"code": "ja"}]}] if phones and resource.phone else []),
        "service_at_locations": ([{"id": _id(resource.id, "service_at_location"),
                                   "location": {"id": _id(resource.id, "location"),
                                                "location_type": "physical", "name": location,
                                                "description": resource.neighbourhood_name, **place}}]
                                 if location else []),
        "schedules": schedules(resource),
    }
    return found


def export_resources(store: Store, council_id: str, out: Path | str, *, phones: bool = True,
                     kind: str | None = None) -> ResourcesExport:
    """Write the council's resources to `out`: `kind` "json", "csv" or "geojson", or (None) as
    the file's suffix says."""
    out = Path(out)
    kind = kind or FORMATS.get(out.suffix.lower())
    if kind is None or kind not in FORMATS.values():
        raise UserError(f"書き出し先は .json か .csv か .geojson にしてください（{out.name}）。")
    council = councils.get_council(store, council_id)
    rows = resources.list_resources(store, council_id)
    the_map = area_map.get_map(store, council_id)
    positions = {r.id: p for r in rows if (p := area_map.lat_lon(the_map, r.map_x, r.map_y))}
    without_pin = sum(1 for r in rows if r.map_x is None or r.map_y is None)
    if kind == "geojson":
        if the_map is None:
            raise UserError(f"{council.name}には地図がないので、GeoJSON は書き出せません。「社会資源」ページの"
                            "「地図」タブで地図の画像を入れ、2か所に緯度・経度を入れてください。")
        if not the_map.located:
            raise UserError(f"{NO_REFERENCE}。それまで GeoJSON は書き出せません。")
        document = geojson(council.name, rows, positions)
        data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")  # no BOM (RFC 7946)
        count = len(document["features"])
    else:
        services = [service(r, phones=phones, position=positions.get(r.id)) for r in rows]
        if kind == "json":
            document = {"hsds_version": HSDS_VERSION, "generator": f"ささえあいノート {__version__}",
                        "council": council.name, "total_items": len(services), "contents": services}
            data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        else:
            data = _csv(services).encode("utf-8-sig")  # BOM: Excel on a Japanese PC reads it right
        count = len(services)
    write_atomically(out, data)
    located = the_map is not None and the_map.located
    return ResourcesExport(out, kind, count, located, len(positions), without_pin)


def geojson(council: str, rows: list[ResourceDTO], positions: dict[str, tuple[float, float]]) -> dict:
    """The pinned resources as GeoJSON Points ([longitude, latitude]), with the number each pin
    has on the window's and the printed map."""
    numbers = area_map.map_numbers(rows)
    features = []
    for r in rows:
        position = positions.get(r.id)
        if position is None:
            continue
        lat, lon = position
        features.append({
            "type": "Feature", "id": r.id,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"number": numbers.get(r.id), "name": r.name, "category": r.category,
                           "venue": r.venue, "neighbourhood": r.neighbourhood_name,
                           "schedule": r.schedule_text},
        })
    return {"type": "FeatureCollection", "name": f"{council}の社会資源", "features": features}


def _csv(services: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for s in services:
        location = s["service_at_locations"][0]["location"] if s["service_at_locations"] else {}
        common = {
            "service.id": s["id"], "service.name": s["name"], "service.description": s["description"],
            "service.status": s["status"], "service.fees_description": s["fees_description"],
            "service.eligibility_description": s["eligibility_description"],
            "service.last_modified": s["last_modified"],
            "taxonomy_term.name": s["attributes"][0]["taxonomy_term"]["name"] if s["attributes"] else "",
            "organization.id": s["organization"]["id"], "organization.name": s["organization"]["name"],
            "location.id": location.get("id", ""), "location.name": location.get("name", ""),
            "location.description": location.get("description", ""),
            "location.latitude": location.get("latitude", ""),
            "location.longitude": location.get("longitude", ""),
            "phone.number": s["phones"][0]["number"] if s["phones"] else "",
        }
        for schedule in s["schedules"] or [{}]:
            row = dict(common)
            for key in ("id", "freq", "interval", "byday", "bymonthday", "wkst", "dtstart", "opens_at",
                        "closes_at", "description", "notes"):
                value = schedule.get(key)
                row[f"schedule.{key}"] = "" if value is None else value
            writer.writerow({k: _safe(v) for k, v in row.items()})
    return buffer.getvalue()


def _safe(value: object) -> object:
    """A CSV opened in Excel turns =, +, -, @ at the start of a cell into a formula."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value
