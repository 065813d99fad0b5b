"""Social resources for other systems, in Open Referral's Human Services Data Specification
(HSDS 3.0) field names: services with their organisation, location, phone and schedules.

Schedules follow HSDS (after iCalendar RRULE): 毎週(火、金) -> freq WEEKLY, byday TU,FR;
第2(木) -> MONTHLY, byday 2TH; 最終(金) -> MONTHLY, byday -1FR; 隔週(月) -> WEEKLY, interval 2;
毎月15日 -> MONTHLY, bymonthday 15; each time slot is one schedule with opens_at/closes_at.
A schedule the program could not read is passed on as its text in `description` only.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

from app import __version__
from app.errors import UserError
from app.exchange.export_file import write_atomically
from app.services import councils, resources
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
    "location.description", "phone.number", "schedule.id", "schedule.freq", "schedule.interval",
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


def service(resource: ResourceDTO, *, phones: bool = True) -> dict:
    organization = resource.representative or resource.name
    location = resource.venue or resource.neighbourhood_name
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
                                                "description": resource.neighbourhood_name}}]
                                 if location else []),
        "schedules": schedules(resource),
    }
    return found


def export_resources(store: Store, council_id: str, out: Path | str, *, phones: bool = True) -> int:
    """Write the council's resources to `out` (.json or .csv); returns how many."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise UserError(f"書き出し先は .json か .csv にしてください（{out.name}）。")
    council = councils.get_council(store, council_id)
    services = [service(r, phones=phones) for r in resources.list_resources(store, council_id)]
    if suffix == ".json":
        document = {"hsds_version": HSDS_VERSION, "generator": f"ささえあいノート {__version__}",
                    "council": council.name, "total_items": len(services), "contents": services}
        data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    else:
        data = _csv(services).encode("utf-8-sig")  # BOM: Excel on a Japanese PC reads it right
    write_atomically(out, data)
    return len(services)


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
