"""Documents any worker can write (issue 25, point 3): uploads and generated files go through
Django's storage API; with STORAGE_URL, an S3-compatible bucket that every machine reaches.

The bucket here is moto's S3 server (a test double of the S3 API) on this machine's loopback. The
Celery worker is a separate process with a MEDIA_ROOT of its own, empty: it shares only the bucket
(and the database) with this process, which plays the web server and serves the file through the
authorizing views. Files stored on disk before the switch are still served (the fallback), and
`manage.py media_to_storage` copies them into the bucket.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from moto.server import ThreadedMotoServer

from activities.models import MeetingAttachment
from common.documents import document_request
from common.models import Document, DocumentStatus
from config.celery_app import app as celery_app
from kit.storage import SharedStorage
from kit.storage_url import FILESYSTEM, StorageUrlError, storage_from_url
from organizations.printables import ORGANIZATION_TREE
from tests.activities.factories import MeetingFactory
from tests.test_worker import _database_url

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BUCKET = "dangjian-test"
WAIT_SECONDS = 90


# --- STORAGE_URL ---------------------------------------------------------------------------------
def test_without_storage_url_files_stay_on_this_machine() -> None:
    assert storage_from_url("") == {"BACKEND": FILESYSTEM}


def test_an_s3_url_names_the_endpoint_bucket_prefix_and_keys() -> None:
    found = storage_from_url("s3+http://minio%2Fuser:se%2Fcret@minio:9000/dangjian/media")
    options = found["OPTIONS"]
    assert found["BACKEND"] == "kit.storage.SharedStorage"
    assert options["endpoint_url"] == "http://minio:9000"
    assert (options["bucket_name"], options["location"]) == ("dangjian", "media")
    assert (options["access_key"], options["secret_key"]) == ("minio/user", "se/cret")
    assert options["default_acl"] is None
    assert options["file_overwrite"] is False
    https = storage_from_url("s3://k:s@oss.example.cn/b?region=cn-north-1", local_fallback=False)
    assert https["OPTIONS"]["endpoint_url"] == "https://oss.example.cn"
    assert https["OPTIONS"]["region_name"] == "cn-north-1"
    assert https["OPTIONS"]["location"] == ""
    assert https["OPTIONS"]["local_fallback"] is False


@pytest.mark.parametrize("url", ["ftp://h/b", "s3://k:s@host", "s3:///bucket"])
def test_a_storage_url_without_host_or_bucket_is_refused(url: str) -> None:
    with pytest.raises(StorageUrlError):
        storage_from_url(url)


def test_the_settings_read_storage_url_from_the_environment(tmp_path: Path) -> None:
    env = {**os.environ, "STORAGE_URL": "s3+http://k:s@127.0.0.1:9/b", "DATA_DIR": str(tmp_path)}
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.url('a b'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    # Its address is the app's own view, never the bucket's.
    assert result.stdout.split() == ["SharedStorage", "b", "/media/a%20b"]


# --- the bucket ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server: str, settings: Any) -> Any:
    """A fresh bucket, the default storage of this process (the web server)."""
    name = f"{BUCKET}-{uuid.uuid4().hex[:8]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=name)
    url = s3_server.replace("http://", "s3+http://test-key:test-secret@") + f"/{name}/media"
    settings.STORAGE_URL = url
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(url)}
    client.storage_url = url  # type: ignore[attr-defined]
    client.bucket = name  # type: ignore[attr-defined]
    return client


def _keys(bucket: Any) -> set[str]:
    listed = bucket.list_objects_v2(Bucket=bucket.bucket)
    return {item["Key"] for item in listed.get("Contents", [])}


def _on_disk(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


@pytest.mark.django_db
def test_an_upload_goes_to_the_bucket_and_is_served_only_through_the_view(
    bucket: Any, tree: Any, client: Any, secretary_a: Any, secretary_b: Any, settings: Any
) -> None:
    assert isinstance(storages["default"], SharedStorage)
    row = MeetingAttachment(meeting=MeetingFactory(organization=tree.branch_a), caption="签到表")
    row.file.save("签到表.pdf", io.BytesIO(PDF), save=True)  # what the admin's upload form does
    assert f"media/{row.file.name}" in _keys(bucket)
    assert _on_disk(settings.MEDIA_ROOT) == []
    assert row.file.url == f"/media/{quote(row.file.name)}"  # never the bucket's address

    client.force_login(secretary_a)
    response = client.get(row.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    client.force_login(secretary_b)
    assert client.get(row.file.url).status_code == 404


# --- a worker in another process -----------------------------------------------------------------
@pytest.fixture
def remote_worker(tmp_path: Path, settings: Any, bucket: Any) -> Iterator[Path]:
    """A worker process on a queue of its own, with the bucket and a MEDIA_ROOT of its own (the
    disk of another machine)."""
    queue = f"test-storage-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(tmp_path / "worker-disk"),
        "STORAGE_URL": bucket.storage_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
    command += ["-Q", queue, "--loglevel=INFO"]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield log
    finally:
        celery_app.conf.task_always_eager = eager
        celery_app.conf.task_default_queue = "celery"
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_document_written_by_a_worker_elsewhere_is_served_by_the_web_process(
    tree: Any,
    secretary_a: Any,
    secretary_b: Any,
    bucket: Any,
    remote_worker: Path,
    client: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    document = document_request(
        organization=tree.community_a, kind=ORGANIZATION_TREE, actor=secretary_a
    )
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        document = Document.objects.get(pk=document.pk)
        if document.status in (DocumentStatus.DONE, DocumentStatus.FAILED):
            break
        time.sleep(0.5)
    output = remote_worker.read_text()
    assert document.status == DocumentStatus.DONE, f"{document.error}\n{output[-3000:]}"
    # In the bucket, and on neither machine's disk.
    assert f"media/{document.file.name}" in _keys(bucket)
    assert _on_disk(tmp_path / "worker-disk") == []
    assert _on_disk(settings.MEDIA_ROOT) == []

    url = reverse("admin:common_document_download", args=[document.token])
    client.force_login(secretary_b)  # another community's secretary: as if it did not exist
    assert client.get(url).status_code == 404
    client.force_login(secretary_a)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


# --- files on disk from before -------------------------------------------------------------------
@pytest.mark.django_db
def test_files_on_disk_from_before_are_served_then_copied_into_the_bucket(
    bucket: Any, tree: Any, client: Any, secretary_a: Any, settings: Any
) -> None:
    old = Path(settings.MEDIA_ROOT) / "activities/meetings/1/旧签到表.pdf"
    old.parent.mkdir(parents=True)
    old.write_bytes(PDF)
    name = "activities/meetings/1/旧签到表.pdf"
    row = MeetingAttachment.objects.create(
        meeting=MeetingFactory(organization=tree.branch_a), file=name
    )
    assert _keys(bucket) == set()
    client.force_login(secretary_a)
    response = client.get(row.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    out = io.StringIO()
    call_command("media_to_storage", stdout=out)
    assert "已复制1个文件" in out.getvalue()
    assert _keys(bucket) == {f"media/{name}"}
    old.unlink()  # the disk's copy gone: served from the bucket now
    assert b"".join(client.get(row.file.url).streaming_content) == PDF
    again = io.StringIO()
    call_command("media_to_storage", stdout=again)
    assert "已复制0个文件" in again.getvalue()


@pytest.mark.django_db
def test_without_the_fallback_a_file_only_on_disk_is_gone(
    bucket: Any, tree: Any, client: Any, secretary_a: Any, settings: Any
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_from_url(bucket.storage_url, local_fallback=False),
    }
    name = "activities/meetings/1/旧签到表.pdf"
    (Path(settings.MEDIA_ROOT) / name).parent.mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / name).write_bytes(PDF)
    row = MeetingAttachment.objects.create(
        meeting=MeetingFactory(organization=tree.branch_a), file=name
    )
    client.force_login(secretary_a)
    assert client.get(row.file.url).status_code == 404
