"""What every service shares: field specs that validate raw input, DTO conversion, lookups.

Input arrives as a mapping of field name -> raw value (from a form, a pasted cell, a sheet);
a spec turns it into typed values or raises ValidationError naming the field in Japanese.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

from app.errors import NotFoundError, ValidationError
from app.services import normalize as norm

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T")
D = TypeVar("D", bound="DataclassInstance")  # a DTO
Parser = Callable[[object, str], Any]


@dataclasses.dataclass(frozen=True)
class Field:
    """One field, declared once: the service validates with it, and the exchange sheet's column,
    the header words of lists made elsewhere and the window's input are all built from it
    (exchange/sheets.py, exchange/table.py, the area's page), so a label, a parser or a width
    cannot drift apart between them."""

    name: str
    label: str
    parse: Parser
    required: bool = False
    default: Any = None
    _: dataclasses.KW_ONLY
    header: str = ""                # the sheet's and other lists' header, when it differs from label
    width: float = 12               # the sheet column's width
    privacy: str | None = None      # "person": left out when anonymising; "contact": also unless shared
    synonyms: tuple[str, ...] = ()  # header words that mean this field in lists made elsewhere
    kind: str = "text"              # the form's input: text | long | date | bool | choice | multi
    choices: tuple[str, ...] = ()   # a choice's fixed options (the page adds the ones read from the data)
    tip: str = ""                   # the form input's tooltip
    # A reference given by a name people read (町内会 by name, not its ID) is called `column`
    # on the sheet, in other lists and in the form, and its cells are read by `cell`. `cell` also
    # serves where a sheet cell reads differently from a typed value (a blank 状況 is the usual one).
    column: str = ""
    cell: Parser | None = None

    @property
    def heading(self) -> str:
        """The header a sheet or a list made elsewhere shows."""
        return self.header or self.label

    @property
    def key(self) -> str:
        """The name outside the service: the sheet column's key, the list's and the form's field."""
        return self.column or self.name

    @property
    def read_cell(self) -> Parser:
        return self.cell or self.parse


IN_CHUNK = 500  # ids per IN (...): well under SQLite's limit on bound parameters


def chunks(items: Iterable, size: int = IN_CHUNK) -> Iterable[list]:
    """Ids in slices for `IN (...)` queries (snapshots, the exchange)."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def text(max_len: int = 200) -> Parser:
    return lambda value, label: norm.clean_text(value, label, max_len=max_len)


def long_text(value: object, label: str) -> str:
    return norm.clean_text(value, label, max_len=20_000)


def integer(value: object, label: str) -> int | None:
    return norm.to_int(value, label)


def date(value: object, label: str) -> dt.date | None:
    return norm.to_date(value, label)


def boolean(value: object, label: str) -> bool:
    return norm.to_bool(value, label)


def phone(value: object, label: str) -> str:
    return norm.to_phone(value, label)


def rate(value: object, label: str) -> float | None:
    return norm.to_rate(value, label)


def map_position(value: object, label: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(norm.nfkc(str(value)))
    except ValueError:
        raise ValidationError(label, f"「{value}」は地図上の位置として読めません（0〜1の数）") from None
    if not 0 <= number <= 1:
        raise ValidationError(label, "0〜1の数で入力してください（地図の枠の中）")
    return number


def check_pin(x: object, y: object) -> None:
    """A pin on the area map is both coordinates or neither (resources and 町内会 alike)."""
    if (x is None or x == "") != (y is None or y == ""):
        raise ValidationError("地図の位置（横）", "横と縦の両方を指定してください", name="map_x")


def time(value: object, label: str) -> dt.time | None:
    return norm.to_time(value, label)


def time_of_day(value: object, label: str) -> dt.time | None:
    """A time as a sheet cell holds it: a datetime, Excel's fraction of a day, or text."""
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return dt.time(minutes // 60, minutes % 60)
    return norm.to_time(value, label)


def required_date(value: object, label: str) -> dt.date:
    """A date that must be there (a sheet cell of a required date column)."""
    return norm.to_date(value, label, required=True)


def choice(options: Iterable[str]) -> Parser:
    allowed = tuple(options)

    def parse(value: object, label: str) -> str:
        text_value = norm.nfkc(str(value or ""))
        for option in allowed:
            if norm.nfkc(option) == text_value:
                return option
        raise ValidationError(label, f"「{value}」は選べません（{'・'.join(allowed)} のどれか）")

    return parse


def choice_or(options: Iterable[str], default: str) -> Parser:
    """A choice where a blank cell (a row added in Excel) means the usual value."""
    parse_choice = choice(options)

    def parse(value: object, label: str) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        return parse_choice(value, label)
    return parse


def name_list(value: object, label: str) -> tuple[str, ...]:
    """Names written in one cell (、 , ・ / or one a line), sorted: the same names read the same."""
    text_value = "" if value is None else str(value)
    pieces = (norm.nfkc(p) for p in re.split(r"[、,，・/／\n]+", text_value))
    return tuple(sorted({p for p in pieces if p}))


def validate(fields: Iterable[Field], raw: Mapping[str, object], *, partial: bool = False) -> dict:
    """Typed values for the fields given; on create (partial=False) missing ones get defaults.

    Unknown names are a programming error, not a user error, so they raise KeyError.
    """
    spec = {f.name: f for f in fields}
    unknown = set(raw) - set(spec)
    if unknown:
        raise KeyError(f"unknown fields: {sorted(unknown)}")
    values: dict[str, Any] = {}
    for name, field in spec.items():
        if name not in raw:
            if partial:
                continue
            if field.required:
                raise ValidationError(field.label, "入力してください", name=name)
            values[name] = field.default() if callable(field.default) else field.default
            continue
        try:
            value = field.parse(raw[name], field.label)
        except ValidationError as exc:
            if exc.name is None:
                exc.name = name
            raise
        if field.required and value in (None, ""):
            raise ValidationError(field.label, "入力してください", name=name)
        if value is None and field.default is not None:
            value = field.default() if callable(field.default) else field.default
        values[name] = value
    return values


def parsed(values: Mapping[str, object], key: str, kind: type[T]) -> T | None:
    """A value `validate` gave, for the rules across fields: None when empty or not given."""
    value = values.get(key)
    return value if isinstance(value, kind) else None


def check_not_before(values: Mapping[str, object], earlier: Field, later: Field) -> None:
    """`later`'s date may not come before `earlier`'s (退会日 and 登録日, 回答日 and 提出日)."""
    first, then = parsed(values, earlier.name, dt.date), parsed(values, later.name, dt.date)
    if first and then and then < first:
        raise ValidationError(later.label, f"{earlier.label}より前になっています", name=later.name)


# The date a status stands for (退会日 for 退会, 解決日 for 解決, 回答日 for 回答あり/実現/見送り) follows
# the status, by one rule for the three services:
# - a record whose 状況 changes to such a status with the date left empty gets today: the day the
#   change is seen. A record made with that status already (a list read in, a past proposal
#   written down later) gets no guessed date: the year's report lists it as undated instead;
# - a record whose 状況 goes back (退会 -> 活動中, 解決 -> 対応中) loses the date it still carries;
# - a date typed beside any other status is refused, naming the date's field.

def settle_status_date(values: dict[str, Any], date: Field, closed: Iterable[str],
                       before: tuple[str, dt.date | None] | None, on: dt.date | None = None) -> None:
    """Fill in or clear `date` in `values` (an update's validated values) by the rule above;
    `before` is the stored (状況, date), None for a new record."""
    if before is None:
        return
    closed = tuple(closed)
    old_status, old_date = before
    status = values.get("status", old_status)
    value = values.get(date.name, old_date)
    if status in closed:
        if old_status not in closed and value is None:
            values[date.name] = on or today()
    elif value is not None and value == old_date:
        values[date.name] = None


def check_status_date(values: Mapping[str, object], date: Field, closed: Iterable[str]) -> None:
    """A date of `date` beside a 状況 that is not one of `closed` is refused (the rule above)."""
    closed = tuple(closed)
    status = values.get("status")
    if parsed(values, date.name, dt.date) and status is not None and status not in closed:
        names = "".join(f"「{c}」" for c in closed)
        raise ValidationError(date.label, f"{date.label}は、状況が{names}のときに入れます。"
                                          f"状況を変えるか、{date.label}を空けてください", name=date.name)


def to_dto(cls: type[D], obj: object, **extra: Any) -> D:
    """Build a frozen dataclass from an ORM row: same-named attributes, plus `extra`."""
    kwargs = {f.name: extra[f.name] if f.name in extra else getattr(obj, f.name)
              for f in dataclasses.fields(cls)}
    return cls(**kwargs)


def get_or_fail(session: Session, model: type[T], row_id: str, what: str) -> T:
    row = session.get(model, row_id)
    if row is None:
        raise not_found(what, row_id)
    return row


def not_found(what: str, row_id: str) -> NotFoundError:
    return NotFoundError(f"{what}（ID {row_id}）が見つかりません。ほかの操作で削除された可能性があります。")


def today() -> dt.date:
    return dt.date.today()
