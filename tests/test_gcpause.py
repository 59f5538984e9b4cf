"""The cyclic collector is off while runs work and back on (only if it was on) when the last
overlapping run ends, whether it returned or raised."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from sheetsync.gcpause import gc_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_resumed_after_an_error() -> None:
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("the run failed")
    assert gc.isenabled()


def test_overlapping_runs_resume_when_the_last_one_ends() -> None:
    first_in, second_done, states = threading.Event(), threading.Event(), []

    def first() -> None:
        with gc_paused():
            first_in.set()
            second_done.wait(10)
            states.append(("first, after second ended", gc.isenabled()))
        states.append(("after both", gc.isenabled()))

    worker = threading.Thread(target=first)
    worker.start()
    first_in.wait(10)
    with gc_paused():
        states.append(("second", gc.isenabled()))
    second_done.set()
    worker.join(10)
    assert states == [
        ("second", False),
        ("first, after second ended", False),
        ("after both", True),
    ]


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()
