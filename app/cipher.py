"""Encryption at rest: the database file (and every backup of it) is a SQLCipher file once a
passcode is set, and its key lives in a small plain side file `<db>.key`.

Why a side file and a random data key (envelope encryption) rather than the passcode as the
SQLCipher passphrase:
- the data key is 32 random bytes given to SQLCipher as a raw key (`PRAGMA key = "x'..'"`), so
  opening a connection costs nothing; the one slow step (scrypt, N=2^17, r=8, p=1, ~128 MB) is
  paid once per unlock, not per pooled connection;
- the same data key is reachable two ways: wrapped (AES-GCM) by a key derived from the passcode,
  and sealed (X25519 + AES-GCM) to a public key whose private half is derived from the recovery
  code shown once at setup. Sealing needs only the public half, so a new data key (changing the
  passcode re-encrypts the file with a new one) is still opened by the same recovery code;
- the count of wrong tries must survive a restart and be readable before the database is, so it
  is kept in the side file too.
The side file holds no secret in the clear: without the passcode or the recovery code it is as
useless as the encrypted file. Losing it loses the data, so it is written (atomically) before the
file it opens and copied beside every backup.

Whether a file is encrypted is decided by its first bytes (plain SQLite starts with
"SQLite format 3"); a side file beside a plain file is a leftover of an interrupted change and is
ignored. During a change the side file lists both the old and the new data key (both wrapped by
the new passcode), so a crash at any point leaves a file the new passcode opens.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3.dbapi2 as sqlcipher
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy.pool import PoolProxiedConnection

SQLITE_MAGIC = b"SQLite format 3\x00"
FORMAT = "sasaeai-key"
KDF: dict[str, str | int] = {"alg": "scrypt", "n": 2**17, "r": 8, "p": 1}
ENV_PASSCODE = "SASAEAI_PASSCODE"

# Passcodes: 6+ digits, or a phrase of 8+ characters.
MIN_DIGITS, MIN_PHRASE, MAX_LENGTH = 6, 8, 64

# Wrong tries: the first FREE_TRIES cost nothing, then a pause that doubles, capped.
FREE_TRIES = 5
FIRST_PAUSE_S = 30
MAX_PAUSE_S = 3600

# Recovery code: 4 groups of 5 from 31 characters without 0/O, 1/I/L (~99 bits).
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECOVERY_GROUPS, RECOVERY_GROUP_LEN = 4, 5


class PasscodeError(StoreError):
    """The passcode is missing, wrong, or entry is paused; the text says which in Japanese."""


class PasscodeRequired(PasscodeError):
    pass


class WrongPasscode(PasscodeError):
    pass


class PasscodePaused(PasscodeError):
    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(f"パスコードを何度もまちがえたので、{wait_text(seconds)}待ってから"
                         "もう一度入れてください。")


def wait_text(seconds: float) -> str:
    """30秒 / 2分 / 1時間: how long to wait, in words a person reads at a glance."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return f"{seconds}秒"
    if seconds < 3600:
        return f"{math.ceil(seconds / 60)}分"
    return f"{math.ceil(seconds / 3600)}時間"


def normalise(text: str | None) -> str:
    # 全角 digits and letters typed with the IME count as the same passcode.
    return unicodedata.normalize("NFKC", text or "").strip()


def passcode_problem(passcode: str) -> str | None:
    """Why a new passcode is too weak (Japanese), or None when it is acceptable."""
    text = normalise(passcode)
    if len(text) > MAX_LENGTH:
        return f"{MAX_LENGTH}文字以内にしてください"
    if text.isdigit() and len(text) < MIN_DIGITS:
        return f"数字だけなら{MIN_DIGITS}けた以上にしてください（ことばなら{MIN_PHRASE}文字以上）"
    if not text.isdigit() and len(text) < MIN_PHRASE:
        return f"{MIN_PHRASE}文字以上にしてください（数字だけなら{MIN_DIGITS}けた以上）"
    if len(set(text)) == 1:
        return "同じ文字のくり返しは使えません"
    return None


# --- files ---------------------------------------------------------------------------------------

def key_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".key")


def looks_plain(path: Path) -> bool:
    """True for an SQLite file that is not encrypted (or an empty/missing one)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return True
    return head == SQLITE_MAGIC or not head


def is_encrypted(path: Path) -> bool:
    """An encrypted file of ours: not plain SQLite, with its key file beside it."""
    return path.exists() and not looks_plain(path) and key_path(path).exists()


def create_private(path: Path) -> None:
    """Create `path` empty, readable and writable by the user only (0600) on POSIX; SQLite
    gives a database's -wal, -shm and -journal the mode of the database. On Windows the mode
    bits mean nothing: the file inherits the ACL of its folder (the user's profile by default)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    os.close(fd)
    if os.name != "nt":
        os.chmod(path, 0o600)  # also when it was there already with a wider mode


def _atomic_write(path: Path, text: str) -> None:
    part = path.with_name(path.name + ".part")
    create_private(part)
    with part.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, path)


