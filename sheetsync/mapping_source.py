"""Where the mappings come from: a folder, or a Cloud Storage prefix (``gs://bucket/prefix``).

``SHEETSYNC_MAPPINGS=gs://bucket/prefix`` reads every ``*.yaml``/``*.yml`` object directly
under the prefix, the way a folder is read (objects in deeper "subfolders" and names starting
with a dot are skipped), so marketing ops can change a mapping without a redeploy. The same
checks and the same :class:`MappingError` as for a folder; problems name the object as
``gs://bucket/prefix/x.yaml`` and the mapping is named by the object's stem.

Credentials: with ``STORAGE_EMULATOR_HOST`` set, google-cloud-storage talks to that emulator
anonymously; otherwise the key file of ``SHEETSYNC_GOOGLE_CREDENTIALS``, else Application
Default Credentials (the function's service account needs ``roles/storage.objectViewer`` on
the bucket). Only reads: nothing is ever written to the bucket.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from sheetsync.mapping import (
    Mapping,
    MappingError,
    Problem,
    cross_mapping_problems,
    load_mappings,
    parse_mapping,
)
from sheetsync.mapping.errors import not_utf8

GCS_SCHEME = "gs://"
SUFFIXES = (".yaml", ".yml")
READ_ONLY_SCOPE = "https://www.googleapis.com/auth/devstorage.read_only"


class MappingsUnavailable(MappingError):
    """The mappings could not be read just now (Cloud Storage answered 5xx or did not answer):
    a later attempt can succeed."""


def is_gcs(location: str) -> bool:
    return location.startswith(GCS_SCHEME)


@dataclass(frozen=True)
class GcsPrefix:
    """``gs://bucket/some/prefix`` -> bucket ``bucket``, prefix ``some/prefix/`` ("" = root)."""

    bucket: str
    prefix: str

    @classmethod
    def parse(cls, url: str) -> GcsPrefix:
        rest = url[len(GCS_SCHEME) :]
        bucket, _, prefix = rest.partition("/")
        if not bucket:
            raise MappingError(
                [Problem(url, None, "", "a Cloud Storage location is gs://BUCKET/PREFIX")]
            )
        prefix = prefix.strip("/")
        return cls(bucket, f"{prefix}/" if prefix else "")

    @property
    def url(self) -> str:
        return f"{GCS_SCHEME}{self.bucket}/{self.prefix}"

    def object_url(self, name: str) -> str:
        return f"{GCS_SCHEME}{self.bucket}/{name}"


def load_mappings_from(location: str, *, google_credentials: Path | None = None) -> list[Mapping]:
    """The mappings of a folder or of a ``gs://`` prefix, sorted by name."""
    if is_gcs(location):
        where = GcsPrefix.parse(location)
        return load_gcs_mappings(where, storage_client(where, google_credentials))
    return load_mappings(Path(location))


def load_gcs_mappings(where: GcsPrefix, client: Any) -> list[Mapping]:
    """Every mapping object directly under the prefix; all problems in one MappingError."""
    objects = _list_objects(where, client)
    if not objects:
        raise MappingError(
            [
                Problem(
                    where.url,
                    None,
                    "",
                    "no mappings here: there are no *.yaml or *.yml objects under this prefix",
                )
            ]
        )
    mappings: list[Mapping] = []
    problems: list[Problem] = []
    for blob in objects:
        url = where.object_url(blob.name)
        data = _download(blob, url)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(not_utf8(url, data, exc))
            continue
        try:
            mappings.append(parse_mapping(text, url, name=PurePosixPath(blob.name).stem))
        except MappingError as exc:
            problems += exc.problems
    problems += cross_mapping_problems(mappings)
    if problems:
        raise MappingError(problems)
    return sorted(mappings, key=lambda m: m.name)


def storage_client(where: GcsPrefix, google_credentials: Path | None) -> Any:
    """A read-only google-cloud-storage client (anonymous on ``STORAGE_EMULATOR_HOST``)."""
    try:
        from google.cloud import storage
    except ImportError:
        raise MappingError(
            [
                Problem(
                    where.url,
                    None,
                    "",
                    "reading mappings from Cloud Storage needs google-cloud-storage: "
                    "pip install 'sheetsync[gcs]'",
                )
            ]
        ) from None
    if os.environ.get("STORAGE_EMULATOR_HOST"):
        # The library then uses anonymous credentials: no Google token goes to an emulator.
        return storage.Client(project=None)
    return storage.Client(project=None, credentials=_credentials(where, google_credentials))


def _credentials(where: GcsPrefix, key_file: Path | None) -> Any:
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError, GoogleAuthError
    from google.oauth2 import service_account

    if key_file is not None:
        try:
            return service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
                str(key_file), scopes=[READ_ONLY_SCOPE]
            )
        except (GoogleAuthError, ValueError, KeyError, OSError):
            # Name the file, never its content.
            raise MappingError(
                [
                    Problem(
                        where.url,
                        None,
                        "",
                        f"cannot read it with SHEETSYNC_GOOGLE_CREDENTIALS ({key_file}): not a "
                        "usable service-account key file",
                    )
                ]
            ) from None
    try:
        credentials, _project = google.auth.default(scopes=[READ_ONLY_SCOPE])
    except DefaultCredentialsError:
        raise MappingError(
            [
                Problem(
                    where.url,
                    None,
                    "",
                    "no Google credentials to read Cloud Storage with: set "
                    "SHEETSYNC_GOOGLE_CREDENTIALS, or run where Application Default Credentials "
                    "exist",
                )
            ]
        ) from None
    return credentials


def _list_objects(where: GcsPrefix, client: Any) -> list[Any]:
    blobs = _call(
        where.url,
        lambda: list(client.list_blobs(where.bucket, prefix=where.prefix or None, delimiter="/")),
    )
    found = []
    for blob in blobs:
        base = blob.name[len(where.prefix) :]
        if "/" in base or base.startswith(".") or not base.endswith(SUFFIXES):
            continue
        found.append(blob)
    return sorted(found, key=lambda b: str(b.name))


def _download(blob: Any, url: str) -> bytes:
    data: bytes = _call(url, blob.download_as_bytes)
    return data


def _call(url: str, action: Any) -> Any:
    """Run one Cloud Storage request, turning its errors into mapping problems."""
    from google.api_core import exceptions as gax
    from google.auth.exceptions import GoogleAuthError, TransportError

    try:
        return action()
    except gax.NotFound:
        raise MappingError(
            [Problem(url, None, "", "not found: no such bucket or object in Cloud Storage")]
        ) from None
    except (gax.Forbidden, gax.Unauthorized):
        raise MappingError(
            [
                Problem(
                    url,
                    None,
                    "",
                    "access denied: the identity sheetsync runs as needs "
                    "roles/storage.objectViewer on the bucket",
                )
            ]
        ) from None
    except (gax.ServerError, gax.TooManyRequests, gax.RetryError, TransportError, OSError) as exc:
        raise MappingsUnavailable(
            [Problem(url, None, "", f"Cloud Storage is unavailable ({type(exc).__name__})")]
        ) from None
    except (gax.GoogleAPICallError, GoogleAuthError) as exc:
        raise MappingError(
            [Problem(url, None, "", f"Cloud Storage refused the request ({type(exc).__name__})")]
        ) from None
