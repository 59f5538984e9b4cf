from __future__ import annotations

import logging

import pytest

from sheetsync import logsafety


def test_query_strings_are_dropped_from_library_logs(caplog: pytest.LogCaptureFixture) -> None:
    logsafety.install()
    logsafety.install()  # idempotent
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").info(
        'HTTP Request: %s %s "%s"',
        "GET",
        "http://127.0.0.1:9/api/v5/objects/prospects?fields=id&nextPageToken=SECRETPAGE",
        "HTTP/1.1 200 OK",
    )
    logging.getLogger("urllib3.connectionpool").debug(
        '%s://%s:%s "%s %s %s" %s', "https", "h", 443, "GET", "/v4/x?key=abc", "HTTP/1.1", 200
    )
    assert "SECRETPAGE" not in caplog.text and "key=abc" not in caplog.text
    assert "/api/v5/objects/prospects?…" in caplog.text
    assert len(logging.getLogger("httpx").filters) == 1


def test_text_without_urls_is_unchanged() -> None:
    assert logsafety.strip_query_strings("is this? yes") == "is this? yes"