# --- key derivation and wrapping ---------------------------------------------------------------

def derive(secret: str, salt: bytes, params: dict | None = None) -> bytes:
    params = params or KDF
    n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32,
                          maxmem=128 * r * n * 2 + 16 * 1024 * 1024)


def new_recovery_code() -> str:
    chars = [secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_LEN)]
    groups = ["".join(chars[i:i + RECOVERY_GROUP_LEN])
              for i in range(0, len(chars), RECOVERY_GROUP_LEN)]
    return "-".join(groups)


def normalise_recovery(code: str) -> str:
    text = normalise(code).upper()
    return "".join(ch for ch in text if ch not in " -ー－_")


def _recovery_private(code: str, salt: bytes, params: dict) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(derive(normalise_recovery(code), salt, params))


def _seal_key(shared: bytes) -> AESGCM:
    return AESGCM(HKDF(hashes.SHA256(), 32, None, b"sasaeai-recovery").derive(shared))


def _raw(public: X25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass
class KeyFile:
    """The parsed `<db>.key`: KDF parameters, salts, the recovery public key, the wrapped data
    keys (normally one) and the wrong-tries record."""

    kdf: dict
    passcode_salt: bytes
    recovery_salt: bytes
    recovery_public: bytes
    entries: list[dict] = field(default_factory=list)
    wrong: int = 0
    until: float = 0.0

    # --- building
    @classmethod
    def create(cls, data_key: bytes, passcode: str, recovery_code: str) -> KeyFile:
        recovery_salt = secrets.token_bytes(16)
        public = _raw(_recovery_private(recovery_code, recovery_salt, KDF).public_key())
        keyfile = cls(dict(KDF), b"", recovery_salt, public)
        keyfile.set_keys([data_key], passcode)
        return keyfile

    def set_keys(self, data_keys: list[bytes], passcode: str) -> None:
        """Wrap each data key with (a fresh salt for) `passcode` and seal it for recovery."""
        self.kdf = dict(KDF)
        self.passcode_salt = secrets.token_bytes(16)
        wrap = AESGCM(derive(normalise(passcode), self.passcode_salt, self.kdf))
        public = X25519PublicKey.from_public_bytes(self.recovery_public)
        self.entries = []
        for data_key in data_keys:
            nonce = secrets.token_bytes(12)
            ephemeral = X25519PrivateKey.generate()
            eph_public = _raw(ephemeral.public_key())
            seal_nonce = secrets.token_bytes(12)
            sealed = _seal_key(ephemeral.exchange(public)).encrypt(seal_nonce, data_key, eph_public)
            self.entries.append({
                "nonce": nonce.hex(), "wrapped": wrap.encrypt(nonce, data_key, b"passcode").hex(),
                "ephemeral": eph_public.hex(), "seal_nonce": seal_nonce.hex(), "sealed": sealed.hex()})

    # --- opening
    def keys_for_passcode(self, passcode: str) -> list[bytes]:
        wrap = AESGCM(derive(normalise(passcode), self.passcode_salt, self.kdf))
        found = []
        for entry in self.entries:
            try:
                found.append(wrap.decrypt(bytes.fromhex(entry["nonce"]),
                                          bytes.fromhex(entry["wrapped"]), b"passcode"))
            except (InvalidTag, KeyError, ValueError):
                continue
        return found

    def keys_for_recovery(self, code: str) -> list[bytes]:
        private = _recovery_private(code, self.recovery_salt, self.kdf)
        if _raw(private.public_key()) != self.recovery_public:
            return []
        found = []
        for entry in self.entries:
            try:
                eph = bytes.fromhex(entry["ephemeral"])
                shared = private.exchange(X25519PublicKey.from_public_bytes(eph))
                found.append(_seal_key(shared).decrypt(bytes.fromhex(entry["seal_nonce"]),
                                                       bytes.fromhex(entry["sealed"]), eph))
            except (InvalidTag, KeyError, ValueError):
                continue
        return found

    # --- wrong tries
    def pause_left(self, now: float | None = None) -> float:
        now = time.time() if now is None else now
        # A clock set back must not lock a person out for longer than the longest pause.
        return max(0.0, min(self.until - now, MAX_PAUSE_S))

    def count_wrong(self, now: float | None = None) -> float:
        """Record a wrong try; returns the pause (seconds) now in force, 0 when none."""
        now = time.time() if now is None else now
        self.wrong += 1
        if self.wrong >= FREE_TRIES:
            pause = min(FIRST_PAUSE_S * 2 ** (self.wrong - FREE_TRIES), MAX_PAUSE_S)
            self.until = now + pause
            return pause
        return 0.0

    # --- text
    def to_json(self, *, with_tries: bool = True) -> str:
        data = {"format": FORMAT, "version": 1, "kdf": self.kdf,
                "passcode_salt": self.passcode_salt.hex(),
                "recovery_salt": self.recovery_salt.hex(),
                "recovery_public": self.recovery_public.hex(), "keys": self.entries}
        if with_tries:
            data["tries"] = {"wrong": self.wrong, "until": self.until}
        return json.dumps(data, indent=1)

    @classmethod
    def from_json(cls, text: str, where: Path) -> KeyFile:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise ValueError(data.get("format"))
            tries = data.get("tries") or {}
            return cls(kdf={k: data["kdf"][k] for k in ("alg", "n", "r", "p")},
                       passcode_salt=bytes.fromhex(data["passcode_salt"]),
                       recovery_salt=bytes.fromhex(data["recovery_salt"]),
                       recovery_public=bytes.fromhex(data["recovery_public"]),
                       entries=list(data["keys"]), wrong=int(tries.get("wrong", 0)),
                       until=float(tries.get("until", 0.0)))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise StoreError(f"鍵のファイル {where} が壊れています。バックアップと一緒に保存した"
                             "鍵のファイル（.key）を元の場所に戻してください。") from None

    @classmethod
    def load(cls, db_path: Path) -> KeyFile:
        path = key_path(db_path)
        try:
            return cls.from_json(path.read_text(encoding="utf-8"), path)
        except FileNotFoundError:
            raise StoreError(f"{db_path} は鍵がかかっていますが、鍵のファイル {path.name} が"
                             "見つかりません。データベースと同じフォルダーに戻してください。") from None

    def save(self, db_path: Path) -> None:
        _atomic_write(key_path(db_path), self.to_json())

    def save_copy(self, db_path: Path) -> None:
        """Beside a backup: the same keys, no record of tries."""
        _atomic_write(key_path(db_path), self.to_json(with_tries=False))


# --- SQLCipher connections ---------------------------------------------------------------------

def key_pragma(data_key: bytes) -> str:
    return f"PRAGMA key = \"x'{data_key.hex()}'\""


def connect(path: Path | str, data_key: bytes | None, *, read_only: bool = False,
            check_same_thread: bool = True) -> sqlcipher.Connection:
    """A SQLCipher connection; the key (when any) is its first statement. A plain file opens
    with no key exactly as with the sqlite3 module."""
    target = Path(path)
    if read_only:
        con = sqlcipher.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True,
                                check_same_thread=check_same_thread)
    else:
        con = sqlcipher.connect(str(target), check_same_thread=check_same_thread)
    if data_key is not None:
        con.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not a log line
        con.execute(key_pragma(data_key))
    return con


