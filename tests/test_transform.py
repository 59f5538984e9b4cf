from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from sheetsync import transform
from sheetsync.sheets.model import Link, sheets_length
from sheetsync.transform import ColumnSpec, TransformError, convert

PARIS = ZoneInfo("Europe/Paris")


def spec(kind: str = "text", **kwargs: object) -> ColumnSpec:
    return ColumnSpec(header="H", field="f", type=kind, tz=kwargs.pop("tz", UTC), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        "0312345678",
        "01234",
        "+81 3-1234-5678",
        '=HYPERLINK("http://x.example","y")',
        "-VP-",
        "@home",
        "123456789012345678",
        "Zoë 🚀",
        "TRUE",
    ],
)
def test_text_stays_exactly_text(value: str) -> None:
    assert convert(value, spec()) == value


def test_empty_values_are_empty_cells_and_take_the_default() -> None:
    assert convert(None, spec()) is None
    assert convert("", spec()) is None
    assert convert(None, spec(default="Cold")) == "Cold"
    assert convert([], spec("text", default="-")) == "-"


def test_numbers() -> None:
    assert convert(42, spec("integer")) == 42
    assert convert("12.50", spec("number")) == 12.5
    assert convert(3.0, spec("number")) == 3 and isinstance(convert(3.0, spec("number")), int)
    assert convert("1,234", spec("integer")) == 1234
    # Beyond 2**53 a Sheets number would round: every digit is kept as text.
    assert convert(123456789012345678, spec("integer")) == "123456789012345678"
    with pytest.raises(TransformError, match="column 'H': 'abc' is not a number"):
        convert("abc", spec("number"))
    with pytest.raises(TransformError, match="boolean, not a number"):
        convert(True, spec("number"))


def test_booleans() -> None:
    assert convert(True, spec("boolean")) is True
    assert convert("false", spec("boolean")) is False
    assert convert(True, spec("text")) == "TRUE"


def test_datetimes_become_serials_in_the_column_time_zone() -> None:
    # 2024-01-05T09:15:00-05:00 is 15:15 in Paris; 45296 is 2024-01-05.
    value = convert("2024-01-05T09:15:00-05:00", spec("datetime", tz=PARIS))
    assert value == pytest.approx(45296 + (15 * 60 + 15) / 1440, abs=1e-9)
    assert convert("2024-01-05T23:30:00-05:00", spec("date", tz=PARIS)) == 45297  # next day there
    assert convert("2024-01-05", spec("date")) == 45296
    assert convert(None, spec("datetime")) is None
    with pytest.raises(TransformError, match="not a date"):
        convert("soon", spec("date"))


def test_value_map_and_default() -> None:
    grades = spec(values={"A+": "Hot", "A": "Hot", "B": "Warm"}, default="Cold")
    assert convert("A+", grades) == "Hot"
    assert convert("C", grades) == "C"
    assert convert(None, grades) == "Cold"
    assert convert(True, spec(values={"true": "Yes"})) == "Yes"
    # Keys match on the value's text (whole floats without .0); replacements keep their YAML
    # type, even in a typed column, while unmapped values are converted.
    sizes = spec("integer", values={"1500": "Large", "0": 0}, default="unknown")
    assert convert(1500.0, sizes) == "Large"
    assert convert(0, sizes) == 0
    assert convert("42", sizes) == 42
    assert convert(None, sizes) == "unknown"


def test_long_text_is_cut_with_a_marker_within_the_limit() -> None:
    text = "x" * 59_999 + "🚀"
    out = convert(text, spec())
    assert isinstance(out, str)
    assert sheets_length(out) <= 50_000
    assert out.endswith("[truncated by sheetsync: 60001 characters]")
    emoji = "🚀" * 30_000  # 60,000 UTF-16 units: the cut never splits a pair
    cut = convert(emoji, spec())
    assert isinstance(cut, str) and sheets_length(cut) <= 50_000
    assert cut.split(" …[")[0] == "🚀" * len(cut.split(" …[")[0])


def test_control_characters_and_lone_surrogates() -> None:
    assert convert("a\x00b\x07c\td\ne", spec()) == "abc\td\ne"
    assert convert("x\ud800y", spec()) == "x\ufffdy"


def test_link_cells() -> None:
    column = spec(link="https://pi.pardot.com/prospect/read?id={id}&e={email}")
    cell = transform.cell({"f": "Ann", "id": 7, "email": "a+b@x.com"}, column)
    assert cell == Link("Ann", "https://pi.pardot.com/prospect/read?id=7&e=a%2Bb%40x.com")
    assert transform.cell({"f": None, "id": 7}, column) is None
