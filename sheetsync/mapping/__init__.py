"""Mappings: the YAML files that say which Pardot fields land in which sheet columns.

Pure: no HTTP client is imported here. Load with :func:`load_mappings` / :func:`load_mapping`
(offline checks), then :func:`check_fields` against the Pardot field catalogue (online checks).
Every problem names its file, line and key path, in one :class:`MappingError`.
"""

from sheetsync.mapping.conditions import Condition, value_problem
from sheetsync.mapping.cron import cron_problem
from sheetsync.mapping.errors import MappingError, Problem
from sheetsync.mapping.fields import (
    ALLOWED_SOURCES,
    NATURAL_TYPE,
    Catalogue,
    FieldTypes,
    check_fields,
    converts,
    effective_type,
    field_problems,
)
from sheetsync.mapping.links import render_link
from sheetsync.mapping.loader import (
    cross_mapping_problems,
    load_mapping,
    load_mappings,
    parse_mapping,
)
from sheetsync.mapping.models import COLUMN_TYPES, Column, ColumnType, Mapping, Source
from sheetsync.mapping.spreadsheet import spreadsheet_id
from sheetsync.mapping.values import field_value, is_empty, value_text

__all__ = [
    "ALLOWED_SOURCES",
    "COLUMN_TYPES",
    "NATURAL_TYPE",
    "Catalogue",
    "Column",
    "ColumnType",
    "Condition",
    "FieldTypes",
    "Mapping",
    "MappingError",
    "Problem",
    "Source",
    "check_fields",
    "converts",
    "cron_problem",
    "cross_mapping_problems",
    "effective_type",
    "field_problems",
    "field_value",
    "is_empty",
    "load_mapping",
    "load_mappings",
    "parse_mapping",
    "render_link",
    "spreadsheet_id",
    "value_problem",
    "value_text",
]
