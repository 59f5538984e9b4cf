"""The one error type of the mapping package: every problem found in one or more files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a mapping file: where (file, line, key path) and what."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class MappingError(Exception):
    """One or more problems in mapping files; ``str()`` lists them one per line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        # Sorted by file then line so a long list reads top to bottom; order of discovery
        # is kept among problems on one line.
        self.problems: list[Problem] = sorted(
            problems, key=lambda p: (p.file, p.line if p.line is not None else 0)
        )
        if not self.problems:
            raise ValueError("MappingError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))


def not_utf8(file: str, data: bytes, exc: UnicodeDecodeError) -> Problem:
    """The problem of a file that is not UTF-8: the line and column of the first bad byte,
    and how to fix it (editors on Windows often save as "ANSI" or Latin-1)."""
    before = data[: exc.start]
    line = before.count(b"\n") + 1
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    return Problem(
        file,
        line,
        "",
        f"is not UTF-8 text (byte 0x{data[exc.start]:02x} in column {column} is not UTF-8, "
        "perhaps an accented letter saved as Latin-1 or Windows-1252); save the file with "
        "the UTF-8 encoding",
    )
