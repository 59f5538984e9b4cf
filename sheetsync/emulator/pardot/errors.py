"""Pardot's error envelope ``{"code": int, "message": str}`` and the HTTP status of each code.

Messages are the registry texts (Account Engagement error-code page); where a real response was
recorded (13, 51, 109, 154, 181, 184) the recorded wording is used, detail after a colon.

Statuses are partly unconfirmed (spec §11.1); the emulator's choices:
400 for request problems, 401 for 49/184, 404 for 109/192/198, 405 for 60, 429 for 66/122/202,
500 for 183 and 504 for 214 (a timed-out query). Any other code answers 400.
"""

from __future__ import annotations

from ..httpbase import Response

MESSAGES: dict[int, str] = {
    7: "Invalid timestamp",
    13: "One or more required parameters are missing",
    16: "Invalid ID",
    49: "Access Denied",
    51: "Invalid parameter",
    52: "Invalid parameter range",
    58: "That prospect is already a member of that list. Update the membership instead.",
    60: "Invalid HTTP request method",
    66: "You have exceeded your concurrent request limit. Please wait, before trying again",
    109: "The requested record was not found.",
    122: "Daily API rate limit met",
    150: "Input needs to be valid JSON",
    151: "Unsupported content-type",
    152: "Request body can't be empty",
    153: "Missing required property in request",
    154: "Invalid property in request",
    174: "Unknown procedure name.",
    175: "Unknown procedure argument.",
    176: "Missing required argument.",
    177: "Invalid procedure argument.",
    178: "The current state of the export does not allow the operation",
    181: "A required header is missing",
    182: "Invalid header value",
    183: "An internal error occurred, please try your request again",
    184: "access_token is invalid, unknown, or malformed",
    192: "Object specified does not exist",
    198: "Endpoint not found",
    201: "Business Unit specified in Pardot-Business-Unit-Id header not found or inactive.",
    202: "Minute rate limit met",
    205: "Action name is either missing or incorrect",
    209: (
        "Too many fields have filters: The max number of 3 distinct fields with filters was "
        "exceeded for this query."
    ),
    210: "Page token has expired.",
    211: "Page token is invalid.",
    214: "API request timed out.",
    219: "Deleted records can't be updated. Please undelete before updating.",
    224: "Invalid fields for request type",
}

STATUSES: dict[int, int] = {
    49: 401,
    184: 401,
    109: 404,
    192: 404,
    198: 404,
    60: 405,
    66: 429,
    122: 429,
    202: 429,
    183: 500,
    214: 504,
}


def status_for(code: int) -> int:
    return STATUSES.get(code, 400)


def message_for(code: int, detail: str | None = None) -> str:
    base = MESSAGES.get(code, "Error")
    return f"{base}: {detail}" if detail else base


class PardotError(Exception):
    """Raised anywhere in request handling; becomes the JSON error envelope."""

    def __init__(
        self,
        code: int,
        detail: str | None = None,
        *,
        message: str | None = None,
        status: int | None = None,
    ) -> None:
        self.code = code
        self.message = message if message is not None else message_for(code, detail)
        self.status = status if status is not None else status_for(code)
        super().__init__(f"{code}: {self.message}")

    def response(self, headers: dict[str, str] | None = None) -> Response:
        return error_response(self.code, self.message, self.status, headers)


def error_response(
    code: int,
    message: str | None = None,
    status: int | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = {"code": code, "message": message if message is not None else message_for(code)}
    return Response.json(status if status is not None else status_for(code), body, headers)


def html_error(status: int) -> Response:
    """What a load balancer in front of the API answers: HTML, not the JSON envelope."""
    reason = {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(status, "Error")
    page = (
        f"<html><head><title>{status} {reason}</title></head>"
        f"<body><center><h1>{status} {reason}</h1></center></body></html>\n"
    )
    return Response(status, page.encode(), {"Content-Type": "text/html; charset=utf-8"})
