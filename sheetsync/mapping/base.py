"""The common configuration of every mapping model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    # extra="forbid": a misspelt key is an error with a suggestion, never silently ignored.
    # coerce_numbers_to_str: `header: 2026` or `worksheet: 2026` mean the text "2026".
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)
