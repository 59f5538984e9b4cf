"""gcp-storage-emulator (PyPI) started in-process on a free loopback port, in memory; the
google-cloud-storage client reaches it through ``STORAGE_EMULATOR_HOST`` with anonymous
credentials. Reads and listings only: it ignores ``ifGenerationMatch``, so nothing here may
rely on preconditions."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from gcp_storage_emulator.server import create_server
from google.cloud import storage

BUCKET = "sheetsync-mappings"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class StorageEmulator:
    host: str
    client: Any

    def put(self, name: str, text: str | bytes, bucket: str = BUCKET) -> None:
        self.client.bucket(bucket).blob(name).upload_from_string(text)


@contextmanager
def storage_emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[StorageEmulator]:
    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True, default_bucket=BUCKET)
    server.start()
    host = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", host)
    try:
        yield StorageEmulator(host, storage.Client(project=None))
    finally:
        server.stop()
