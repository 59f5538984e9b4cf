"""Fidelity check: replay real recorded Google traffic against the emulator and compare.

Each vcrpy cassette in the directory is replayed in order against a freshly reset emulator.
Spreadsheet ids (from Drive ``files.create`` replies) and sheet ids (from ``addSheet`` replies)
are mapped from the recording to the emulator's. A recording that reads a spreadsheet it never
created and got 403 refers to somebody else's private spreadsheet: the harness creates one in the
emulator and marks it not shared. Responses are compared on status, keys, values and JSON types
(int vs float, bool vs number); ids, URLs and Drive timestamps are compared on type only.

The emulator never reads these files: only this harness does.

Usage: ``python -m sheetsync.emulator.sheets.fidelity [DIR]``
"""

from __future__ import annotations

import http.client
import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .app import route
from .batch import request_kinds
from .emulator import SheetsEmulator

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DIR = REPO_ROOT / ".." / "shared" / "fixtures" / "sheets-recorded"

# Compared on JSON type only: generated per run.
TYPE_ONLY_KEYS = frozenset(
    {
        "spreadsheetId",
        "id",
        "sheetId",
        "spreadsheetUrl",
        "createdTime",
        "modifiedTime",
        "protectedRangeId",
        "metadataId",
    }
)
# Request kinds the product never uses and the emulator may skip (none so far).
SKIPPED_KINDS: dict[str, str] = {}

SHEETS_ORIGIN = "https://sheets.googleapis.com"
DRIVE_ORIGIN = "https://www.googleapis.com"


@dataclass
class Difference:
    index: int
    method: str
    uri: str
    kind: str
    details: list[str]


@dataclass
class FileResult:
    name: str
    interactions: int = 0
    compared: int = 0
    matched: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    mismatched_kinds: Counter[str] = field(default_factory=Counter)
    differences: list[Difference] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.matched / self.compared if self.compared else 1.0


