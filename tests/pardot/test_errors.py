from __future__ import annotations

import pytest

from sheetsync.pardot.errors import (
    ConfigurationError,
    DailyLimitReached,
    FieldError,
    NotFound,
    PageTokenError,
    PardotError,
    TransientError,
    classify,
)


@pytest.mark.parametrize("status", [400, 401, 429, 500])
@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (66, TransientError),
        (183, TransientError),
        (214, TransientError),
        (122, DailyLimitReached),
        (181, ConfigurationError),
        (182, ConfigurationError),
        (201, ConfigurationError),
        (49, ConfigurationError),
        (13, FieldError),
        (51, FieldError),
        (224, FieldError),
        (109, NotFound),
        (210, PageTokenError),
        (211, PageTokenError),
    ],
)
def test_the_code_decides_not_the_status(code: int, kind: type[PardotError], status: int) -> None:
    error = classify(status, code, "message")
    assert type(error) is kind
    assert error.code == code


def test_without_a_code_the_status_decides() -> None:
    assert isinstance(classify(503, None, "<html>"), TransientError)
    assert isinstance(classify(429, None, "slow down"), TransientError)
    assert isinstance(classify(404, None, "nope"), NotFound)
    assert type(classify(400, None, "bad")) is PardotError


def test_wrong_business_unit_message_suggests_host_check() -> None:
    error = classify(400, 201, "Business Unit specified ... not found or inactive.")
    assert "wrong business unit id, or production vs demo host?" in str(error)


def test_unknown_field_error_names_the_field() -> None:
    error = classify(
        400, 51, "Invalid parameter: fields. It contains an invalid or unknown field: emial."
    )
    assert isinstance(error, FieldError)
    assert error.field == "emial"
