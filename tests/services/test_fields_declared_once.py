"""One rule book: each field is declared once, in its service (base.Field). The exchange sheet's
columns, the header words of lists made elsewhere and the window's inputs are built from that
declaration, and an error the service raises for a field names the field's key, so a form finds
its input without relying on the Japanese label."""

from __future__ import annotations

import types

import pytest

from app.errors import ValidationError
from app.exchange import sheets, table
from app.services import (
    councils,
    meetings,
    members,
    needs,
    neighbourhoods,
    proposals,
    resources,
    trainings,
)
from app.ui.pages import meetings as meetings_page
from app.ui.pages import members as members_page
from app.ui.pages import needs as needs_page
from app.ui.pages import proposals as proposals_page
from app.ui.pages import settings as settings_page
from app.ui.pages import trainings as trainings_page

# area -> (the declaration, its sheet, the sheet's columns only the exchange has,
#          the table import's columns (None: the area has no import of foreign lists) and the
#          ones only the import has)
AREAS = {
    "members": (members.MEMBER_FIELDS, sheets.MEMBERS, {"id", "kinds", "council"},
                table.MEMBER_COLUMNS, {"kinds"}),
    "resources": (resources.RESOURCE_FIELDS, sheets.RESOURCES,
                  {"id", "start_info", "end_info", "position", "council"},
                  table.RESOURCE_COLUMNS, {"start", "end"}),
    "neighbourhoods": (neighbourhoods.NEIGHBOURHOOD_FIELDS, sheets.NEIGHBOURHOODS,
                       {"id", "position", "council"}, None, set()),
    "needs": ((*needs.NEED_FIELDS, needs.RESOURCES_FIELD), sheets.NEEDS, {"id", "council"}, None,
              set()),
    "meetings": (meetings.MEETING_FIELDS, sheets.MEETINGS, {"id", "attendees", "council"}, None,
                 set()),
    "councils": (councils.COUNCIL_FIELDS, sheets.COUNCILS, {"id", "tier"}, None, set()),
    "contacts": (councils.CONTACT_FIELDS, sheets.CONTACTS, {"id", "position", "council"}, None,
                 set()),
    "visions": (councils.VISION_FIELDS, sheets.VISIONS, {"id", "decided_on", "council"}, None,
                set()),
    "trainings": (trainings.TRAINING_FIELDS, sheets.TRAININGS, {"id", "council"}, None, set()),
    "proposals": (proposals.PROPOSAL_FIELDS, sheets.PROPOSALS, {"id", "council"}, None, set()),
}


def _by_key(fields):
    return {f.key: f for f in fields}


@pytest.mark.parametrize("area", AREAS)
def test_the_sheet_is_built_from_the_fields(area):
    fields, sheet, exchange_only, _columns, _only = AREAS[area]
    by_key = _by_key(fields)
    built = [c for c in sheet.columns if c.key not in exchange_only]
    assert {c.key for c in sheet.columns} - set(by_key) == exchange_only - set(by_key)
    for col in sheet.columns:
        if col.key in exchange_only and col.key in by_key:  # declared, but the sheet reads it its way
            assert col.header == by_key[col.key].heading
    for col in built:
        field = by_key[col.key]
        assert col.parse is field.read_cell
        assert col.header == field.heading
        assert (col.width, col.required, col.private) == (field.width, field.required,
                                                          field.privacy or "")


@pytest.mark.parametrize("area", [a for a, spec in AREAS.items() if spec[3] is not None])
def test_the_foreign_list_columns_are_built_from_the_fields(area):
    fields, _sheet, _exchange_only, columns, import_only = AREAS[area]
    by_key = _by_key(fields)
    assert set(columns) - set(by_key) == import_only
    for key, (label, words) in columns.items():
        if key in import_only:
            continue
        assert label == by_key[key].heading
        assert words is by_key[key].synonyms and words


