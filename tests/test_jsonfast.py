from __future__ import annotations

from sheetsync import jsonfast


def test_reads_what_orjson_reads_and_lone_surrogates_too() -> None:
    assert jsonfast.loads(b'{"a": [1, 2.5, "\\u00e9\\ud83d\\ude80", null, true]}') == {
        "a": [1, 2.5, "é🚀", None, True]
    }
    assert jsonfast.loads(b'["x\\ud83dy"]') == ["x\ud83dy"]  # half a pair: kept for the transform
