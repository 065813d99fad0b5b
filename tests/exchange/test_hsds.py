"""Resources for other systems in Open Referral HSDS field names."""

from __future__ import annotations

import csv
import json

import pytest

from app.cli import main
from app.errors import UserError
from app.exchange.hsds import export_resources
from app.services import councils, resources


@pytest.fixture
def yawata(demo_store):
    return councils.find_council(demo_store, "八幡")


def test_json_services_with_schedules(demo_store, yawata, tmp_path):
    out = tmp_path / "resources.json"
    assert export_resources(demo_store, yawata.id, out) == 14
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["hsds_version"] == "3.0" and document["total_items"] == 14
    by_name = {s["name"]: s for s in document["contents"]}
    karaoke = by_name["カラオケ"]  # 毎週(火、金) 10:00~12:00又は 18:00~21:00
    assert [(s["freq"], s["byday"], s["opens_at"], s["closes_at"]) for s in karaoke["schedules"]] == [
        ("WEEKLY", "TU,FR", "10:00", "12:00"), ("WEEKLY", "TU,FR", "18:00", "21:00")]
    michi = by_name["ミチの会"]["schedules"][0]  # 第2(木) 12:00~13:00
    assert (michi["freq"], michi["byday"], michi["opens_at"], michi["closes_at"]) == ("MONTHLY", "2TH", "12:00", "13:00")
    tones = by_name["ヘルプフォーレアンサンブル"]["schedules"][0]  # 第1・3(木)
    assert tones["byday"] == "1TH,3TH"
    assert by_name["見守り・声かけ"]["schedules"][0]["freq"] == "DAILY"
    irregular = by_name["ゴミ出しお手伝い"]["schedules"][0]  # 不定期: text only
    assert irregular["description"] == "不定期（申し込み順）" and "freq" not in irregular
    assert by_name["生命の野薑体操"]["schedules"] == []
    salon = by_name["ミチの会"]
    assert salon["service_at_locations"][0]["location"]["name"] == "上町崎公民館"
    assert salon["phones"][0]["number"].startswith("027-")
    assert salon["attributes"][0]["taxonomy_term"]["name"] == "居場所・サロン"


def test_monthly_day_biweekly_and_last(store, council, tmp_path):
    for name, text in (("月例", "毎月1・15日 10:00〜11:00"), ("隔週", "隔週(月) 9:30〜11:00"),
                       ("月末", "最終(金) 13:00〜14:00")):
        resources.create_resource(store, council.id, {"name": name, "schedule_text": text})
    out = tmp_path / "r.json"
    export_resources(store, council.id, out)
    found = {s["name"]: s["schedules"][0] for s in json.loads(out.read_text(encoding="utf-8"))["contents"]}
    assert (found["月例"]["freq"], found["月例"]["bymonthday"]) == ("MONTHLY", "1,15")
    assert (found["隔週"]["freq"], found["隔週"]["interval"], found["隔週"]["byday"]) == ("WEEKLY", 2, "MO")
    assert found["月末"]["byday"] == "-1FR"


def test_csv_one_row_per_schedule(demo_store, yawata, tmp_path):
    out = tmp_path / "resources.csv"
    export_resources(demo_store, yawata.id, out, phones=False)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    karaoke = [r for r in rows if r["service.name"] == "カラオケ"]
    assert [(r["schedule.byday"], r["schedule.opens_at"]) for r in karaoke] == [("TU,FR", "10:00"), ("TU,FR", "18:00")]
    assert all(r["phone.number"] == "" for r in rows)
    assert {"service.name", "schedule.freq", "schedule.opens_at", "schedule.closes_at"} <= set(rows[0])


def test_formula_like_names_are_defused_in_csv(store, council, tmp_path):
    resources.create_resource(store, council.id, {"name": "=HYPERLINK(\"x\")"})
    out = tmp_path / "r.csv"
    export_resources(store, council.id, out)
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8-sig")


def test_refuses_other_extensions(demo_store, yawata, tmp_path):
    with pytest.raises(UserError, match=".json か .csv"):
        export_resources(demo_store, yawata.id, tmp_path / "r.xml")


def test_cli(tmp_path, demo_template, capsys):
    import shutil

    db = shutil.copyfile(demo_template, tmp_path / "demo.sqlite3")
    assert main(["--db", str(db), "export-resources", "--council", "八幡", "-o", str(tmp_path / "r.json")]) == 0
    assert "社会資源 14件" in capsys.readouterr().out
