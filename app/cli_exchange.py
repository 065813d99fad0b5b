"""The exchange's commands: the coordinator's file written and read (export, import, and the
differences a person decides: conflicts, resolve), lists made elsewhere (import-table) and the
resources for other systems (export-resources).

A file's password never comes from the command line (the process list shows it to every user
of the PC): from SASAEAI_FILE_PASSWORD (SASAEAI_EXPORT_PASSWORD too, for export) or typed.
Only argparse loads with the parser; the exchange is imported when a command runs.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from app.errors import UserError

if TYPE_CHECKING:
    from app.store import Store

OpenStore = Callable[[argparse.Namespace], "Store"]


class Secret(Protocol):
    """cli._secret: from the environment variable, else typed at a terminal (twice: confirmed)."""

    def __call__(self, env: str, prompt: str, *, twice: bool = False) -> str | None: ...


def add_parsers(sub, open_store: OpenStore, secret: Secret) -> None:
    p = sub.add_parser("export", help="協議体のデータをExcelのファイル（.xlsx）に書き出す（第1層への提出用）")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--council", action="append", metavar="NAME", help="協議体の名前（何度でも指定できます）")
    which.add_argument("--all", action="store_true", help="すべての協議体")
    p.add_argument("-o", "--output", type=Path, required=True, help="保存先の .xlsx")
    p.add_argument("--anonymize", action="store_true", help="メンバーの氏名・住所・電話・備考を書き出さない")
    p.add_argument("--password", nargs="?", const="", metavar="",
                   help="ファイルにパスワードをかける（パスワードは環境変数 SASAEAI_FILE_PASSWORD か"
                        "入力で。コマンドに書くとほかの利用者から見えるので受け付けません）")
    p.set_defaults(run=partial(run_export, open_store=open_store, secret=secret))

    p = sub.add_parser("import", help="書き出したファイル（.xlsx）を読み込んでまとめる（IDで照合）")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="読み込む .xlsx（いくつでも）")
    p.add_argument("--password", nargs="?", const="", metavar="",
                   help="パスワードのかかったファイル（パスワードは環境変数 SASAEAI_FILE_PASSWORD か入力で）")
    p.add_argument("--dry-run", action="store_true", help="確かめて結果を表示するだけで、データベースは変えない")
    p.set_defaults(run=partial(run_import, open_store=open_store, secret=secret))

    p = sub.add_parser("conflicts", help="読み込みで決められなかった違い（両方で直した所、削除と編集）の一覧")
    p.set_defaults(run=partial(run_conflicts, open_store=open_store))
    p = sub.add_parser("resolve", help="違いを一つ決める（conflicts の番号で）")
    p.add_argument("number", type=int, help="conflicts で表示された番号")
    p.add_argument("--keep", required=True, choices=("kept", "other", "delete"),
                   help="kept: 今の内容のまま / other: もう一方の内容に戻す / delete: 削除する（削除と編集の違いのとき）")
    p.set_defaults(run=partial(run_resolve, open_store=open_store))

    p = sub.add_parser("import-table", help="ほかで作った名簿・社会資源の一覧・集計表（.xlsx/.csv）を読み込む")
    p.add_argument("file", type=Path, metavar="FILE", help="読み込む .xlsx または .csv")
    p.add_argument("--council", required=True, help="どの協議体に入れるか（名前）")
    p.add_argument("--kind", required=True, choices=("members", "resources", "tally"),
                   help="members（メンバー）, resources（社会資源）, tally（あんしんセンターの集計表）")
    p.add_argument("--map", action="append", default=[], metavar="列名=項目",
                   help="列の読み方を指定する（例: --map 携帯=電話、--map 備考欄=無視）")
    p.add_argument("--sheet", help=".xlsx のどのシートか（既定: 最初のシート）")
    p.add_argument("--tally-kind", choices=("needs", "service_use"),
                   help="集計表の種類（既定: 列の名前から判断）")
    p.add_argument("--add-neighbourhoods", action="store_true",
                   help="一覧にない町内会を新しく登録する（既定: エラーにする）")
    p.add_argument("--dry-run", action="store_true", help="読み方を表示して確かめるだけ")
    p.set_defaults(run=partial(run_import_table, open_store=open_store))

    p = sub.add_parser("export-resources", help="社会資源をほかのシステム向けに書き出す"
                                                "（Open Referral HSDS の CSV/JSON、地図の位置の GeoJSON）")
    p.add_argument("--council", required=True, help="協議体の名前")
    p.add_argument("-o", "--output", type=Path, required=True, help="保存先の .csv・.json・.geojson")
    p.add_argument("--format", choices=("csv", "json", "geojson"),
                   help="形式（既定: 保存先の拡張子から）。geojson は地図に基準点（緯度・経度）があるときだけ")
    p.add_argument("--without-phones", action="store_true", help="電話番号を書き出さない")
    p.set_defaults(run=partial(run_export_resources, open_store=open_store))


def run_export(args: argparse.Namespace, open_store: OpenStore, secret: Secret) -> int:
    from app.exchange.export_file import export_councils
    from app.exchange.report import format_export
    from app.services import councils

    with open_store(args) as store:
        ids = None if args.all else [councils.find_council(store, n).id for n in args.council]
        report = export_councils(store, args.output, ids, anonymize=args.anonymize,
                                 password=_file_password(secret, args.password, twice=True))
    print(format_export(report))
    return 0


def _file_password(secret: Secret, given: str | None, *, twice: bool = False) -> str | None:
    """A file's password: never from the command line (the process list shows it to every user
    of the PC), but from SASAEAI_FILE_PASSWORD (SASAEAI_EXPORT_PASSWORD too, for export) or
    typed at a terminal. None when --password was not given and no variable is set."""
    if given:
        raise UserError("パスワードはコマンドに書かないでください（このパソコンのほかの利用者から見えます）。"
                        "--password だけにして入力するか、環境変数 SASAEAI_FILE_PASSWORD に入れてください。")
    env = "SASAEAI_EXPORT_PASSWORD" if twice and os.environ.get("SASAEAI_EXPORT_PASSWORD") \
        else "SASAEAI_FILE_PASSWORD"
    if given is None and not os.environ.get(env):
        return None
    value = secret(env, "ファイルのパスワード: ", twice=twice)
    if not value:
        raise UserError("パスワードを環境変数 SASAEAI_FILE_PASSWORD に入れるか、端末で実行して"
                        "入力してください。")
    return value


def run_import(args: argparse.Namespace, open_store: OpenStore, secret: Secret) -> int:
    from app.exchange.merge import import_files
    from app.exchange.report import format_import

    with open_store(args) as store:
        report = import_files(store, args.files, password=_file_password(secret, args.password),
                              dry_run=args.dry_run)
    print(format_import(report))
    return 0


def run_conflicts(args: argparse.Namespace, open_store: OpenStore) -> int:
    from app.exchange.conflicts import conflicts

    with open_store(args) as store:
        found = conflicts(store)
    if not found:
        print("決めることはありません。")
        return 0
    for number, c in enumerate(found, start=1):
        print(f"{number}. {c.sheet}「{c.label}」: {c.what}（{c.file}）")
        for f in c.fields:
            print(f"   {f.name}: 今「{f.kept}」／もう一方「{f.other}」")
    print("決めるには: resolve 番号 --keep kept|other（削除と編集の違いは --keep kept|delete）")
    return 0


def run_resolve(args: argparse.Namespace, open_store: OpenStore) -> int:
    from app.exchange.conflicts import conflicts, resolve

    with open_store(args) as store:
        found = conflicts(store)
        if not 1 <= args.number <= len(found):
            raise UserError(f"番号 {args.number} の違いはありません（conflicts で確かめてください）。")
        chosen = found[args.number - 1]
        choice = {"kept": "keep", "delete": "delete"}.get(args.keep, args.keep) if chosen.is_deletion \
            else args.keep
        if chosen.is_deletion and args.keep == "other":
            raise UserError("削除と編集の違いには --keep kept（残す）か --keep delete（削除する）を指定してください。")
        if not chosen.is_deletion and args.keep == "delete":
            raise UserError("この違いには --keep kept か --keep other を指定してください。")
        print(resolve(store, chosen.key, choice))
    return 0


def run_import_table(args: argparse.Namespace, open_store: OpenStore) -> int:
    from app.exchange.table import format_table_report, import_table, parse_overrides
    from app.services import councils

    overrides = parse_overrides(args.map)
    with open_store(args) as store:
        council = councils.find_council(store, args.council)
        report = import_table(store, args.file, council.id, args.kind, overrides=overrides,
                              sheet=args.sheet, tally_kind=args.tally_kind,
                              add_neighbourhoods=args.add_neighbourhoods, dry_run=args.dry_run)
    print(format_table_report(report))
    return 0


def run_export_resources(args: argparse.Namespace, open_store: OpenStore) -> int:
    from app.exchange.hsds import export_resources
    from app.services import councils

    with open_store(args) as store:
        council = councils.find_council(store, args.council)
        done = export_resources(store, council.id, args.output, phones=not args.without_phones,
                                kind=args.format)
    if done.format == "geojson":
        print(f"書き出しました: {args.output}（地図に印のある社会資源 {done.count}件、GeoJSON）")
        if done.without_pin:
            print(f"地図に印のない {done.without_pin}件は入っていません。")
        return 0
    print(f"書き出しました: {args.output}（社会資源 {done.count}件、Open Referral HSDS の項目名）")
    if not done.located:
        print("地図に基準点（緯度・経度）がないため、緯度・経度は空欄です"
              "（「社会資源」ページの「地図」タブの「緯度・経度…」で入れられます）。")
    elif done.with_position < done.count:
        print(f"緯度・経度は地図に印のある {done.with_position}件に入れました"
              f"（印のない {done.count - done.with_position}件は空欄です）。")
    else:
        print(f"緯度・経度は {done.count}件すべてに入れました（地図の基準点から）。")
    return 0