def test_the_member_form_is_built_from_the_fields(monkeypatch):
    monkeypatch.setattr(members, "role_names", lambda _store: ["区長", "民生委員"])
    page = types.SimpleNamespace(store=None, _nb={"八幡1": "nb-id"})
    form = members_page.MembersPage._fields(page)
    assert [(f.name, f.label, f.kind, f.tip) for f in form] == \
        [(f.key, f.label, f.kind, f.tip) for f in members.MEMBER_FIELDS]
    by_name = {f.name: f for f in form}
    assert list(by_name["roles"].choices) == ["区長", "民生委員"]
    assert list(by_name["neighbourhood"].choices) == ["（なし）", "八幡1"]
    assert by_name["neighbourhood"].key == "neighbourhood_id"
    assert tuple(by_name["status"].choices) == _by_key(members.MEMBER_FIELDS)["status"].choices


@pytest.mark.parametrize(("raw", "key"), [
    ({"name": ""}, "name"),
    ({"registered_on": "2024-02-30"}, "registered_on"),
    ({"roles": "町長"}, "roles"),
    ({"status": "引退"}, "status"),
    ({"registered_on": "2025-04-01", "last_confirmed_on": "2025-03-01"}, "last_confirmed_on"),
    ({"is_provider": True}, "is_provider"),
    ({"neighbourhood_id": "not-a-neighbourhood"}, "neighbourhood_id"),
    ({"phone": "abc"}, "phone"),
])
def test_a_member_error_names_the_fields_key(store, council, raw, key):
    with pytest.raises(ValidationError) as err:
        members.create_member(store, council.id, {"name": "山田 花子", **raw})
    assert err.value.name == key
    assert err.value.field == {f.name: f for f in members.MEMBER_FIELDS}[key].label


def test_the_resource_dialog_is_built_from_the_fields(qtbot):
    from app.ui.pages.resources.dialog import ResourceDialog

    dialog = ResourceDialog("社会資源を追加", ["サロン"], ["八幡1"], {}, lambda v: v)
    qtbot.addWidget(dialog)
    shown = [f for f in resources.RESOURCE_FIELDS if f.name not in ("map_x", "map_y")]
    assert dialog.panel._by_label == {f.label: f.key for f in shown}
    for field in shown:
        if field.name not in ("schedule_text", "skip_holidays"):  # the schedule editor's own
            assert dialog.inputs[field.key].toolTip() == (field.tip or field.label)
    dialog.show_error(ValidationError("地区", "この協議体の町内会から選んでください",
                                      name="neighbourhood_id"))
    assert not dialog.errors["neighbourhood"].isHidden()


@pytest.mark.parametrize(("raw", "key"), [
    ({"name": ""}, "name"),
    ({"category": "存在しない分類"}, "category"),
    ({"operator_type": "宇宙人"}, "operator_type"),
    ({"phone": "abc"}, "phone"),
    ({"last_verified_on": "2024-02-30"}, "last_verified_on"),
    ({"map_x": "2"}, "map_x"),
    ({"neighbourhood_id": "not-a-neighbourhood"}, "neighbourhood_id"),
])
def test_a_resource_error_names_the_fields_key(store, council, raw, key):
    with pytest.raises(ValidationError) as err:
        resources.create_resource(store, council.id, {"name": "ミチの会", **raw})
    assert err.value.name == key
    assert err.value.field == {f.name: f for f in resources.RESOURCE_FIELDS}[key].label


def test_the_neighbourhood_form_is_built_from_the_fields():
    assert [(f.name, f.label, f.kind, f.tip) for f in settings_page.NEIGHBOURHOOD_FORM] == \
        [(f.key, f.label, f.kind, f.tip) for f in neighbourhoods.NEIGHBOURHOOD_FIELDS if f.kind]


