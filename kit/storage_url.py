"""STORAGE_URL: where uploads and generated files are kept (config/settings.py reads it).

Empty (the default, `make run`): a folder on this machine, MEDIA_ROOT (Django's FileSystemStorage).
A deployment of more than one machine (web on one, Celery workers on others) needs a store that
every machine reaches: an S3-compatible bucket (MinIO in docker-compose.yml, or a cloud's object
storage), written

    s3://ACCESS_KEY:SECRET_KEY@HOST[:PORT]/BUCKET[/PREFIX][?region=REGION]   (HTTPS)
    s3+http://ACCESS_KEY:SECRET_KEY@HOST[:PORT]/BUCKET[/PREFIX]              (plain HTTP: a
                                                       MinIO inside the compose network only)

The keys are percent-decoded (write a `/` as %2F). Files are read and written through
kit.storage.SharedStorage, never through a public address of the bucket: the app's views check who
may see a file and stream it (kit/files.py, common/admin.py). Files kept on disk before the switch
are still read from MEDIA_ROOT while the bucket lacks them (`STORAGE_LOCAL_FALLBACK`, default on),
until `python manage.py media_to_storage` has copied them in.

Only the standard library here: settings import this module before Django is set up.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FILESYSTEM = "django.core.files.storage.FileSystemStorage"
SHARED = "kit.storage.SharedStorage"
SCHEMES = {"s3": "https", "s3+https": "https", "s3+http": "http"}
# A file read from the bucket is held in memory up to this size, then in a temporary file.
MAX_MEMORY_BYTES = 8 * 1024 * 1024


class StorageUrlError(ValueError):
    pass


def storage_from_url(url: str, *, local_fallback: bool = True) -> dict[str, Any]:
    """The STORAGES["default"] entry that `url` describes (see the module's docstring)."""
    if not url:
        return {"BACKEND": FILESYSTEM}
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise StorageUrlError(f"STORAGE_URL: unknown scheme {parts.scheme!r} (s3, s3+http)")
    bucket, _, prefix = parts.path.lstrip("/").partition("/")
    if not parts.hostname or not bucket:
        raise StorageUrlError("STORAGE_URL needs a host and a bucket: s3://KEY:SECRET@HOST/BUCKET")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    port = f":{parts.port}" if parts.port else ""
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": prefix.strip("/"),
        "endpoint_url": f"{SCHEMES[parts.scheme]}://{parts.hostname}{port}",
        "region_name": query.get("region", "us-east-1"),
        # Path-style addresses (HOST/BUCKET/NAME): what MinIO answers without a DNS name per bucket.
        "addressing_style": query.get("addressing", "path"),
        "signature_version": "s3v4",
        "default_acl": None,  # the bucket's own: private
        "querystring_auth": True,  # any address of the bucket made is signed and expires
        "querystring_expire": 300,
        "file_overwrite": False,  # a name taken gets another, as on disk
        "max_memory_size": MAX_MEMORY_BYTES,
        "local_fallback": local_fallback,
    }
    if parts.username is not None:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    return {"BACKEND": SHARED, "OPTIONS": options}
