"""Pause Python's cyclic garbage collector while a sync run works.

A full run of a large account builds millions of small containers (records, rows, cells) and
keeps most of them until it ends. The cyclic collector walks every one of them again each time
it runs an old-generation pass, though they hold no reference cycles; on 100,000 prospects that
was a fifth of a run's CPU time. Reference counting still frees everything as usual, so pausing
the collector costs no memory beyond the rare cycle, which is collected when the pause ends.

Runs may overlap in one process (the Cloud Function serves requests on threads): the collector
resumes when the last of them ends, and only if it was on before the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_active = 0
_resume = False


@contextmanager
def gc_paused() -> Iterator[None]:
    global _active, _resume
    with _lock:
        if _active == 0:
            _resume = gc.isenabled()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _resume:
                gc.enable()