@dataclass
class FidelityReport:
    directory: str
    files: list[FileResult] = field(default_factory=list)

    @property
    def compared(self) -> int:
        return sum(f.compared for f in self.files)

    @property
    def matched(self) -> int:
        return sum(f.matched for f in self.files)

    @property
    def rate(self) -> float:
        return self.matched / self.compared if self.compared else 1.0

    @property
    def skipped(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for f in self.files:
            total.update(f.skipped)
        return total

    @property
    def kinds(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for f in self.files:
            total.update(f.kinds)
        return total

    @property
    def mismatched_kinds(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for f in self.files:
            total.update(f.mismatched_kinds)
        return total

    def differences(self) -> Iterator[tuple[str, Difference]]:
        for f in self.files:
            for diff in f.differences:
                yield f.name, diff


# -- replay --------------------------------------------------------------------------------------


def _body_text(body: Any) -> str | None:
    if isinstance(body, dict):
        body = body.get("string")
    if body is None or body == "":
        return None
    return body if isinstance(body, str) else body.decode()


def _json_or_text(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def interaction_kind(method: str, path: str, body: Any) -> str:
    """A label like ``values.get`` or ``spreadsheets.batchUpdate[addSheet]``."""
    kind = route(method, path).kind
    if kind == "spreadsheets.batchUpdate":
        return f"{kind}[{','.join(request_kinds(body)) or '-'}]"
    return kind


class _Replayer:
    def __init__(self, emulator: SheetsEmulator) -> None:
        self.emulator = emulator
        split = urlsplit(emulator.url)
        self.host, self.port = split.hostname or "127.0.0.1", split.port or 80
        self.spreadsheets: dict[str, str] = {}
        self.sheets: dict[int, int] = {}

    def map_text(self, text: str) -> str:
        for recorded, actual in self.spreadsheets.items():
            text = text.replace(recorded, actual)
        return text

    def map_body(self, body: Any) -> Any:
        if isinstance(body, dict):
            return {
                k: (
                    self.sheets.get(v, v)
                    if k == "sheetId" and isinstance(v, int)
                    else self.map_body(v)
                )
                for k, v in body.items()
            }
        if isinstance(body, list):
            return [self.map_body(v) for v in body]
        if isinstance(body, str):
            return self.map_text(body)
        return body

    def ensure_foreign(self, path: str, recorded_status: int) -> None:
        """A spreadsheet the recording never created: private (403) ones are made to exist."""
        target = route("GET", path)
        sid = target.spreadsheet_id
        if not sid or sid in self.spreadsheets or recorded_status != 403:
            return
        actual = self.emulator.create_spreadsheet("Someone else's spreadsheet")
        self.emulator.set_shared(actual, False)
        self.spreadsheets[sid] = actual

    def send(self, method: str, path: str, body: str | None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            connection.request(method, path, body.encode() if body is not None else None, headers)
            response = connection.getresponse()
            return response.status, response.read().decode()
        finally:
            connection.close()

    def learn(self, kind: str, recorded: Any, actual: Any) -> None:
        created = kind == "drive.files.create"
        if created and isinstance(recorded, dict) and isinstance(actual, dict) and "id" in actual:
            self.spreadsheets[str(recorded.get("id"))] = str(actual["id"])
        if kind.startswith("spreadsheets.batchUpdate") and isinstance(recorded, dict):
            for rec_reply, act_reply in zip(
                recorded.get("replies") or [], (actual or {}).get("replies") or [], strict=False
            ):
                rec_id = ((rec_reply.get("addSheet") or {}).get("properties") or {}).get("sheetId")
                act_id = ((act_reply.get("addSheet") or {}).get("properties") or {}).get("sheetId")
                if isinstance(rec_id, int) and isinstance(act_id, int):
                    self.sheets[rec_id] = act_id


def compare(recorded: Any, actual: Any, path: str = "$") -> list[str]:
    """Differences between two JSON values (keys, values and JSON types)."""
    if type(recorded) is not type(actual):
        shown = f"recorded {_short(recorded)} ({_jtype(recorded)})"
        return [f"{path}: {shown}, emulator {_short(actual)} ({_jtype(actual)})"]
    if isinstance(recorded, dict):
        out: list[str] = []
        for key in sorted(set(recorded) | set(actual)):
            sub = f"{path}.{key}"
            if key not in actual:
                out.append(f"{sub}: missing in emulator (recorded {_short(recorded[key])})")
            elif key not in recorded:
                out.append(f"{sub}: not in recording (emulator {_short(actual[key])})")
            elif key in TYPE_ONLY_KEYS:
                if type(recorded[key]) is not type(actual[key]):
                    out.append(f"{sub}: type {_jtype(recorded[key])} vs {_jtype(actual[key])}")
            else:
                out.extend(compare(recorded[key], actual[key], sub))
        return out
    if isinstance(recorded, list):
        if len(recorded) != len(actual):
            counts = f"{len(recorded)} items recorded, {len(actual)} from emulator"
            return [f"{path}: {counts}: {_short(actual)}"]
        out = []
        for i, (a, b) in enumerate(zip(recorded, actual, strict=True)):
            out.extend(compare(a, b, f"{path}[{i}]"))
        return out
    if recorded != actual:
        return [f"{path}: recorded {_short(recorded)}, emulator {_short(actual)}"]
    return []


def _jtype(value: Any) -> str:
    return {
        bool: "bool",
        int: "int",
        float: "float",
        str: "string",
        list: "array",
        dict: "object",
    }.get(type(value), "null")


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def replay_file(emulator: SheetsEmulator, path: Path) -> FileResult:
    emulator.server.reset()
    cassette = json.loads(path.read_text(encoding="utf-8"))
    result = FileResult(name=path.stem)
    replayer = _Replayer(emulator)
    for index, interaction in enumerate(cassette.get("interactions", [])):
        result.interactions += 1
        request, response = interaction["request"], interaction["response"]
        method = str(request["method"]).upper()
        uri = str(request["uri"])
        split = urlsplit(uri)
        path_qs = split.path + (f"?{split.query}" if split.query else "")
        body_text = _body_text(request.get("body"))
        body_json = _json_or_text(body_text)
        kind = interaction_kind(method, split.path, body_json)
        if any(skip in kind for skip in SKIPPED_KINDS):
            result.skipped[kind] += 1
            continue
        recorded_status = int(response["status"]["code"])
        replayer.ensure_foreign(split.path, recorded_status)
        mapped_path = replayer.map_text(path_qs)
        sent = (
            json.dumps(replayer.map_body(body_json))
            if isinstance(body_json, dict | list)
            else body_text
        )
        status, text = replayer.send(method, mapped_path, sent)
        recorded_body = _json_or_text(_body_text(response.get("body")))
        actual_body = _json_or_text(text)
        replayer.learn(kind, recorded_body, actual_body)
        label = kind if recorded_status < 400 else f"error {recorded_status}"
        result.compared += 1
        result.kinds[label] += 1
        details = []
        if status != recorded_status:
            details.append(f"status: recorded {recorded_status}, emulator {status}")
        details.extend(compare(recorded_body, actual_body))
        if details:
            result.mismatched_kinds[label] += 1
            result.differences.append(Difference(index, method, uri, kind, details))
        else:
            result.matched += 1
    return result


def run_fidelity(directory: str | Path | None = None) -> FidelityReport:
    """Replay every ``*.json`` cassette in ``directory`` (default: the shared recordings)."""
    folder = Path(directory) if directory is not None else DEFAULT_DIR
    folder = folder.resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"no recordings directory at {folder}")
    report = FidelityReport(directory=str(folder))
    with SheetsEmulator(seed=1) as emulator:
        for path in sorted(folder.glob("*.json")):
            report.files.append(replay_file(emulator, path))
    return report


def format_report(report: FidelityReport, *, max_details: int = 6) -> str:
    lines = [f"Sheets emulator fidelity against {report.directory}", ""]
    width = max((len(f.name) for f in report.files), default=10)
    for f in report.files:
        skipped = f"  skipped {sum(f.skipped.values())}" if f.skipped else ""
        lines.append(f"  {f.name:<{width}}  {f.matched:>3}/{f.compared:<3} {f.rate:7.1%}{skipped}")
    lines.append("")
    lines.append(
        f"Total: {report.matched}/{report.compared} interactions match ({report.rate:.1%}) "
        f"in {len(report.files)} files."
    )
    kinds = report.kinds
    bad = report.mismatched_kinds
    lines.append("By kind (matched/compared):")
    for kind in sorted(kinds):
        lines.append(f"  {kind:<60} {kinds[kind] - bad[kind]:>4}/{kinds[kind]}")
    skipped_kinds = report.skipped
    if skipped_kinds:
        lines.append("Skipped (request kinds the product never uses):")
        for kind, count in sorted(skipped_kinds.items()):
            reason = next((r for k, r in SKIPPED_KINDS.items() if k in kind), "")
            lines.append(f"  {kind}: {count}  {reason}")
    else:
        lines.append("Skipped: none.")
    diffs = list(report.differences())
    if diffs:
        lines.append("")
        lines.append("Differences:")
        for name, diff in diffs:
            lines.append(f"- {name} #{diff.index} {diff.method} {diff.uri} [{diff.kind}]")
            for detail in diff.details[:max_details]:
                lines.append(f"    {detail}")
            if len(diff.details) > max_details:
                lines.append(f"    ... {len(diff.details) - max_details} more")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    report = run_fidelity(args[0] if args else None)
    print(format_report(report))
    return 0 if report.matched == report.compared else 1


if __name__ == "__main__":
    raise SystemExit(main())
