from __future__ import annotations

from sheetsync import jsonfast


def test_reads_what_orjson_reads_and_lone_surrogates_too() -> None:
    assert jsonfast.loads(b'{"a": [1, 2.5, "\\u00e9\\ud83d\\ude80", null, true]}') == {
        "a": [1, 2.5, "é🚀", None, True]
    }
    assert jsonfast.loads(b'["x\\ud83dy"]') == ["x\ud83dy"]  # half a pair: kept for the transform


def test_numbers_no_double_holds_are_not_rounded() -> None:
    # Integers past 64 bits keep every digit; a number beyond a double's range stays its text.
    assert jsonfast.loads(b'{"n": 123456789012345678901234567890}') == {
        "n": 123456789012345678901234567890
    }
    assert jsonfast.loads(b"[-123456789012345678901, 2]") == [-123456789012345678901, 2]
    assert jsonfast.loads(b'{"score": 1e400, "x": 1.5}') == {"score": "1e400", "x": 1.5}
    assert jsonfast.loads(b'{"id": 12345678901234567}') == {"id": 12345678901234567}
