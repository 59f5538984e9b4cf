"""The function reading its mappings from Cloud Storage (gcp-storage-emulator): a marketing-ops
change to the object takes effect on the next call, with no redeploy."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..engine.conftest import BASIC, make_world
from ..engine.support import by_id, live_ids
from .conftest import function_client
from .gcs import BUCKET, storage_emulator


def test_a_call_syncs_the_mappings_of_a_gs_prefix(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clean_env: Path,
    isolated_framework: None,
) -> None:
    for world in make_world(tmp_path, monkeypatch):
        with storage_emulator(monkeypatch) as gcs:
            gcs.put("sheetsync/test.yaml", BASIC)
            monkeypatch.setenv("SHEETSYNC_MAPPINGS", f"gs://{BUCKET}/sheetsync")
            client = function_client()

            health = client.get("/").get_json()
            assert health["mappings_location"] == f"gs://{BUCKET}/sheetsync"
            assert health["mappings"] == ["test"]
            first = client.post("/", json={"mapping": "test"})
            assert first.status_code == 200, first.text
            assert first.get_json()["reports"][0]["rows_added"] == len(live_ids(world))

            # Marketing ops add a column in the bucket; the next call fills it everywhere.
            gcs.put("sheetsync/test.yaml", BASIC + "  - field: firstName\n    header: First\n")
            second = client.post("/", json={"mapping": "test"}).get_json()
            [report] = second["reports"]
            assert report["status"] == "ok" and report["full_reason"] == "the mapping changed"
            some = live_ids(world)[0]
            prospect = world.pardot_emu.store.prospect(some)
            assert prospect is not None
            assert by_id(world, "Prospects")[some]["First"] == (prospect["firstName"] or None)

            # A broken object: 200, nothing written, the message names the object.
            gcs.put("sheetsync/test.yaml", "columns: 3\n")
            broken = client.post("/", json={"mapping": "test"})
            assert broken.status_code == 200
            assert f"gs://{BUCKET}/sheetsync/test.yaml" in broken.get_json()["message"]
