"""The headless command line: `python -m app [--db PATH] SUBCOMMAND ...`.

Every subcommand calls services; errors print one `エラー:` line on stderr and exit 1,
usage errors exit 2 (argparse), success exits 0.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from app import __version__
from app.errors import UserError
from app.paths import default_db_path
from app.services.wareki import format_wareki
from app.text_table import text_table

if TYPE_CHECKING:
    from app.services import tallies, tally_sums
    from app.store import Store

# Services and the store are imported inside each command: opening the window must not wait
# for SQLAlchemy and alembic to load before its first paint.


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors: Japanese line, exit 2
        self.print_usage(sys.stderr)
        self.exit(2, f"エラー: 指定のしかたが違います: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sasaeai", description="ささえあいノート: 協議体の記録・印刷・集約")
    parser.add_argument("--version", action="version", version=f"ささえあいノート {__version__}")
    parser.add_argument("--db", type=Path,
                        help="データベースのファイル（既定: 利用者のデータフォルダの sasaeai.sqlite3）")
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", parser_class=_Parser)

    p = sub.add_parser("demo", help="見本のデータ（高崎市の26協議体、八幡など）を入れる")
    p.add_argument("--stress", action="store_true",
                   help="大きな協議体「西部中央地区」（2,000人・社会資源300件・長い名前）も入れる")
    p.add_argument("--synthetic", type=int, metavar="N",
                   help="性能測定用の大きな協議体をN個作る（メンバー2,000人・社会資源500件ずつ）")
    p.set_defaults(run=cmd_demo)

    p = sub.add_parser("check", help="データベースを点検する（壊れていなければ終了コード0）")
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("backup", help="データベースのバックアップを作る")
    p.add_argument("-o", "--output", type=Path, required=True, help="保存先のファイル")
    p.set_defaults(run=cmd_backup)

    p = sub.add_parser("backups", help="自動・手動のバックアップの一覧（新しい順）")
    p.set_defaults(run=cmd_backups)

    p = sub.add_parser("restore", help="バックアップの時点に戻す（今の状態は先にバックアップします）")
    p.add_argument("backup_file", type=Path, help="戻すバックアップのファイル（backups の一覧から）")
    p.set_defaults(run=cmd_restore)

    p = sub.add_parser("purge-member",
                       help="削除したメンバーを、バックアップからも完全に消す"
                            "（前のパスコードのバックアップは SASAEAI_RECOVERY_CODE で）")
    p.add_argument("--council", metavar="NAME", required=True, help="協議体の名前（例: 八幡）")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--id", dest="member_id", metavar="MEMBER_ID",
                     help="消すメンバーのID（削除の記録 deletion にあります）")
    who.add_argument("--name", metavar="NAME", help="消すメンバーの氏名（いちばん新しいバックアップで探します）")
    p.set_defaults(run=cmd_purge_member)

    from app import cli_passcode  # argparse only

    cli_passcode.add_parsers(sub, _store, _secret)

    p = sub.add_parser("councils", help="協議体の一覧")
    p.set_defaults(run=cmd_councils)

    p = sub.add_parser("council", help="協議体を登録・名前の変更・削除する")
    council_sub = p.add_subparsers(dest="council_command", metavar="ACTION", parser_class=_Parser,
                                   required=True)
    q = council_sub.add_parser("add", help="協議体を1つ登録する")
    q.add_argument("name", metavar="NAME", help="協議体の名前（例: 八幡）")
    q.add_argument("--tier", type=int, choices=(1, 2), default=2,
                   help="1（第1層: 市全域）か 2（第2層: 日常生活圏域、既定）")
    q.add_argument("--parent", metavar="NAME", help="上の第1層協議体の名前")
    q.add_argument("--area-name", metavar="TEXT", default="", help="地区名")
    q.set_defaults(run=cmd_council_add)
    q = council_sub.add_parser("add-list", help="名前の一覧（1行に1つ。タブや「、」区切りも可）から第2層の協議体を登録する")
    q.add_argument("--parent", metavar="NAME", required=True, help="上の第1層協議体の名前")
    q.add_argument("file", metavar="FILE", help="名前を書いた文字のファイル（- で標準入力）")
    q.set_defaults(run=cmd_council_add_list)
    q = council_sub.add_parser("rename", help="協議体の名前を変える")
    q.add_argument("name", metavar="NAME", help="今の名前")
    q.add_argument("new_name", metavar="NEW", help="新しい名前")
    q.set_defaults(run=cmd_council_rename)
    q = council_sub.add_parser("delete", help="協議体とその記録をすべて削除する（先にバックアップを作ります）")
    q.add_argument("name", metavar="NAME", help="削除する協議体の名前")
    q.add_argument("--yes", action="store_true", help="確かめずに削除する")
    q.set_defaults(run=cmd_council_delete)

    p = sub.add_parser("show-tally", help="集計表（町内会×項目）を合計つきで表示")
    p.add_argument("--council", help="協議体の名前（例: 八幡）")
    p.add_argument("--all", action="store_true",
                   help="すべての協議体の集計表を、種類ごと・項目ごとに足して表示（協議体ごとの行と合計）")
    p.set_defaults(run=cmd_show_tally, usage_error=p.error)

    from app import cli_survey  # argparse only

    cli_survey.add_parser(sub, cmd_show_survey)
    p = sub.add_parser("map", help="協議体の地図（PNG・JPEG の画像か PDF の1ページ）を入れる・外す・基準点を決める")
    p.add_argument("--council", required=True, help="協議体の名前")
    p.add_argument("file", metavar="FILE", type=Path, nargs="?",
                   help="地図の画像（.png .jpg）か PDF。省略すると、今の地図のようすを表示")
    p.add_argument("--page", type=int, help="PDF のページ（1から。既定: 1）")
    p.add_argument("--name", default="", help="地図の名前（既定: 「協議体名の地図」）")
    p.add_argument("--remove", action="store_true", help="地図を外す（印の位置は残ります）")
    p.add_argument("--point", action="append", metavar="X,Y=緯度,経度",
                   help="基準点（2回指定）。X,Y は地図の上の位置で左上が0,0・右下が1,1。"
                        "例: --point 0.1,0.2=36.3219,139.0031")
    p.set_defaults(run=cmd_map)

    p = sub.add_parser("print", help="印刷物をPDFに保存する（回覧チラシ、ハンドブック、名簿など）")
    p.add_argument("kind", metavar="KIND", help="flyer, handbook, booklet, resources, resource-map, "
                   "needs, survey-results, survey-form, roster, attendance, overview（第1層用）")
    p.add_argument("--council", help="協議体の名前（例: 八幡）。overview では省略できます")
    p.add_argument("-o", "--output", type=Path, required=True, help="保存先のPDF")
    p.add_argument("--template", help="チラシの種類: launch（協議体が発足しました）, meeting（会議・行事の"
                   "お知らせ）, recruit（サポーター募集）, newsletter（協議体だより）")
    p.add_argument("--headline", help="チラシの見出しを差し替える")
    p.add_argument("--body", help="チラシの本文を差し替える")
    p.add_argument("--paper", metavar="A4|A3", help="社会資源マップの用紙（既定: A4）。地図は "
                   "map コマンドで入れたものを使い、用紙の向きは地図の形に合わせます")
    p.add_argument("--return-by", metavar="DATE", help="アンケート用紙の回収日（例: 2027-01-31、"
                   "令和9年1月31日）。省略すると「　月　日（　）まで」の空欄")
    p.add_argument("--return-to", metavar="WHERE", help="アンケート用紙の提出先（既定: 班長さん"
                   "（または区長さん））")
    p.add_argument("--cover-letter", nargs="?", const=True, default=None, metavar="TEXT",
                   help="アンケート用紙の1ページ目に依頼文をつける（TEXT を書くとその文章で。"
                   "改行は \\n）")
    p.add_argument("--cross", metavar="Q1,Q2", help="アンケート集計結果にクロス集計をつける（問の番号。"
                   "例: 1,3。いくつもなら 1×3、2×3）。回答用紙を1枚ずつ入力したアンケートだけ")
    p.add_argument("--open-answers", action="store_true", help="アンケート集計結果に自由記述の一覧を"
                   "つける（個人が分かることが書かれていないか確かめてから配ってください）")
    p.set_defaults(run=cmd_print)

    p = sub.add_parser("screenshot", help="画面のページをPNGに保存する（画面を出さずに描く）")
    p.add_argument("--council", required=True, help="協議体の名前")
    p.add_argument("--page", required=True, help="home, members, needs, tallies, survey, resources, "
                   "meetings, trainings, settings")
    p.add_argument("-o", "--output", type=Path, required=True, help="保存先のPNG")
    p.add_argument("--size", default="1280x800", help="幅x高さ（既定 1280x800）")
    p.add_argument("--large-text", action="store_true", help="「文字を大きく」にして描く")
    p.set_defaults(run=cmd_screenshot)

    from app import cli_exchange  # argparse only

    cli_exchange.add_parsers(sub, _store, _secret)

    from app import cli_report  # argparse and the date-text module only

    cli_report.add_parser(sub, cmd_report)
    from app import cli_proposals  # argparse and the date-text module only

    cli_proposals.add_parser(sub, cmd_proposals)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_output()
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    try:
        if run is None:
            return open_window(args)
        return run(args)
    except UserError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` that stopped reading: not an error
        sys.stderr.close()
        return 0
    except OSError as exc:  # unreadable folder, full disk, a USB stick pulled out...
        from app.errors import file_problem

        where = exc.filename or getattr(args, "output", None) or args.db or default_db_path()
        print(f"エラー: {file_problem(where, exc)}。場所と空き容量を確かめてください。"
              "データベースは変更前のままです。", file=sys.stderr)
        return 1
    except Exception as exc:
        line = _database_error(exc, args)
        if line is None:
            raise
        print(line, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("エラー: 中断しました。保存済みのデータはそのままです。", file=sys.stderr)
        return 1


def _database_error(exc: BaseException, args: argparse.Namespace) -> str | None:
    """One line for an error SQLite or SQLCipher raised (directly or through SQLAlchemy), or None."""
    from app.store import database_error

    orig = database_error(exc)
    if orig is None:
        return None
    db = args.db or default_db_path()
    text = str(orig)
    if "readonly" in text or "read-only" in text:
        return f"エラー: {db} は読み取り専用です。変更は保存できません（見ることと印刷はできます）。"
    if "full" in text:
        where = getattr(args, "output", None) or db
        return (f"エラー: {where} に書き込めません（空き容量が足りません）。"
                "空きを作ってから、もう一度行ってください。データベースは変更前のままです。")
    return f"エラー: {db} を読み書きできません（{text}）。データベースは変更前のままです。"


def _utf8_output() -> None:
    # A Windows console may default to cp932; Japanese must print either way.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


def open_window(args: argparse.Namespace) -> int:
    from app.ui.main import run_window

    return run_window(args.db)


def cmd_print(args: argparse.Namespace) -> int:
    from app.printing import render
    from app.services import councils
    from app.services.normalize import to_date

    letter = args.cover_letter
    if isinstance(letter, str):
        letter = letter.replace("\\n", "\n")
    options = {"template": args.template, "headline": args.headline, "body": args.body,
               "paper": args.paper, "return_to": args.return_to, "cover_letter": letter,
               "return_by": to_date(args.return_by, "--return-by（回収日）"),
               "cross": args.cross, "open_answers": args.open_answers or None}
    with _store(args) as store:
        if args.council:
            council_id = councils.find_council(store, args.council).id
        elif args.kind == "overview":
            city = next((c for c in councils.list_councils(store) if c.tier == 1), None)
            if city is None:
                raise UserError("第1層の協議体がありません。--council で協議体を指定してください。")
            council_id = city.id
        else:
            raise UserError("--council で協議体を指定してください（例: --council 八幡）。")
        result = render(store, args.kind, council_id, args.output,
                        **{k: v for k, v in options.items() if v is not None})
    for warning in result.warnings:
        print(f"注意: {warning}", file=sys.stderr)
    print(f"保存しました: {result.path}（{result.pages}ページ）")
    return 0


def cmd_screenshot(args: argparse.Namespace) -> int:
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise UserError(f"--size は 1280x800 のように指定してください（「{args.size}」）。") from None
    from app.ui.main import screenshot

    out = screenshot(args.db, args.council, args.page, args.output, (width, height), args.large_text)
    print(f"保存しました: {out}")
    return 0


def _secret(env: str, prompt: str, *, twice: bool = False) -> str | None:
    """A passcode from the environment variable `env`, else typed at a terminal (hidden), else
    None. Never from the command line, where other users of the PC can see it."""
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        return None
    value = getpass.getpass(prompt)
    if twice and getpass.getpass(f"{prompt.rstrip(': ')}（確認）: ") != value:
        raise UserError("確認のために入れたものが違います。もう一度はじめからどうぞ。")
    return value


def _unlock(path: Path) -> None:
    """An encrypted database is unlocked with SASAEAI_PASSCODE or the typed passcode."""
    from app import cipher

    if not cipher.is_encrypted(path) or cipher.key_for(path) is not None:
        return
    passcode = _secret(cipher.ENV_PASSCODE, "パスコード: ")
    if passcode is None:
        raise UserError(f"このデータベースはパスコードで守られています。{cipher.ENV_PASSCODE} に"
                        "パスコードを入れるか、端末で実行してパスコードを入力してください。")
    cipher.unlock(path, passcode)


def _store(args: argparse.Namespace) -> Store:
    from app import cipher
    from app.store import Store

    path = Path(args.db or default_db_path())
    _unlock(path)
    try:
        return Store.open(path)  # closing it forgets the key
    except BaseException:
        cipher.forget(path)
        raise


def cmd_demo(args: argparse.Namespace) -> int:
    from app.services import demo

    with _store(args) as store:
        if args.synthetic is not None:
            if args.synthetic < 1:
                raise UserError("--synthetic には1以上の数を指定してください。")
            demo.load_demo(store)
            report = demo.load_synthetic(store, args.synthetic)
        else:
            report = demo.load_demo(store)
        if args.stress:
            from app.services import stress

            stress.load_stress(store)
            print(f"大きな見本の協議体「{stress.STRESS_COUNCIL}」があります")
        print(f"見本のデータ: {len(report.added)}協議体を追加、{len(report.skipped)}協議体はすでにあります"
              f"（{store.path}）")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from app import cipher
    from app.store import check_file

    path = args.db or default_db_path()
    _unlock(Path(path))
    try:
        report = check_file(Path(path))
    finally:
        cipher.forget(Path(path))
    if not report.ok:
        raise UserError(f"{path} に問題があります: " + " / ".join(report.problems))
    print(f"OK: {path}（データの版 {report.revision}、壊れていません）")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with _store(args) as store:
        dest = store.backup(args.output)
    print(f"バックアップを作りました: {dest}")
    return 0


def cmd_purge_member(args: argparse.Namespace) -> int:
    from app.cli_passcode import RECOVERY_ENV
    from app.services import councils, purge

    secret = os.environ.get(RECOVERY_ENV) or None
    with _store(args) as store:
        councils.find_council(store, args.council)  # an unknown council is named as such
        member_id = args.member_id or purge.find_deleted_member(store, args.council, args.name, secret)
        report = purge.purge_member(store, member_id, secret=secret)
    print(report.text)
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    from app.services import backups

    with _store(args) as store:
        found = backups.list_backups(store.path)
    if not found:
        print("バックアップはまだありません。")
    for b in found:
        print(f"{b.when_text}\t{b.reason_label}\t{b.size_text}\t{b.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from app.services import backups

    with _store(args) as store:
        report = backups.restore(store, args.backup_file,
                                 secret=os.environ.get("SASAEAI_BACKUP_PASSCODE"))
    print(f"{report.restored.when_text} の状態に戻しました。戻す前の状態は {report.safety.path} にあります。")
    return 0


def cmd_councils(args: argparse.Namespace) -> int:
    from app.services import council_list, plain_read

    # A file in good order is read with sqlite3 alone (no SQLAlchemy to load); any other goes
    # through the store, which recovers, migrates, unlocks or says what is wrong.
    with plain_read.reading(Path(args.db or default_db_path())) as con:
        listed = None if con is None else council_list.list_councils(con)
    if listed is None:
        with _store(args) as store:
            listed = council_list.list_councils(store)
    for c in listed:
        vision = f"「{c.vision}」" if c.vision else ""
        print(f"第{c.tier}層\t{c.name}\tメンバー{c.member_count}人\t{vision}")
    return 0


def cmd_council_add(args: argparse.Namespace) -> int:
    from app.services import councils

    with _store(args) as store:
        parent = councils.find_council(store, args.parent) if args.parent else None
        if parent is not None and args.tier == 1:
            raise UserError("第1層の協議体には --parent をつけられません。")
        created = councils.create_council(store, {"name": args.name, "tier": args.tier,
                                                  "parent_id": parent.id if parent else None,
                                                  "area_name": args.area_name})
    under = f"、{parent.name}の下" if parent else ""
    print(f"協議体「{created.name}」を登録しました（第{created.tier}層{under}）。")
    return 0


def _read_names(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):  # Notepad and Excel on Windows may write either
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{path} の文字が読めません。UTF-8 か Shift_JIS の文字のファイルにしてください。")


def cmd_council_add_list(args: argparse.Namespace) -> int:
    from app.services import councils

    text = _read_names(args.file)
    with _store(args) as store:
        parent = councils.find_council(store, args.parent)
        report = councils.add_councils_from_text(store, parent.id, text)
    names = "、".join(c.name for c in report.created)
    print(f"{parent.name}の下に{len(report.created)}協議体を登録しました" + (f": {names}" if names else "。"))
    for line in report.skipped:
        print(f"登録しなかった名前: {line}")
    return 0


def cmd_council_rename(args: argparse.Namespace) -> int:
    from app.services import councils

    with _store(args) as store:
        council = councils.find_council(store, args.name)
        renamed = councils.update_council(store, council.id, {"name": args.new_name})
    print(f"協議体「{council.name}」の名前を「{renamed.name}」に変えました。")
    return 0


def cmd_map(args: argparse.Namespace) -> int:
    from app.services import area_map, councils

    if sum(bool(x) for x in (args.file, args.remove, args.point)) > 1:
        raise UserError("FILE、--remove、--point は一つずつ指定してください。")
    if args.page is not None and not args.file:
        raise UserError("--page は地図の PDF（FILE）と一緒に指定してください。")
    with _store(args) as store:
        council = councils.find_council(store, args.council)
        if args.file:
            image = area_map.read_image_file(args.file, args.page)  # checked before anything is written
            stored = area_map.set_map(store, council.id, image, args.file.name, args.name)
            print(f"{council.name}の地図「{stored.name}」を入れました（{stored.width:,}×{stored.height:,} 画素、"
                  f"{len(stored.image) / 1e6:.2f} MB、{stored.image_format.upper()}）。")
        elif args.remove:
            area_map.remove_map(store, council.id)
            print(f"{council.name}の地図を外しました（社会資源と町内会の印の位置は残っています）。")
        elif args.point:
            stored = area_map.set_reference_points(store, council.id, _reference_points(args.point))
            print(f"{council.name}の地図に基準点を2つ決めました。社会資源の書き出しに緯度・経度が入ります。")
        else:
            _print_map(area_map.get_map(store, council.id), council.name)
    return 0


def _reference_points(texts: list[str]):
    from app.errors import ValidationError
    from app.services import area_map, base
    from app.services.normalize import nfkc

    if len(texts) != 2:
        raise UserError("--point は2回指定してください（地図の上の離れた2点）。")
    points = []
    for text in texts:
        where, sep, lat_lon = nfkc(text).partition("=")
        xy = [v for v in where.replace(",", " ").split() if v]
        if not sep or len(xy) != 2:
            raise UserError(f"--point「{text}」は「X,Y=緯度,経度」の形で指定してください"
                            "（例: 0.1,0.2=36.3219,139.0031）。")
        x, y = (base.map_position(v, "地図の基準点") for v in xy)
        if x is None or y is None:
            raise ValidationError("地図の基準点", f"「{text}」の位置が空です")
        lat, lon = area_map.parse_lat_lon(lat_lon)
        points.append(area_map.ReferencePoint(x, y, lat, lon))
    return points


def _print_map(stored, council_name: str) -> None:
    if stored is None:
        print(f"{council_name}には地図がありません。`map --council {council_name} 地図.png` で入れられます。")
        return
    print(f"地図: {stored.name}（{stored.width:,}×{stored.height:,} 画素、{len(stored.image) / 1e6:.2f} MB、"
          f"{stored.image_format.upper()}、元のファイル: {stored.source or '不明'}）")
    if stored.located:
        print(f"基準点: ({stored.ref1_x:g}, {stored.ref1_y:g}) = {stored.ref1_lat}, {stored.ref1_lon}　"
              f"({stored.ref2_x:g}, {stored.ref2_y:g}) = {stored.ref2_lat}, {stored.ref2_lon}")
    else:
        print("基準点: なし（社会資源の位置は地図の上の位置だけで、緯度・経度はありません）")


def cmd_council_delete(args: argparse.Namespace) -> int:
    from app.services import councils

    with _store(args) as store:
        council = councils.find_council(store, args.name)
        if not args.yes:
            question = (f"協議体「{council.name}」とその記録（{councils.describe_records(store, council.id)}）を"
                        "すべて削除します。よろしいですか？ [y/N] ")
            if not sys.stdin.isatty():
                raise UserError(f"協議体「{council.name}」を削除するには --yes をつけてください"
                                "（確かめる入力ができないので、削除していません）。")
            answer = input(question).strip().lower()
            if answer not in ("y", "yes", "はい"):
                print("削除しませんでした。")
                return 0
        backup = councils.remove_council(store, council.id)
    print(f"協議体「{council.name}」を削除しました。削除する前のバックアップ: {backup.path}")
    return 0


def cmd_show_tally(args: argparse.Namespace) -> int:
    from app.services import councils, tallies, tally_sums

    if bool(args.council) == args.all:
        args.usage_error("show-tally には --council（協議体の名前）か --all（すべての協議体）の"
                         "どちらか一つを指定してください")
    with _store(args) as store:
        if args.all:
            sums = tally_sums.city_sums(store)
            if not sums:
                raise UserError("どの協議体にも集計表がまだありません。")
            print("\n\n".join(format_sums(k) for k in sums))
            return 0
        council = councils.find_council(store, args.council)
        found = tallies.list_tallies(store, council.id)
        if not found:
            raise UserError(f"{council.name} には集計表がまだありません。")
        print("\n\n".join(format_tally(t) for t in found))
    return 0


def cmd_show_survey(args: argparse.Namespace) -> int:
    from app.cli_survey import run_show_survey

    return run_show_survey(args, _store)


def cmd_report(args: argparse.Namespace) -> int:
    from app.cli_report import run_report

    return run_report(args, _store)


def cmd_proposals(args: argparse.Namespace) -> int:
    from app.cli_proposals import run_proposals

    return run_proposals(args, _store)


# --- text tables ---------------------------------------------------------------------------------

def _n(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _period(t: tallies.CrosstabDTO | tally_sums.TableRef) -> str:
    if t.period_from and t.period_to:
        return f"{format_wareki(t.period_from)}〜{format_wareki(t.period_to)}"
    return f"{format_wareki(t.period_to)}現在" if t.period_to else ""


def format_tally(t: tallies.CrosstabDTO) -> str:
    households = t.totals.households is not None
    header = ["町内会名"] + (["世帯数"] if households else []) + [c.label for c in t.columns] + ["対象人数"]
    rows = [header]
    for r in t.rows:
        rows.append([r.label] + ([_n(r.households)] if households else [])
                    + [_n(v) for v in r.counts] + [_n(r.target_persons)])
    rows.append(["合計"] + ([_n(t.totals.households)] if households else [])
                + [_n(v) for v in t.totals.columns] + [_n(t.totals.persons)])
    title = f"■ {t.title}"
    meta = "　".join(x for x in (f"種類: {t.kind_label}", _period(t),
                                f"出典: {t.source}" if t.source else "") if x)
    note = "※対象人数は人数です（一人が複数の項目に数えられるため、行の合計とは一致しません）"
    return "\n".join(x for x in (title, meta, text_table(rows), note) if x)


def format_sums(k: tally_sums.KindSum) -> str:
    """Columns matched by category (or group and label), a line per council, the total."""
    grouped = any(c.group for c in k.columns)
    rows = ([["", *(c.group for c in k.columns), ""]] if grouped else []) + [
        ["協議体", *(c.label for c in k.columns), "対象人数"]]
    rows += [[line.council, *("—" if v is None else f"{v:,}" for v in line.counts), _n(line.persons)]
             for line in k.councils]
    rows.append(["合計", *(_n(v) for v in k.totals), _n(k.persons)])
    used = [f"  {line.council}: " + "、".join(f"{t.title}（{_period(t)}）" if _period(t) else t.title
                                              for t in line.tables) for line in k.councils]
    note = ("※項目は並び順でなく、分類（または区分と項目名）で合わせて足しています。対象人数は"
            "協議体ごとの対象人数の合計です。—はその協議体の表にない項目です")
    return "\n".join([f"■ {k.kind_label}：{len(k.councils)}協議体の合計", text_table(rows),
                      "使った集計表（協議体ごとに一番新しいもの）:", *used, note])

