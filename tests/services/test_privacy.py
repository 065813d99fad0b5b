"""Passcode (scrypt hash only, current one needed to change or remove), idle-lock minutes, and
the masks for phone numbers and addresses."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from app.models import AppMeta
from app.services import privacy
from app.services.privacy import RevealState, mask_address, mask_phone


def _stored_text(store) -> str:
    with store.session() as s:
        return "".join(row.value for row in s.query(AppMeta).all())


def test_passcode_is_stored_as_a_salted_scrypt_hash_only(store):
    assert not privacy.has_passcode(store)
    assert privacy.verify(store, "anything")  # no passcode: nothing to refuse
    privacy.set_passcode(store, "4721", "4721")
    assert privacy.has_passcode(store)
    assert privacy.verify(store, "4721")
    assert privacy.verify(store, "４７２１")  # typed with the IME in 全角
    assert not privacy.verify(store, "4722")
    assert not privacy.verify(store, "")
    stored = _stored_text(store)
    assert "4721" not in stored and '"alg": "scrypt"' in stored and '"salt"' in stored


def test_same_passcode_twice_gives_different_hashes(store):
    privacy.set_passcode(store, "1111", "1111")
    first = privacy._stored(store)
    privacy.set_passcode(store, "1111", "1111", current="1111")
    assert privacy._stored(store)["hash"] != first["hash"]


def test_change_and_remove_need_the_current_passcode(store):
    privacy.set_passcode(store, "4721", "4721")
    with pytest.raises(ValidationError) as info:
        privacy.set_passcode(store, "9999", "9999", current="0000")
    assert info.value.field == "今のパスコード"
    assert privacy.verify(store, "4721")
    privacy.set_passcode(store, "9999", "9999", current="4721")
    assert privacy.verify(store, "9999") and not privacy.verify(store, "4721")
    with pytest.raises(ValidationError):
        privacy.remove_passcode(store, "4721")
    privacy.remove_passcode(store, "9999")
    assert not privacy.has_passcode(store)


@pytest.mark.parametrize(("new", "again", "field"), [
    ("123", "123", "新しいパスコード"),
    ("1234", "1235", "新しいパスコード（確認）"),
    ("x" * 65, "x" * 65, "新しいパスコード"),
])
def test_bad_new_passcodes_are_refused_at_their_field(store, new, again, field):
    with pytest.raises(ValidationError) as info:
        privacy.set_passcode(store, new, again)
    assert info.value.field == field
    assert not privacy.has_passcode(store)


def test_a_damaged_record_opens_for_nobody(store):
    from app.services import preferences

    preferences.put(store, privacy.PASSCODE_KEY, "{not json")
    assert privacy.has_passcode(store)
    assert not privacy.verify(store, "")
    privacy.clear_passcode(store)
    assert not privacy.has_passcode(store)


def test_idle_minutes_default_and_limits(store):
    assert privacy.idle_minutes(store) == 10
    assert privacy.set_idle_minutes(store, "１５") == 15
    assert privacy.idle_minutes(store) == 15
    for bad in ("0", "121", "十分"):
        with pytest.raises(ValidationError) as info:
            privacy.set_idle_minutes(store, bad)
        assert info.value.field == "ロックするまでの時間"
    assert privacy.idle_minutes(store) == 15


@pytest.mark.parametrize(("phone", "masked"), [
    ("090-1234-5678", "090-****-5678"),
    ("0273-12-3456", "0273-**-3456"),
    ("09012345678", "090****5678"),
    ("+81-90-1234-5678", "+81-**-****-5678"),
    ("０９０−１２３４−５６７８", "０９０−****−５６７８"),
    ("123-4567", "***-4567"),
    ("内線123", "内線***"),
    ("", ""),
    (None, ""),
])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(("address", "masked"), [
    ("高崎市八幡町123-4 ハイツ101", "高崎市八幡町＊＊＊"),
    ("群馬県高崎市八幡町一丁目5番", "群馬県高崎市八幡町＊＊＊"),
    ("高崎市片岡町３－２－１", "高崎市片岡町＊＊＊"),
    ("高崎市八幡町ハイツ", "高崎市八幡町＊＊＊"),
    ("高崎市", "高崎市"),
    ("八幡ハイツ", "＊＊＊"),
    ("", ""),
])
def test_mask_address(address, masked):
    assert mask_address(address) == masked


def test_reveal_state_masks_until_shown_and_tells_listeners():
    state = RevealState()
    seen: list[bool] = []
    state.subscribe(seen.append)
    assert state.phone("090-1234-5678") == "090-****-5678"
    assert state.address("高崎市八幡町1-2") == "高崎市八幡町＊＊＊"
    state.set_shown(True)
    state.set_shown(True)
    assert state.phone("090-1234-5678") == "090-1234-5678"
    assert state.address("高崎市八幡町1-2") == "高崎市八幡町1-2"
    state.unsubscribe(seen.append)
    state.set_shown(False)
    assert seen == [True]
