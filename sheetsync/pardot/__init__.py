"""Pardot (Account Engagement) API v5 client: auth flows, query paging, export jobs, errors."""

from sheetsync.pardot.catalogue import CustomFieldDef, FieldCatalogue, FieldInfo, build_catalogue
from sheetsync.pardot.client import CallStats, PardotClient, build_pardot_client
from sheetsync.pardot.errors import (
    CallCapReached,
    ConfigurationError,
    DailyLimitReached,
    FieldError,
    NotFound,
    PardotError,
    StopRun,
    TransientError,
)

__all__ = [
    "CallCapReached",
    "CallStats",
    "ConfigurationError",
    "CustomFieldDef",
    "DailyLimitReached",
    "FieldCatalogue",
    "FieldError",
    "FieldInfo",
    "NotFound",
    "PardotClient",
    "PardotError",
    "StopRun",
    "TransientError",
    "build_catalogue",
    "build_pardot_client",
]
