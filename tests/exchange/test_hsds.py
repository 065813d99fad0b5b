"""Resources for other systems in Open Referral HSDS field names."""

from __future__ import annotations

import csv
import json

import pytest

from app.cli import main
from app.errors import UserError
from app.exchange.hsds import export_resources
from app.services import area_map, councils, resources


@pytest.fixture
def yawata(demo_store):
    return councils.find_council(demo_store, "八幡")


def test_json_services_with_schedules(demo_store, yawata, tmp_path):
    out = tmp_path / "resources.json"
    assert export_resources(demo_store, yawata.id, out).count == 14
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
    with pytest.raises(UserError, match=".json か .csv か .geojson"):
        export_resources(demo_store, yawata.id, tmp_path / "r.xml")


def test_cli(tmp_path, demo_template, capsys):
    import shutil

    db = shutil.copyfile(demo_template, tmp_path / "demo.sqlite3")
    assert main(["--db", str(db), "export-resources", "--council", "八幡", "-o", str(tmp_path / "r.json")]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"書き出しました: {tmp_path / 'r.json'}（社会資源 14件、Open Referral HSDS の項目名）",
        "緯度・経度は地図に印のある 12件に入れました（印のない 2件は空欄です）。"]


# --- positions: latitude/longitude from the map's reference points, and GeoJSON --------------------

def _pinned(store, council):
    return {r.id: r for r in resources.list_resources(store, council.id) if r.map_x is not None}


def test_latitude_and_longitude_from_the_reference_points(demo_store, yawata, tmp_path):
    the_map = area_map.get_map(demo_store, yawata.id)
    assert the_map.located  # the demo's map has two made-up reference points
    done = export_resources(demo_store, yawata.id, tmp_path / "r.json")
    assert done.located and done.with_position == 12 and done.without_pin == 2
    pinned = _pinned(demo_store, yawata)
    for s in json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["contents"]:
        location = s["service_at_locations"][0]["location"] if s["service_at_locations"] else {}
        if s["id"] in pinned:
            r = pinned[s["id"]]
            assert (location["latitude"], location["longitude"]) == area_map.lat_lon(the_map, r.map_x, r.map_y)
            assert 36.315 <= location["latitude"] <= 36.345 and 138.925 <= location["longitude"] <= 138.985
        else:
            assert "latitude" not in location and "longitude" not in location
    export_resources(demo_store, yawata.id, tmp_path / "r.csv")
    rows = list(csv.DictReader((tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()))
    by_id = {r["service.id"]: r for r in rows}
    some = next(iter(pinned.values()))
    assert (float(by_id[some.id]["location.latitude"]), float(by_id[some.id]["location.longitude"])) == \
        area_map.lat_lon(the_map, some.map_x, some.map_y)


def test_without_reference_points_the_fields_stay_empty_and_the_command_says_so(demo_store, yawata, tmp_path,
                                                                                 capsys):
    area_map.set_reference_points(demo_store, yawata.id, None)
    done = export_resources(demo_store, yawata.id, tmp_path / "r.json")
    assert not done.located and done.with_position == 0
    text = (tmp_path / "r.json").read_text(encoding="utf-8")
    assert "latitude" not in text and "longitude" not in text
    export_resources(demo_store, yawata.id, tmp_path / "r.csv")
    rows = list(csv.DictReader((tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert {r["location.latitude"] for r in rows} == {""} and {r["location.longitude"] for r in rows} == {""}
    demo_store.close()
    assert main(["--db", str(demo_store.path), "export-resources", "--council", "八幡",
                 "-o", str(tmp_path / "again.csv")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == ("地図に基準点（緯度・経度）がないため、緯度・経度は空欄です"
                      "（「社会資源」ページの「地図」タブの「緯度・経度…」で入れられます）。")


def test_geojson_points_in_longitude_latitude_order(demo_store, yawata, tmp_path):
    the_map = area_map.get_map(demo_store, yawata.id)
    done = export_resources(demo_store, yawata.id, tmp_path / "pins.geojson")
    assert done.format == "geojson" and done.count == 12 and done.without_pin == 2
    raw = (tmp_path / "pins.geojson").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # RFC 7946: no byte order mark
    document = json.loads(raw)
    assert document["type"] == "FeatureCollection" and len(document["features"]) == 12
    rows = resources.list_resources(demo_store, yawata.id)
    pinned, numbers = _pinned(demo_store, yawata), area_map.map_numbers(rows)
    for feature in document["features"]:
        r = pinned[feature["id"]]
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lat, lon = area_map.lat_lon(the_map, r.map_x, r.map_y)
        assert feature["geometry"]["coordinates"] == [lon, lat]
        assert feature["properties"] == {"number": numbers[r.id], "name": r.name, "category": r.category,
                                         "venue": r.venue, "neighbourhood": r.neighbourhood_name,
                                         "schedule": r.schedule_text}
    salon = next(f for f in document["features"] if f["properties"]["name"] == "ミチの会")
    assert salon["properties"]["venue"] == "上町崎公民館" and salon["properties"]["schedule"].startswith("第2(木)")


def test_geojson_by_option_and_refused_without_reference_points(demo_store, yawata, tmp_path, capsys):
    export_resources(demo_store, yawata.id, tmp_path / "pins.json", kind="geojson")
    assert json.loads((tmp_path / "pins.json").read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    area_map.set_reference_points(demo_store, yawata.id, None)
    with pytest.raises(UserError, match="地図に基準点（緯度・経度）がありません。「社会資源」ページの「地図」タブで"
                                        "「緯度・経度…」を押し"):
        export_resources(demo_store, yawata.id, tmp_path / "x.geojson")
    assert not (tmp_path / "x.geojson").exists()
    demo_store.close()
    assert main(["--db", str(demo_store.path), "export-resources", "--council", "八幡", "--format", "geojson",
                 "-o", str(tmp_path / "y.json")]) == 1
    assert capsys.readouterr().err.startswith("エラー: 地図に基準点（緯度・経度）がありません。")
    assert not (tmp_path / "y.json").exists()


def test_geojson_refused_without_a_map(store, council, tmp_path):
    resources.create_resource(store, council.id, {"name": "サロン", "map_x": .5, "map_y": .5})
    with pytest.raises(UserError, match="テスト地区には地図がないので、GeoJSON は書き出せません"):
        export_resources(store, council.id, tmp_path / "x.geojson")
    done = export_resources(store, council.id, tmp_path / "x.json")
    assert done.count == 1 and not done.located


def test_cli_geojson(tmp_path, demo_template, capsys):
    import shutil

    db = shutil.copyfile(demo_template, tmp_path / "demo.sqlite3")
    assert main(["--db", str(db), "export-resources", "--council", "八幡", "-o", str(tmp_path / "r.geojson")]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"書き出しました: {tmp_path / 'r.geojson'}（地図に印のある社会資源 12件、GeoJSON）",
        "地図に印のない 2件は入っていません。"]
