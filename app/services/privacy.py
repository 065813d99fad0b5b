"""Privacy on a shared PC: an optional passcode, the idle-lock delay, and masks for phone
numbers and addresses shown in tables.

Setting a passcode also encrypts the database file, its backups and USB copies (SQLCipher, see
app/cipher.py: the key file `<db>.key` holds the data key wrapped by the passcode and sealed for
the recovery code shown once at setup). Without a passcode the file stays plain SQLite and anyone
who copies it can read it. Files from before encryption may still hold a screen-lock-only scrypt
hash in app_meta: it is honoured until a passcode is set anew, which encrypts the file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable

from app import cipher
from app.errors import ValidationError
from app.services import preferences
from app.store import Store

PASSCODE_KEY = "passcode"
IDLE_KEY = "idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 10
IDLE_RANGE = (1, 120)
MIN_DIGITS, MIN_PHRASE, MAX_LENGTH = cipher.MIN_DIGITS, cipher.MIN_PHRASE, cipher.MAX_LENGTH
NEW_PASSCODE_TIP = f"数字なら{MIN_DIGITS}けた以上、ことばなら{MIN_PHRASE}文字以上"
PLAIN_FILE_TEXT = "パスコードを設定していないので、このパソコンのファイルを持ち出すと中身を読めます。"
ENCRYPTED_FILE_TEXT = ("パスコードでファイルにも鍵をかけています。データベース・バックアップ・USBメモリの"
                       "ファイルは、パスコードか回復コードがないと読めません。")
RECOVERY_TEXT = ("回復コードは、パスコードを忘れたときにデータを取り戻すただ一つの方法です。"
                 "紙に書いて、鍵のかかる場所にしまってください。この画面を閉じると二度と表示されません。")
# ~16 MB and a few tens of ms per check: slow for guessing, quick for a person typing.
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}

CURRENT, NEW, AGAIN = "今のパスコード", "新しいパスコード", "新しいパスコード（確認）"

# Shown on the backups/privacy page and the help page; plain words for elderly volunteers.
PERSONAL_DATA_TEXT = (
    "個人情報とは、だれのことか分かる情報です。ささえあいノートでは、メンバーの氏名・住所・電話番号が"
    "個人情報です。また、住民の方の困りごとや、介護・病気・障害など体や暮らしの状態（ニーズ）は、"
    "特に気をつける「要配慮個人情報」です。"
)
WHO_MAY_SEE_TEXT = (
    "見てよいのは、協議体のメンバーと、あんしんセンター・社会福祉協議会・市の担当者など、"
    "仕事として必要な人だけです。本人が同意していない人に見せたり、渡したりしてはいけません。"
    "生活支援コーディネーターに連絡先を伝えるのは、本人が「連絡先共有」に同意した人だけです。"
)
HOW_TO_PROTECT_TEXT = (
    "みんなで使うパソコンです。使い終わったら、ささえあいノートを閉じてください。\n"
    "パスコードを決めておくと、しばらく操作しないと画面がロックされます。"
    "パスコードを入れるまで、中身は見えません。\n"
    "表の電話番号と住所は、ふだんは一部を＊で隠しています。"
    "「電話・住所を表示」を押すと、全部見えます。\n"
    "USBメモリに保存したファイルや、印刷した名簿にも個人情報が入っています。"
    "なくさないよう、鍵のかかる場所にしまってください。\n"
    "パスコードを決めると、ファイルそのもの（バックアップとUSBメモリのコピーも）に鍵がかかります。"
)


# --- passcode ---------------------------------------------------------------------------------

def _normalise(text: str) -> str:
    return cipher.normalise(text)


def file_text(store: Store) -> str:
    """One sentence for the backup page and the lock settings: can a copied file be read?"""
    return ENCRYPTED_FILE_TEXT if store.key is not None else PLAIN_FILE_TEXT


def _hash(passcode: str, salt: bytes, params: dict) -> bytes:
    return hashlib.scrypt(_normalise(passcode).encode("utf-8"), salt=salt, n=params["n"],
                          r=params["r"], p=params["p"], dklen=params["dklen"],
                          maxmem=128 * params["r"] * params["n"] * 2 + 1024 * 1024)


def _record(passcode: str) -> str:
    salt = secrets.token_bytes(16)
    return json.dumps({"alg": "scrypt", **SCRYPT, "salt": salt.hex(),
                       "hash": _hash(passcode, salt, SCRYPT).hex()})


def _stored(store: Store) -> dict | None:
    text = preferences.get(store, PASSCODE_KEY)
    if not text:
        return None
    try:
        record = json.loads(text)
        if record.get("alg") != "scrypt":
            raise ValueError(record.get("alg"))
        return record
    except (ValueError, AttributeError):
        # A damaged record must not open the lock to anyone: no passcode can match it.
        return {"alg": "broken"}


def has_passcode(store: Store) -> bool:
    return store.key is not None or _stored(store) is not None


def try_passcode(store: Store, attempt: str) -> None:
    """Unlock check for the window: raises cipher.PasscodeError (wrong, with the tries left, or
    paused, with the wait in words); wrong tries are counted in the key file."""
    if store.key is not None:
        cipher.unlock(store.path, attempt)
    elif not verify(store, attempt):
        raise cipher.WrongPasscode("パスコードが違います。もう一度入れてください。")


def verify(store: Store, attempt: str) -> bool:
    """True when `attempt` is the passcode (or when none is set). An encrypted file's passcode
    is checked against its key file, and a wrong one is counted."""
    if store.key is not None:
        try:
            cipher.unlock(store.path, attempt)
        except cipher.PasscodeError:
            return False
        return True
    record = _stored(store)
    if record is None:
        return True
    if record.get("alg") != "scrypt":
        return False
    try:
        params = {k: int(record[k]) for k in ("n", "r", "p", "dklen")}
        expected = bytes.fromhex(record["hash"])
        got = _hash(attempt, bytes.fromhex(record["salt"]), params)
    except (KeyError, ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def check_new_passcode(new: str, again: str) -> str:
    new_n, again_n = _normalise(new), _normalise(again)
    problem = cipher.passcode_problem(new_n)
    if problem:
        raise ValidationError(NEW, problem)
    if new_n != again_n:
        raise ValidationError(AGAIN, "上の「新しいパスコード」と同じものを入れてください")
    return new_n


def _require_current(store: Store, current: str | None) -> None:
    if store.key is not None:
        try:
            cipher.unlock(store.path, current or "")
        except cipher.PasscodeError as exc:
            raise ValidationError(CURRENT, str(exc)) from None
    elif has_passcode(store) and not verify(store, current or ""):
        raise ValidationError(CURRENT, "パスコードが違います")


def set_passcode(store: Store, new: str, again: str, current: str | None = None, *,
                 recovery: str | None = None) -> str | None:
    """Set (encrypting the file) or change (re-encrypting it under a new data key; the current
    passcode, or the recovery code for a forgotten one, is required). Returns the recovery code
    when a passcode was newly set: it is shown once and stored nowhere."""
    if recovery is not None:
        if store.key is None or cipher.unlock(store.path, recovery=recovery) != store.key:
            raise ValidationError("回復コード", "回復コードが違います")
    else:
        _require_current(store, current)
    new_n = check_new_passcode(new, again)
    if store.key is None:
        return _encrypt(store, new_n)
    old_key = store.key
    keyfile = cipher.KeyFile.load(store.path)
    new_key = secrets.token_bytes(32)
    keyfile.set_keys([new_key, old_key], new_n)  # both until the new file is in place
    keyfile.wrong, keyfile.until = 0, 0.0
    store.change_key(new_key, keyfile)
    return None


def _encrypt(store: Store, passcode: str) -> str:
    from app.services import backups

    backups.backup_now(store, "before-encrypt")
    code = cipher.new_recovery_code()
    data_key = secrets.token_bytes(32)
    store.change_key(data_key, cipher.KeyFile.create(data_key, passcode, code))
    # ホーム's texts, which earlier builds kept beside the file: nothing readable stays.
    store.path.with_name(store.path.name + "-home.json").unlink(missing_ok=True)
    if _stored(store) is not None:
        preferences.put(store, PASSCODE_KEY, "")  # the screen-lock-only hash of older versions
    backups.encrypt_backups(store)
    return code


def forget_legacy_passcode(store: Store) -> None:
    """A screen-lock-only passcode of an older version, forgotten: whoever can run the program
    on this PC could read the plain file anyway, so the CLI may clear it."""
    if store.key is None:
        preferences.put(store, PASSCODE_KEY, "")


def remove_passcode(store: Store, current: str) -> None:
    """Decrypt the file back to plain SQLite (ask the person first: anyone may then read it).
    Backups made while it was encrypted stay encrypted."""
    if not has_passcode(store):
        return
    _require_current(store, current)
    if store.key is not None:
        store.change_key(None, None)
    if _stored(store) is not None:
        preferences.put(store, PASSCODE_KEY, "")


# --- idle lock --------------------------------------------------------------------------------

def idle_minutes(store: Store) -> int:
    text = preferences.get(store, IDLE_KEY)
    try:
        value = int(text)
    except ValueError:
        return DEFAULT_IDLE_MINUTES
    low, high = IDLE_RANGE
    return value if low <= value <= high else DEFAULT_IDLE_MINUTES


def set_idle_minutes(store: Store, minutes: int | str) -> int:
    label = "ロックするまでの時間"
    try:
        value = int(_normalise(str(minutes)))
    except ValueError:
        raise ValidationError(label, "分の数を数字で入れてください") from None
    low, high = IDLE_RANGE
    if not low <= value <= high:
        raise ValidationError(label, f"{low}分から{high}分の間にしてください")
    preferences.put(store, IDLE_KEY, str(value))
    return value


# --- masks ------------------------------------------------------------------------------------

MASK = "*"


def mask_phone(phone: str | None) -> str:
    """090-1234-5678 -> 090-****-5678: the first group (or the first 3 digits of a number
    written without hyphens) and the last 4 digits stay, so a person can still tell numbers
    apart; everything between is hidden. Short numbers are hidden whole."""
    text = phone or ""
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if not digits:
        return text
    keep: set[int] = set()
    if len(digits) > 6:
        keep.update(digits[-4:])
        first_group = []
        for i in range(digits[0], len(text)):
            if not text[i].isdigit():
                break
            first_group.append(i)
        if len(first_group) == len(digits):  # no separators: 09012345678
            first_group = digits[:3]
        if len(first_group) + 4 < len(digits):
            keep.update(first_group)
    hidden = set(digits) - keep
    return "".join(MASK if i in hidden else ch for i, ch in enumerate(text))


# Where the house number starts: an arabic digit, or kanji numerals followed by 丁目/番/号.
_ADDRESS_NUMBER = re.compile(r"[0-9０-９]|[一二三四五六七八九十〇百千]+(?:丁目|番地|番|号)")
_PLACE_END = re.compile(r".*[都道府県市区町村郡]")


def mask_address(address: str | None) -> str:
    """高崎市八幡町123-4 ハイツ101 -> 高崎市八幡町＊＊＊: the town stays (enough to know the area),
    the house number and building are hidden."""
    text = (address or "").strip()
    if not text:
        return ""
    match = _ADDRESS_NUMBER.search(text)
    if match:
        head = text[:match.start()].rstrip(" 　")
    else:
        place = _PLACE_END.match(text)
        if place and place.end() == len(text):
            return text  # only a town name: nothing that points at a house
        head = place.group(0) if place else ""
    return f"{head}＊＊＊"


class RevealState:
    """Per window: are phone numbers and addresses shown in full? Qt-free; pages ask it for
    the text to show and subscribe to redraw when it flips. Locking hides them again."""

    def __init__(self) -> None:
        self.shown = False
        self._listeners: list[Callable[[bool], None]] = []

    def subscribe(self, listener: Callable[[bool], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[bool], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def set_shown(self, shown: bool) -> None:
        if shown == self.shown:
            return
        self.shown = shown
        for listener in list(self._listeners):
            listener(shown)

    def phone(self, text: str | None) -> str:
        return (text or "") if self.shown else mask_phone(text)

    def address(self, text: str | None) -> str:
        return (text or "") if self.shown else mask_address(text)