@pytest.mark.parametrize(("raw", "key"), [
    ({"name": ""}, "name"),
    ({"households": "たくさん"}, "households"),
    ({"population": 100, "aged_65_plus": 120}, "aged_65_plus"),
    ({"aged_65_plus": 10, "aged_75_plus": 20}, "aged_75_plus"),
    ({"stated_aging_rate": "abc"}, "stated_aging_rate"),
    ({"stats_as_of": "2024-02-30"}, "stats_as_of"),
])
def test_a_neighbourhood_error_names_the_fields_key(store, council, raw, key):
    with pytest.raises(ValidationError) as err:
        neighbourhoods.create_neighbourhood(store, council.id, {"name": "八幡1", **raw})
    assert err.value.name == key
    assert err.value.field == {f.name: f for f in neighbourhoods.NEIGHBOURHOOD_FIELDS}[key].label


def test_validation_error_without_a_name_still_works():
    exc = ValidationError("氏名", "入力してください")
    assert (exc.field, exc.reason, exc.name, str(exc)) == ("氏名", "入力してください", None,
                                                          "氏名: 入力してください")


def test_the_form_finds_the_input_by_key_before_label(qtbot):
    from app.ui.widgets import FormField, FormPanel

    panel = FormPanel([FormField("neighbourhood", "町内会", "choice", ["（なし）"], key="neighbourhood_id"),
                       FormField("note", "備考", "long")])
    qtbot.addWidget(panel)
    panel.show_error(ValidationError("地区", "この協議体の町内会から選んでください", name="neighbourhood_id"))
    assert not panel.errors["neighbourhood"].isHidden() and panel.general_error.isHidden()
    panel.show_error(ValidationError("備考", "長すぎます"))  # no key: found by its label, as before
    assert not panel.errors["note"].isHidden() and panel.errors["neighbourhood"].isHidden()
    panel.show_error(ValidationError("備考", "ほかの欄の話", name="unknown"))
    assert not panel.errors["note"].isHidden()


def test_the_need_form_is_built_from_the_fields(monkeypatch):
    monkeypatch.setattr(needs, "category_names", lambda _store: ["見守り", "買い物"])
    page = types.SimpleNamespace(store=None, _nb={"八幡1": "nb-id"}, _resources={"ミチの会": "r-id"})
    form = needs_page.NeedsPage._fields(page)
    declared = (*needs.NEED_FIELDS, needs.RESOURCES_FIELD)
    assert [(f.name, f.label, f.kind, f.tip) for f in form] == \
        [(f.key, f.label, f.kind, f.tip) for f in declared]
    by_name = {f.name: f for f in form}
    assert list(by_name["category"].choices) == ["見守り", "買い物"]
    assert list(by_name["neighbourhood"].choices) == ["（なし）", "八幡1"]
    assert by_name["neighbourhood"].key == "neighbourhood_id"
    assert list(by_name["resources"].choices) == ["ミチの会"]
    for key in ("source", "status"):
        assert tuple(by_name[key].choices) == _by_key(needs.NEED_FIELDS)[key].choices


@pytest.mark.parametrize(("raw", "key"), [
    ({"category": ""}, "category"),
    ({"category": "宇宙"}, "category"),
    ({"count": "たくさん"}, "count"),
    ({"source": "噂"}, "source"),
    ({"noted_on": "2024-02-30"}, "noted_on"),
    ({"status": "放置"}, "status"),
    ({"neighbourhood_id": "not-a-neighbourhood"}, "neighbourhood_id"),
])
def test_a_need_error_names_the_fields_key(store, council, raw, key):
    with pytest.raises(ValidationError) as err:
        needs.create_need(store, council.id, {"category": "見守り", **raw})
    assert err.value.name == key
    assert err.value.field == {f.name: f for f in needs.NEED_FIELDS}[key].label


def test_a_need_resource_error_names_the_resources_input(store, council):
    with pytest.raises(ValidationError) as err:
        needs.create_need(store, council.id, {"category": "見守り"}, ["not-a-resource"])
    assert (err.value.name, err.value.field) == ("resources", needs.RESOURCES_FIELD.label)


