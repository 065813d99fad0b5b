"""Text from other files: lone surrogates, control characters and bidi overrides are refused with
the place named (TAB and line ends kept), duplicate zip entries refused, and arbitrary Unicode
never ends in anything but a value or a UserError."""

from __future__ import annotations

import contextlib
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import UserError
from app.exchange.table import read_csv
from app.exchange.workbook import open_workbook
from app.exchange.xlsx_package import FileRefused
from app.services import normalize
from tests.exchange.test_workbook import MAIN, make_xlsx


def _inline(text: str) -> str:
    return (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>名前</t>'
            f'</is></c></row><row r="3"><c r="C3" t="inlineStr"><is><t>{text}</t></is></c></row>'
            '</sheetData></worksheet>')


def _rows(path):
    book = open_workbook(path)
    return list(book.rows(next(iter(book.sheets))))


@pytest.mark.parametrize("escaped, what", [
    ("山田_xD800_", "U+D800"),            # a lone surrogate
    ("山田_x202E_太郎", "U+202E"),         # right-to-left override
    ("_x2066_090-1234_x2069_", "U+2066"),  # isolate
    ("a_x0000_b", "U+0000"),               # NUL
])
def test_unsafe_escapes_are_refused_with_the_place(tmp_path, escaped, what):
    path = make_xlsx(tmp_path / "bad.xlsx", _inline(escaped))
    with pytest.raises(FileRefused) as refused:
        _rows(path)
    message = str(refused.value)
    assert what in message and "「S」3行目 C列" in message and "bad.xlsx" in message


def test_unsafe_shared_strings_are_refused_and_tab_is_kept(tmp_path):
    sheet = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="2"><c r="B2" t="s"><v>0</v></c>'
             '<c r="D2" t="s"><v>1</v></c></row></sheetData></worksheet>')
    path = make_xlsx(tmp_path / "ok.xlsx", sheet, strings="<si><t>備考\t欄</t></si><si><t>a_x000A_b</t></si>")
    assert _rows(path) == [(2, [None, "備考\t欄", None, "a\nb"])]
    path = make_xlsx(tmp_path / "bad.xlsx", sheet, strings="<si><t>ok</t></si><si><t>\u202e逆</t></si>")
    with pytest.raises(FileRefused, match="2行目 D列.*U\\+202E"):
        _rows(path)


def test_other_controls_are_kept_for_the_fields_own_check(tmp_path):
    path = make_xlsx(tmp_path / "ctl.xlsx", _inline("a_x0007_b_x0085_c"))
    assert _rows(path)[1] == (3, [None, None, "a\x07b\x85c"])


def test_two_zip_entries_with_one_name_are_refused(tmp_path):
    path = make_xlsx(tmp_path / "twice.xlsx", _inline("ふつう"))
    with zipfile.ZipFile(path, "a") as z, pytest.warns(UserWarning):
        z.writestr("xl/worksheets/sheet1.xml", _inline("すり替え"))
    with pytest.raises(FileRefused, match="同じ名前の部品"):
        open_workbook(path)


def test_csv_controls_refused_and_tab_separated_kept(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("氏名,電話\n山田\u202e,090\n", encoding="utf-8")
    with pytest.raises(UserError, match="2行目 1列目.*U\\+202E"):
        read_csv(path)
    path.write_bytes(b"\xff\xfe" + "氏名".encode("utf-16-le") + b"\x00\xd8")  # half a pair
    with pytest.raises(UserError, match="読めない"):
        read_csv(path)


TEXT = st.text(st.characters(codec=None, blacklist_categories=()), max_size=30)
ESCAPES = st.lists(st.integers(0, 0xFFFF).map(lambda c: f"_x{c:04X}_"), max_size=3).map("".join)
XML_SAFE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="<&\x00"
                                 + "".join(map(chr, range(1, 32)))), max_size=20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plain=XML_SAFE, escapes=ESCAPES)
def test_any_workbook_cell_is_a_value_or_a_user_error(tmp_path, plain, escapes):
    path = make_xlsx(tmp_path / "any.xlsx", _inline(plain + escapes))
    try:
        rows = _rows(path)
    except UserError:
        return
    assert all(isinstance(v, (str, type(None))) for _n, row in rows for v in row)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(TEXT, min_size=1, max_size=4))
def test_any_csv_cell_is_a_value_or_a_user_error(tmp_path, cells):
    path = tmp_path / "any.csv"
    path.write_bytes(("\ufeff" + ",".join(c.replace('"', "") for c in cells)).encode("utf-8", "surrogatepass"))
    with contextlib.suppress(UserError):
        read_csv(path)


@settings(max_examples=150, deadline=None)
@given(value=TEXT)
def test_normalize_takes_any_text(value):
    for parse in (normalize.clean_text, normalize.to_int, normalize.to_rate, normalize.to_date):
        with contextlib.suppress(UserError):
            parse(value, "欄")


@pytest.mark.slow
def test_a_full_disk_while_printing_is_one_line_and_leaves_no_part(tmp_path, demo_store, monkeypatch,
                                                                   capsys):
    import errno
    import os

    from app import cli

    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fd):
            self.fh = real_fdopen(fd, "wb")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, _data):
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(fd, mode="r", *args, **kwargs):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".part"):  # only the PDF being written
            return Full(fd)
        return real_fdopen(fd, mode, *args, **kwargs)

    if not os.path.exists("/proc/self/fd"):
        pytest.skip("needs /proc to tell the PDF's file apart")
    monkeypatch.setattr(os, "fdopen", fdopen)
    out = tmp_path / "pdf" / "flyer.pdf"
    demo_store.close()
    before = demo_store.path.read_bytes()
    assert cli.main(["--db", str(demo_store.path), "print", "flyer", "--council", "八幡",
                     "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"エラー: {out} を読み書きできません（空き容量が足りません）")
    assert len(err.strip().splitlines()) == 1
    assert list(out.parent.iterdir()) == []
    assert demo_store.path.read_bytes() == before
