"""Emulator of Salesforce Account Engagement (Pardot) API v5 and the Salesforce token endpoint.

See :mod:`sheetsync.emulator.pardot.emulator` for the Python API and the module docstrings of
``app``, ``query``, ``exports``, ``auth``, ``errors`` and ``schema`` for the decisions taken where
the real API is undocumented.
"""

from .auth import Credentials
from .config import DEFAULT_BUSINESS_UNIT_ID, PardotEmulatorConfig
from .emulator import PardotEmulator, PardotServer
from .store import Store

__all__ = [
    "DEFAULT_BUSINESS_UNIT_ID",
    "Credentials",
    "PardotEmulator",
    "PardotEmulatorConfig",
    "PardotServer",
    "Store",
]