def test_the_meeting_form_is_built_from_the_fields():
    form = meetings_page.meeting_fields()
    assert [(f.name, f.label, f.kind, tuple(f.choices), f.tip) for f in form] == \
        [(f.key, f.label, f.kind, f.choices, f.tip) for f in meetings.MEETING_FIELDS]


@pytest.mark.parametrize(("raw", "key"), [
    ({"held_on": ""}, "held_on"),
    ({"held_on": "2024-02-30"}, "held_on"),
    ({"start_time": "夕方"}, "start_time"),
    ({"start_time": "10:00", "end_time": "09:00"}, "end_time"),
    ({"kind": "宴会"}, "kind"),
    ({"attendance_count": "たくさん"}, "attendance_count"),
])
def test_a_meeting_error_names_the_fields_key(store, council, raw, key):
    with pytest.raises(ValidationError) as err:
        meetings.create_meeting(store, council.id, {"held_on": "2025-04-01", **raw})
    assert err.value.name == key
    assert err.value.field == {f.name: f for f in meetings.MEETING_FIELDS}[key].label


def test_a_meeting_attendee_error_goes_to_the_checklist(qtbot, store, council):
    with pytest.raises(ValidationError) as err:
        meetings.create_meeting(store, council.id, {"held_on": "2025-04-01"}, ["not-a-member"])
    assert (err.value.name, err.value.field) == ("attendee_ids", meetings.ATTENDEES)
    dialog = meetings_page.MeetingDialog("会議・活動を追加", meetings_page.meeting_fields(), {}, [],
                                         lambda v: v, None)
    qtbot.addWidget(dialog)
    dialog.show_error(err.value)
    assert not dialog.attendance.error.isHidden() and dialog.general_error.isHidden()


def test_the_council_forms_are_built_from_the_fields():
    by_name = {f.name: f for f in councils.COUNCIL_FIELDS}
    assert [(f.name, f.label, f.kind, f.tip) for f in settings_page.COUNCIL_FORM] == \
        [(by_name[k].key, by_name[k].label, by_name[k].kind, by_name[k].tip)
         for k in councils.COUNCIL_FORM_FIELDS]
    assert tuple(f.name for f in councils.CONTACT_FIELDS) == settings_page.CONTACT_KEYS


def test_the_contacts_table_has_the_sheets_headers():
    headers = [c.header for c in sheets.CONTACTS.columns if c.key in settings_page.CONTACT_KEYS]
    assert headers == [f.heading for f in councils.CONTACT_FIELDS]
    kind = councils.CONTACT_FIELDS[settings_page.KIND_COLUMN]
    assert kind.name == "kind" and kind.choices


def test_the_vision_form_is_built_from_the_fields():
    assert [(f.name, f.label, f.kind, f.tip) for f in settings_page.VISION_FORM] == \
        [(f.key, f.label, f.kind, f.tip) for f in councils.VISION_FIELDS]


@pytest.mark.parametrize(("raw", "key"), [
    ({"name": ""}, "name"),
    ({"tier": 3}, "tier"),
    ({"founded_on": "2024-02-30"}, "founded_on"),
    ({"population": "たくさん"}, "population"),
    ({"stated_aging_rate": "abc"}, "stated_aging_rate"),
    ({"tier": 1, "parent_id": "not-a-council"}, "parent_id"),
    ({"parent_id": "not-a-council"}, "parent_id"),
])
def test_a_council_error_names_the_fields_key(store, raw, key):
    with pytest.raises(ValidationError) as err:
        councils.create_council(store, {"name": "八幡地区", "tier": 2, **raw})
    assert err.value.name == key
    assert err.value.field == {f.name: f for f in councils.COUNCIL_FIELDS}[key].label


def test_a_council_name_taken_names_the_name(store, council):
    with pytest.raises(ValidationError) as err:
        councils.create_council(store, {"name": council.name, "tier": 2})
    assert err.value.name == "name"


