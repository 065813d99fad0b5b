"""The public entry point: print one kind of document for one council to a PDF file."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from app.errors import UserError
from app.printing.base import Job, PrintError, RenderResult, collecting
from app.services import councils
from app.store import Store

KINDS = ("flyer", "handbook", "booklet", "resources", "resource-map", "needs", "survey-results",
         "survey-form", "roster", "attendance", "overview", "year-report")

# Everything we print is black and greys except a map, which may be a colour scan or photo:
# the window's printer is preset to grayscale for the rest.
COLOUR_KINDS = frozenset({"resource-map"})

KIND_LABELS = {
    "flyer": "回覧チラシ",
    "handbook": "サポーターハンドブック（A5）",
    "booklet": "サポーターハンドブック（冊子用・A4横2面）",
    "resources": "社会資源リスト",
    "resource-map": "社会資源マップ",
    "needs": "ニーズ集計表",
    "survey-results": "アンケート集計結果",
    "survey-form": "アンケート用紙",
    "roster": "メンバー名簿（協議体内部用）",
    "attendance": "出欠表",
    "overview": "協議体の一覧（第1層用・A4横）",
    "year-report": "年度のまとめ",
}

# Options each kind understands besides the common ones (today).
_OPTIONS = {
    "flyer": {"template", "headline", "body", "stamps"},
    "resource-map": {"paper"},
    "survey-results": {"survey_id", "cross", "open_answers"},
    "survey-form": {"survey_id", "return_by", "return_to", "cover_letter"},
    "attendance": {"meeting_id", "blank_rows"},
    "roster": set(),
    "year-report": {"year"},
}


def _maker(kind: str) -> Callable[[Job], tuple[bytes, int]]:
    # Imported here so `import app.printing` stays light for the window's start-up.
    if kind == "flyer":
        from app.printing import flyer
        return flyer.make
    if kind in ("handbook", "booklet"):
        from app.printing import handbook
        return handbook.make if kind == "handbook" else handbook.make_booklet
    if kind in ("roster", "attendance"):
        from app.printing import roster
        return roster.make_roster if kind == "roster" else roster.make_attendance
    if kind in ("needs",):
        from app.printing import needs
        return needs.make
    if kind in ("survey-results", "survey-form"):
        from app.printing import survey
        return survey.make_results if kind == "survey-results" else survey.make_form
    if kind == "resources":
        from app.printing import resources
        return resources.make_list
    if kind == "resource-map":
        from app.printing import area_map
        return area_map.make_map
    if kind == "overview":
        from app.printing import overview
        return overview.make
    if kind == "year-report":
        from app.printing import year_report
        return year_report.make
    raise AssertionError(kind)


def render(store: Store, kind: str, council_id: str, out_path: str | os.PathLike, *,
           template: str | None = None, headline: str | None = None, body: str | None = None,
           paper: str | None = None, stamps: int | list[str] | None = None,
           survey_id: str | None = None, meeting_id: str | None = None,
           blank_rows: int | None = None, return_by: dt.date | str | None = None,
           return_to: str | None = None, cover_letter: bool | str | None = None,
           year: int | str | None = None, cross: str | list[tuple[int, int]] | None = None,
           open_answers: bool | None = None, today: dt.date | None = None) -> RenderResult:
    """Write the PDF for `kind` (one of KINDS) from council `council_id` to `out_path`.

    The file appears only when complete (written beside it, then renamed), so a failed print
    never leaves half a PDF. Warnings (text shrunk to fit, a page added, characters the font
    lacks, data missing) are returned in Japanese; they do not stop the print.

    survey-form: `return_by` is the 回収日 (a date; text such as 2027-01-31 or 令和9年1月31日 is
    read too; None prints a blank to fill in and warns), `return_to` where the forms are handed in
    (default 班長さん（または区長さん）), `cover_letter` True for the standard 依頼文 on a first
    page, a str for the council's own text (paragraphs split at newlines), False/None for none.

    survey-results: for a survey entered form by form, the results by 町内会 always, `cross` the
    cross-tables wanted (question numbers: "1,3" or "1×3、2×3", or pairs), `open_answers` True
    to list the open answers too (with a warning line: they may name people).

    resource-map: the council's stored map (services/area_map.py), `paper` "A4" (default) or
    "A3"; the page turns with the map's shape.

    year-report: `year` the 年度 (2026, 令和8, R8...; None: the 年度 of `today`); for the tier-1
    council the city's report (every tier-2 council and their total).
    """
    if kind not in KINDS:
        raise UserError(f"印刷物の種類「{kind}」はありません。{'、'.join(KINDS)} から選んでください。")
    given = {"template": template, "headline": headline, "body": body, "paper": paper,
             "stamps": stamps, "survey_id": survey_id, "meeting_id": meeting_id,
             "blank_rows": blank_rows, "return_by": return_by, "return_to": return_to,
             "cover_letter": cover_letter or None, "year": year, "cross": cross or None,
             "open_answers": open_answers or None}
    allowed = _OPTIONS.get(kind, set())
    for name, value in given.items():
        if value is not None and name not in allowed:
            option = "--" + name.replace("_", "-")
            raise UserError(f"「{option}」の指定は {kind}（{KIND_LABELS[kind]}）では使えません。")
    council = councils.get_council(store, council_id)
    job = Job(store=store, council=council, today=today or dt.date.today(),
              options={k: v for k, v in given.items() if v is not None})
    out = Path(out_path)
    if out.is_dir():
        raise PrintError(f"{out} はフォルダーです。PDFのファイル名を指定してください。")
    with collecting() as bag:
        pdf, pages = _maker(kind)(job)
    _write_atomically(out, pdf)
    return RenderResult(out, pages, tuple(bag))


def render_bytes(store: Store, kind: str, council_id: str, **options) -> tuple[bytes, RenderResult]:
    """The same PDF in memory (for a preview); the result's path is empty."""
    with tempfile.TemporaryDirectory() as tmp:
        result = render(store, kind, council_id, Path(tmp) / "preview.pdf", **options)
        data = result.path.read_bytes()
    return data, RenderResult(Path(), result.pages, result.warnings)


def _write_atomically(out: Path, data: bytes) -> None:
    """A full disk, a refused folder or a pulled USB stick: one message naming the PDF, and no
    half-written `.part` left beside it."""
    from app.errors import file_problem

    tmp = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=out.name + ".", suffix=".part", dir=out.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, out)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise PrintError(f"{file_problem(out, exc)}。PDFは保存していません。") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
