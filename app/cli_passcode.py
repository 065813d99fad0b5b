"""The passcode commands: `passcode set|change|remove` and `reset-passcode` (with the recovery
code). Passcodes come from the environment or are typed at a terminal, never from the command
line (cli._secret).

Only argparse loads with the parser; the cipher and the services when a command runs.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import UserError
from app.paths import default_db_path

if TYPE_CHECKING:
    from app.store import Store

OpenStore = Callable[[argparse.Namespace], "Store"]  # cli._store: unlocks an encrypted file
Secret = Callable[..., "str | None"]  # cli._secret


def add_parsers(sub, open_store: OpenStore, secret: Secret) -> None:
    p = sub.add_parser("reset-passcode",
                       help="パスコードを忘れたとき: 回復コードで新しいパスコードを決める"
                            "（SASAEAI_RECOVERY_CODE・SASAEAI_NEW_PASSCODE か入力で）")
    p.set_defaults(run=partial(_reset_passcode, secret=secret))

    p = sub.add_parser("passcode", help="パスコード（ファイルの鍵）を決める・変える・外す"
                                        "（SASAEAI_PASSCODE・SASAEAI_NEW_PASSCODE か入力で）")
    p.add_argument("action", choices=("set", "change", "remove"),
                   help="set（決めて鍵をかける）/ change（変える）/ remove（外して鍵もはずす）")
    p.add_argument("--yes", action="store_true", help="remove: 確かめの質問をしない")
    p.set_defaults(run=partial(_passcode, open_store=open_store, secret=secret))


NEW_PASSCODE_ENV, RECOVERY_ENV = "SASAEAI_NEW_PASSCODE", "SASAEAI_RECOVERY_CODE"


def _new_passcode(secret: Secret, env: str = NEW_PASSCODE_ENV) -> str:
    value = secret(env, "新しいパスコード: ", twice=True)
    if value is None:
        raise UserError(f"新しいパスコードを環境変数 {env} に入れるか、端末で実行して入力してください。")
    return value


def _reset_passcode(args: argparse.Namespace, secret: Secret) -> int:
    from app import cipher
    from app.services import privacy
    from app.store import Store

    path = Path(args.db or default_db_path())
    if not cipher.is_encrypted(path):
        with Store.open(path) as store:
            if not privacy.has_passcode(store):
                print("パスコードは設定されていません。")
                return 0
            privacy.forget_legacy_passcode(store)  # a screen lock only: the file was never locked
        print("前の版の画面のパスコードを消しました。画面か passcode set で新しいパスコードを決めてください。")
        return 0
    code = secret(RECOVERY_ENV, "回復コード（例 ABCDE-FGHJK-...）: ")
    if code is None:
        raise UserError(f"回復コードを環境変数 {RECOVERY_ENV} に入れるか、端末で実行して入力してください。")
    cipher.unlock(path, recovery=code)
    new = _new_passcode(secret)
    with Store.open(path) as store:
        privacy.set_passcode(store, new, new, recovery=code)
    print("新しいパスコードにしました。回復コードはそのまま使えます。")
    return 0


def _passcode(args: argparse.Namespace, open_store: OpenStore, secret: Secret) -> int:
    from app import cipher
    from app.services import privacy

    path = Path(args.db or default_db_path())
    encrypted = cipher.is_encrypted(path)
    if args.action == "set":
        if encrypted:
            raise UserError("パスコードはもう決まっています。変えるときは passcode change を使ってください。")
        new = _new_passcode(secret, cipher.ENV_PASSCODE)
        with open_store(args) as store:
            code = privacy.set_passcode(store, new, new)
        print("パスコードを決めて、データベースとバックアップに鍵をかけました。")
        print(f"回復コード: {code}")
        print(privacy.RECOVERY_TEXT)
        return 0
    if not encrypted:
        raise UserError("パスコードは決まっていません。決めるときは passcode set を使ってください。")
    with open_store(args) as store:
        current = os.environ.get(cipher.ENV_PASSCODE) or ""
        if args.action == "change":
            new = _new_passcode(secret)
            privacy.set_passcode(store, new, new, current=current or _typed_current())
            print("パスコードを変えて、鍵をかけ直しました。前のパスコードでは開けません。")
            return 0
        if not args.yes:
            answer = input("パスコードを外すと、このパソコンのファイルを持ち出せば中身を読めるようになります。"
                           "外しますか？ [y/N] ") if sys.stdin.isatty() else ""
            if answer.strip().lower() not in ("y", "yes", "はい"):
                raise UserError("外しませんでした（確かめたうえで外すときは --yes をつけてください）。")
        privacy.remove_passcode(store, current or _typed_current())
    print("パスコードを外しました。データベースは鍵のないふつうのファイルになりました"
          "（前に作ったバックアップは鍵がかかったままです）。")
    return 0


def _typed_current() -> str:
    return getpass.getpass("今のパスコード: ") if sys.stdin.isatty() else ""
