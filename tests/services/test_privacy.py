"""Passcode (encrypts the file; current one needed to change or remove; older screen-lock
hashes still honoured), idle-lock minutes, and the masks for phone numbers and addresses."""

from __future__ import annotations

import pytest

from app import cipher
from app.errors import ValidationError
from app.models import AppMeta
from app.services import privacy
from app.services.privacy import RevealState, mask_address, mask_phone

pytestmark = pytest.mark.slow  # every passcode costs a scrypt derivation (128 MB)


def _stored_text(store) -> str:
    with store.session() as s:
        return "".join(row.value for row in s.query(AppMeta).all())


def test_passcode_encrypts_the_file_and_is_checked_against_its_key_file(store):
    assert not privacy.has_passcode(store)
    assert privacy.verify(store, "anything")  # no passcode: nothing to refuse
    assert privacy.file_text(store) == privacy.PLAIN_FILE_TEXT
    code = privacy.set_passcode(store, "472195", "472195")
    assert code and len(code.split("-")) == 4
    assert privacy.has_passcode(store) and store.key is not None
    assert privacy.file_text(store) == privacy.ENCRYPTED_FILE_TEXT
    assert privacy.verify(store, "472195")
    assert privacy.verify(store, "４７２１９５")  # typed with the IME in 全角
    assert not privacy.verify(store, "472196")
    assert not privacy.verify(store, "")
    assert "472195" not in _stored_text(store)
    assert "472195" not in cipher.key_path(store.path).read_text(encoding="utf-8")


def test_change_and_remove_need_the_current_passcode(store):
    privacy.set_passcode(store, "472195", "472195")
    with pytest.raises(ValidationError) as info:
        privacy.set_passcode(store, "907531", "907531", current="000001")
    assert info.value.field == "今のパスコード"
    assert privacy.verify(store, "472195")
    assert privacy.set_passcode(store, "907531", "907531", current="472195") is None
    assert privacy.verify(store, "907531") and not privacy.verify(store, "472195")
    with pytest.raises(ValidationError):
        privacy.remove_passcode(store, "472195")
    privacy.remove_passcode(store, "907531")
    assert not privacy.has_passcode(store) and store.key is None


@pytest.mark.parametrize(("new", "again", "field"), [
    ("1234", "1234", "新しいパスコード"),      # 4 digits: too short
    ("12345", "12345", "新しいパスコード"),
    ("sakura", "sakura", "新しいパスコード"),  # a word under 8 characters
    ("111111", "111111", "新しいパスコード"),  # one digit repeated
    ("123456", "123457", "新しいパスコード（確認）"),
    ("x" * 65, "x" * 65, "新しいパスコード"),
])
def test_bad_new_passcodes_are_refused_at_their_field(store, new, again, field):
    with pytest.raises(ValidationError) as info:
        privacy.set_passcode(store, new, again)
    assert info.value.field == field
    assert not privacy.has_passcode(store) and store.key is None


def test_a_damaged_legacy_record_opens_for_nobody(store):
    from app.services import preferences

    preferences.put(store, privacy.PASSCODE_KEY, "{not json")
    assert privacy.has_passcode(store)
    assert not privacy.verify(store, "")


def test_a_legacy_screen_lock_passcode_still_locks_until_a_passcode_is_set(store):
    from app.services import preferences

    preferences.put(store, privacy.PASSCODE_KEY, privacy._record("4721"))
    assert privacy.has_passcode(store) and store.key is None
    assert privacy.verify(store, "4721") and not privacy.verify(store, "4722")
    with pytest.raises(ValidationError):
        privacy.set_passcode(store, "48151623", "48151623", current="0000")
    privacy.set_passcode(store, "48151623", "48151623", current="4721")
    assert store.key is not None and privacy._stored(store) is None


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