@pytest.mark.parametrize(("raw", "key"), [
    ({"kind": "FAX"}, "kind"),
    ({"name": ""}, "name"),
    ({"phone": "abc"}, "phone"),
])
def test_a_contact_error_names_the_fields_key(store, council, raw, key):
    with pytest.raises(ValidationError) as err:
        councils.set_contacts(store, council.id, [{"kind": "社協", "name": "八幡公民館", **raw}])
    assert err.value.name == key
    assert err.value.field == {f.name: f for f in councils.CONTACT_FIELDS}[key].label


@pytest.mark.parametrize(("raw", "key"), [
    ({"phrase": ""}, "phrase"),
    ({"decided_on": "2024-02-30"}, "decided_on"),
])
def test_a_vision_error_names_the_fields_key(store, council, raw, key):
    with pytest.raises(ValidationError) as err:
        councils.revise_vision(store, council.id, {"phrase": "支え合う町", **raw})
    assert err.value.name == key
    assert err.value.field == {f.name: f for f in councils.VISION_FIELDS}[key].label


def test_an_earlier_vision_date_names_decided_on(store, council):
    councils.revise_vision(store, council.id, {"phrase": "支え合う町", "decided_on": "2025-04-01"})
    with pytest.raises(ValidationError) as err:
        councils.revise_vision(store, council.id, {"phrase": "見守る町", "decided_on": "2024-04-01"})
    assert err.value.name == "decided_on"


def test_the_training_form_is_built_from_the_fields():
    form = trainings_page.TrainingsPage._fields()
    assert [(f.name, f.label, f.kind, f.tip) for f in form] == \
        [(f.key, f.label, f.kind, f.tip) for f in trainings.TRAINING_FIELDS]


@pytest.mark.parametrize(("raw", "key"), [
    ({"held_on": ""}, "held_on"),
    ({"held_on": "2024-02-30"}, "held_on"),
    ({"title": ""}, "title"),
    ({"participant_count": "たくさん"}, "participant_count"),
])
def test_a_training_error_names_the_fields_key(store, council, raw, key):
    with pytest.raises(ValidationError) as err:
        trainings.create_training(store, council.id, {"held_on": "2025-04-01", "title": "担い手養成講座",
                                                      **raw})
    assert err.value.name == key
    assert err.value.field == {f.name: f for f in trainings.TRAINING_FIELDS}[key].label


def test_the_proposal_form_is_built_from_the_fields():
    assert [(f.name, f.label, f.kind, tuple(f.choices), f.tip) for f in proposals_page.fields()] == \
        [(f.key, f.label, f.kind, f.choices, f.tip) for f in proposals.PROPOSAL_FIELDS]


@pytest.mark.parametrize(("raw", "key"), [
    ({"title": ""}, "title"),
    ({"raised_on": "2024-02-30"}, "raised_on"),
    ({"status": "検討中"}, "status"),
    ({"answered_on": "2024-02-30"}, "answered_on"),
    ({"raised_on": "2025-04-01", "status": "回答あり", "answered_on": "2025-03-01"}, "answered_on"),
])
def test_a_proposal_error_names_the_fields_key(store, council, raw, key):
    with pytest.raises(ValidationError) as err:
        proposals.create_proposal(store, council.id, {"title": "停留所を増やす", **raw})
    assert err.value.name == key
    assert err.value.field == {f.name: f for f in proposals.PROPOSAL_FIELDS}[key].label


@pytest.mark.parametrize(("service", "raw", "key"), [
    (members.create_member, {"name": "山田 花子", "left_on": "2024-02-30"}, "left_on"),
    (members.create_member, {"name": "山田 花子", "status": "活動中", "left_on": "2024-02-01"}, "left_on"),
    (needs.create_need, {"category": "見守り", "resolved_on": "2024-02-30"}, "resolved_on"),
    (resources.create_resource, {"name": "ミチの会", "started_on": "2024-02-30"}, "started_on"),
])
def test_an_error_on_a_new_date_names_its_key(store, council, service, raw, key):
    with pytest.raises(ValidationError) as err:
        service(store, council.id, raw)
    assert err.value.name == key
