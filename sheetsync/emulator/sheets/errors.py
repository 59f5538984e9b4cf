"""Google's error answers: ``{"error": {"code", "message", "status"[, "details"]}}``.

Messages are Google's own wording where a recording or a public report shows it; the few the
emulator had to invent are marked UNCONFIRMED where they are raised.
"""

from __future__ import annotations

import json
from typing import Any

STATUS_NAMES: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

DEFAULT_MESSAGES: dict[int, str] = {
    400: "Request contains an invalid argument.",
    401: (
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
        "cookie or other valid authentication credential."
    ),
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    409: "The operation was aborted.",
    500: "Internal error encountered.",
    501: "Method not implemented.",
    502: "The service is currently unavailable.",
    503: "The service is currently unavailable.",
    504: "The service is currently unavailable.",
}

NOT_FOUND_MESSAGE = DEFAULT_MESSAGES[404]
PERMISSION_MESSAGE = DEFAULT_MESSAGES[403]
CELL_TEXT_LIMIT = 50_000
CELL_TEXT_MESSAGE = (
    f"Your input contains more than the maximum of {CELL_TEXT_LIMIT} characters in a single cell."
)


class ApiError(Exception):
    """An error answer of the Sheets API. Raising it anywhere aborts the request unchanged."""

    def __init__(
        self,
        code: int,
        message: str | None = None,
        *,
        status: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        self.code = code
        self.message = message if message is not None else DEFAULT_MESSAGES.get(code, "Error")
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.details = details
        super().__init__(f"[{code}] {self.message}")

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}

    def prefixed(self, prefix: str) -> ApiError:
        """The same error inside a batch: ``Invalid requests[0].addSheet: <message>``."""
        return ApiError(
            self.code, f"{prefix}: {self.message}", status=self.status, details=self.details
        )


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found() -> ApiError:
    return ApiError(404, NOT_FOUND_MESSAGE)


def permission_denied() -> ApiError:
    return ApiError(403, PERMISSION_MESSAGE)


def unable_to_parse_range(text: str) -> ApiError:
    return ApiError(400, f"Unable to parse range: {text}")


def invalid_value(field: str, type_name: str, value: Any) -> ApiError:
    """Google's answer to a JSON value of the wrong type, with the field-violation details."""
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f'"{value}"'
    message = f"Invalid value at '{field}' ({type_name}), {shown}"
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": field, "description": message}],
        }
    ]
    return ApiError(400, message, details=details)


def invalid_enum(field: str, enum_name: str, value: str) -> ApiError:
    return invalid_value(field, f"type.googleapis.com/google.apps.sheets.v4.{enum_name}", value)


def quota_exceeded(kind: str, limit: int, project_number: str) -> ApiError:
    """429 for a per-minute per-user quota; ``kind`` is ``read`` or ``write``."""
    title = kind.capitalize()
    quota_limit = f"{title}RequestsPerMinutePerUser"
    message = (
        f"Quota exceeded for quota metric '{title} requests' and limit '{title} requests per "
        f"minute per user' of service 'sheets.googleapis.com' for consumer "
        f"'project_number:{project_number}'."
    )
    details: list[dict[str, Any]] = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "consumer": f"projects/{project_number}",
                "quota_limit": quota_limit,
                "quota_limit_value": str(limit),
                "quota_location": "global",
                "quota_metric": f"sheets.googleapis.com/{kind}_requests",
                "service": "sheets.googleapis.com",
            },
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [
                {
                    "description": "Request a higher quota limit.",
                    "url": "https://cloud.google.com/docs/quotas/help/request_increase",
                }
            ],
        },
    ]
    return ApiError(429, message, details=details)
