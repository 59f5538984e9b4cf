"""The emulators' shared HTTP server: what it prints when a connection goes wrong."""

from __future__ import annotations

import pytest

from sheetsync.emulator.sheets import SheetsEmulator


def _fail_with(emu: SheetsEmulator, exc: Exception) -> None:
    try:
        raise exc
    except Exception:
        emu.server._httpd.handle_error(None, ("127.0.0.1", 1))


def test_a_client_hanging_up_prints_nothing_but_a_bug_keeps_its_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with SheetsEmulator() as emu:
        _fail_with(emu, ConnectionResetError(104, "Connection reset by peer"))
        _fail_with(emu, BrokenPipeError(32, "Broken pipe"))
        assert capsys.readouterr().err == ""
        _fail_with(emu, KeyError("a bug"))
        err = capsys.readouterr().err
        assert "Traceback (most recent call last)" in err and "KeyError: 'a bug'" in err