def key_opens(path: Path, data_key: bytes) -> bool:
    con = connect(path, data_key, read_only=True)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher.DatabaseError:
        return False
    finally:
        con.close()


def _tables(con: sqlcipher.Connection, schema: str = "main") -> dict[str, int]:
    names = [r[0] for r in con.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    return {n: con.execute(f'SELECT count(*) FROM {schema}."{n}"').fetchone()[0] for n in names}


def rewrite(src: Path, src_key: bytes | None, dest: Path, dest_key: bytes | None) -> Path:
    """Copy `src` into a new file `dest` under another key (None: plain SQLite) with
    sqlcipher_export, then check the copy (integrity and the row count of every table)."""
    part = dest.with_name(dest.name + ".part")
    for leftover in (part, part.with_name(part.name + "-wal"), part.with_name(part.name + "-shm")):
        leftover.unlink(missing_ok=True)
    create_private(part)
    con = connect(src, src_key)
    try:
        attach_key = f"x'{dest_key.hex()}'" if dest_key is not None else ""
        con.execute("ATTACH DATABASE ? AS target KEY ?", (str(part), attach_key))
        con.execute("SELECT sqlcipher_export('target')")
        version = con.execute("PRAGMA main.user_version").fetchone()[0]
        con.execute(f"PRAGMA target.user_version = {int(version)}")
        con.execute("DETACH DATABASE target")
        expected = _tables(con)
    finally:
        con.close()
    check = connect(part, dest_key)
    try:
        check.execute("PRAGMA journal_mode=WAL")
        verdict = [r[0] for r in check.execute("PRAGMA integrity_check")]
        counts = _tables(check)
    finally:
        check.close()
    if verdict != ["ok"] or counts != expected:
        part.unlink(missing_ok=True)
        raise StoreError(f"{dest.name} を書き直したところ、元と同じになりませんでした。"
                         "元のファイルはそのままです。")
    os.replace(part, dest)
    return dest


# --- the keys known to this process -------------------------------------------------------------
# The store's functions (inspect, backup, migrate, the engine) find a file's key here, so the
# file's path is all they are given; a key is known from unlocking until the store closes.

_keys: dict[str, bytes] = {}


def _id(path: Path | str) -> str:
    return os.path.normcase(os.path.realpath(os.path.abspath(path)))


def key_for(path: Path | str) -> bytes | None:
    return _keys.get(_id(path))


def remember(path: Path | str, data_key: bytes | None) -> None:
    if data_key is None:
        _keys.pop(_id(path), None)
    else:
        _keys[_id(path)] = data_key


def forget(path: Path | str) -> None:
    _keys.pop(_id(path), None)


def require_key(path: Path) -> bytes | None:
    """The key of an encrypted file (None for a plain one); refuses an encrypted file that was
    not unlocked, and one whose key file is missing, in words that say what to do."""
    if looks_plain(path):
        return None
    known = key_for(path)
    if known is not None:
        return known
    if key_path(path).exists():
        raise PasscodeRequired(f"{path} はパスコードで守られています。パスコードを入れて開いてください"
                               f"（コマンドでは環境変数 {ENV_PASSCODE} か入力で）。")
    return None  # not ours, or its key file is lost: the header check says so


def unlock(db_path: Path, passcode: str | None = None, *, recovery: str | None = None,
           now: float | None = None) -> bytes | None:
    """Find the data key of an encrypted file with the passcode (or the recovery code) and
    remember it; None for a plain file. A wrong try is counted in the key file, and after
    FREE_TRIES wrong ones entry pauses (30 s, then doubling) even across restarts."""
    if looks_plain(db_path):
        return None
    if passcode is None and recovery is None:
        known = key_for(db_path)
        if known is not None:
            return known
        require_key(db_path)
    keyfile = KeyFile.load(db_path)
    left = keyfile.pause_left(now)
    if left > 0:
        raise PasscodePaused(round(left))
    if recovery is not None:
        candidates = keyfile.keys_for_recovery(recovery)
    else:
        candidates = keyfile.keys_for_passcode(passcode or "")
    data_key = next((k for k in candidates if key_opens(db_path, k)), None)
    if data_key is None:
        pause = keyfile.count_wrong(now)
        keyfile.save(db_path)
        what = "回復コード" if recovery is not None else "パスコード"
        if pause:
            raise WrongPasscode(f"{what}が違います。{keyfile.wrong}回まちがえたので、"
                                f"{wait_text(pause)}待ってからもう一度入れてください。")
        left_tries = FREE_TRIES - keyfile.wrong
        raise WrongPasscode(f"{what}が違います。あと{left_tries}回まちがえると、"
                            "しばらく入れられなくなります。")
    if keyfile.wrong or keyfile.until or len(keyfile.entries) > 1:
        if len(keyfile.entries) > 1:  # a change was cut short: keep the key the file uses
            index = candidates.index(data_key) if recovery is None else None
            if index is not None and len(candidates) == len(keyfile.entries):
                keyfile.entries = [keyfile.entries[index]]
        keyfile.wrong, keyfile.until = 0, 0.0
        keyfile.save(db_path)
    remember(db_path, data_key)
    return data_key


def copy_keyfile(src: Path, dest: Path) -> None:
    """Put the key file of `src` beside its copy `dest` (without the record of tries)."""
    KeyFile.load(src).save_copy(dest)


def make_engine(path: Path, *, key: bytes | None = None):
    """A SQLAlchemy engine on SQLCipher whose connections look up the file's key each time
    they are made, so a file that gets (or loses) its key keeps the same engine."""
    from sqlalchemy import create_engine

    def creator():
        return connect(path, key if key is not None else key_for(path), check_same_thread=False)

    return create_engine(f"sqlite:///{path}", creator=creator, module=sqlcipher)


def driver_of(connection: PoolProxiedConnection) -> sqlcipher.Connection:
    """The SQLCipher connection under a pooled connection of `make_engine`'s engine."""
    con = connection.driver_connection
    if not isinstance(con, sqlcipher.Connection):
        raise TypeError(f"not a SQLCipher connection: {con!r}")
    return con
