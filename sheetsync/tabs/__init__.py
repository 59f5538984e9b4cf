"""Tabs and columns for the sheet's users beside the synced data: the status table, the change
history and fill-down formula columns (each asked for in the mapping, off by default)."""

from sheetsync.tabs.side import (
    PlannedRun,
    next_run_text,
    side_requests,
    status_line,
    status_tab,
    tab_ranges,
)

__all__ = [
    "PlannedRun",
    "next_run_text",
    "side_requests",
    "status_line",
    "status_tab",
    "tab_ranges",
]
