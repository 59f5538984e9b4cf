"""`make demo` shows an alert delivered to its local receiver (and checks it)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from sheetsync.demo import run_demo

REPO = Path(__file__).resolve().parents[2]


def test_the_demo_delivers_its_alert(clean_env: Path) -> None:
    console = Console(record=True, width=250)
    assert run_demo(console, prospects=800, mappings_dir=str(REPO / "mappings"))
    out = console.export_text()
    assert "The local Slack webhook receiver got 1 message(s):" in out
    assert "Score reached 100: 1 prospect in Hot prospects" in out
    assert "/prospect/read?id=" in out and "score " in out and "→ 120" in out
