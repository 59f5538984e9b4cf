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


def test_remembered_secrets_are_replaced_by_their_label(caplog: pytest.LogCaptureFixture) -> None:
    url = "https://hooks.slack.example/services/T000/B000/s3cr3tw3bh00k"
    logsafety.remember_secret(url, "SHEETSYNC_WEBHOOK_TEST")
    logsafety.remember_secret("/services/T000/B000/s3cr3tw3bh00k", "SHEETSYNC_WEBHOOK_TEST")
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', url)
    path = "/services/T000/B000/s3cr3tw3bh00k"
    logging.getLogger("httpcore").debug("send_request_headers path=%s", path)
    assert "s3cr3tw3bh00k" not in caplog.text
    assert caplog.text.count("<SHEETSYNC_WEBHOOK_TEST>") == 2
    assert len(logging.getLogger("httpx").filters) == 1
