from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetsync import transform
from sheetsync.sheets.model import Link, sheets_length
from sheetsync.transform import ColumnSpec, RowMaker, TransformError, convert

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


# The compiled, column-by-column RowMaker must give exactly the reference row() result.
_any_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "0123",
            "=1+1",
            "TRUE",
            "12.5",
            "a\x00b",
            "x\ud800",
            "2024-01-05",
            "2024-01-05T09:15:00-05:00",
            "2024-01-05T09:15:00Z",
            "soon",
            "1,234",
        ]
    ),
    st.lists(st.text(max_size=3), max_size=2),
)
_SPECS = [
    spec("text"),
    spec("text", values={"A": "Hot", "true": "Yes"}, default="Cold"),
    spec("integer"),
    spec("number", default=0),
    spec("boolean"),
    spec("date", tz=PARIS),
    spec("datetime", tz=PARIS),
    spec("datetime", values={"2024-01-05": "that day"}),
    spec("text", link="https://x.example/{f}?id={id}"),
]


def _reference(record: dict[str, object], column: ColumnSpec) -> object:
    try:
        return transform.cell(record, column)
    except TransformError as exc:
        return ("error", str(exc))


@given(st.lists(_any_value, min_size=1, max_size=8), st.integers(0, 10**6))
@settings(max_examples=300, deadline=None)
def test_row_maker_matches_the_reference_transform(values: list[object], record_id: int) -> None:
    for column in _SPECS:
        records = [{"f": v, "id": record_id} for v in values]
        expected = [_reference(r, column) for r in records]
        maker = RowMaker([column])
        try:
            got: list[object] = [cells[0] for cells in maker.rows(records)]
        except TransformError:
            # The batch fails as a whole; each failing value fails the reference too.
            assert any(isinstance(e, tuple) for e in expected)
            continue
        assert got == expected
        assert [type(g) for g in got] == [type(e) for e in expected]


@pytest.mark.parametrize(
    "zone", ["America/Los_Angeles", "Europe/Paris", "Australia/Lord_Howe", "UTC"]
)
def test_serials_match_the_exact_conversion_through_a_dst_year(zone: str) -> None:
    from datetime import datetime, timedelta

    from sheetsync.transform import Serials, serial

    tz = ZoneInfo(zone)
    serials = Serials(tz)
    moment = datetime(2026, 1, 1, tzinfo=ZoneInfo("America/New_York"))
    while moment.year == 2026:
        assert serials(moment) == serial(moment, tz), moment.isoformat()
        moment += timedelta(minutes=11, seconds=7, microseconds=1)
