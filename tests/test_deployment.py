"""docker-compose.yml: the app is reached only through the reverse proxy (issue "Trust, round 3", 8).

The app trusts one proxy's X-Forwarded-For (TRUSTED_PROXY_COUNT=1). Were its own port published,
a client reaching it directly would write that header and pick its address, escaping the login
lockout and the opinion limit. (No YAML library is installed: the services are read by indent.)
"""

from __future__ import annotations

import re

from django.conf import settings

COMPOSE = settings.BASE_DIR / "docker-compose.yml"
NGINX = settings.BASE_DIR / "docker" / "nginx" / "default.conf"


def _services() -> dict[str, str]:
    text = COMPOSE.read_text(encoding="utf-8")
    body = text.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    blocks = re.split(r"^  (?=[a-z][\w-]*:\s*$)", body, flags=re.M)
    return {block.split(":", 1)[0]: block for block in blocks if block.strip()}


def test_only_the_proxy_publishes_a_port() -> None:
    services = _services()
    assert {"web", "proxy", "worker", "beat", "postgres", "redis"} <= set(services)
    published = {name for name, block in services.items() if re.search(r"^    ports:", block, re.M)}
    assert published == {"proxy"}


def test_the_proxy_sets_the_forwarded_address_and_serves_static_files() -> None:
    conf = NGINX.read_text(encoding="utf-8")
    assert "proxy_pass http://app;" in conf
    assert "server web:8000;" in conf
    assert re.search(r"proxy_set_header X-Forwarded-For \$remote_addr;", conf)
    assert "$proxy_add_x_forwarded_for" not in conf  # would keep what the client wrote
    assert re.search(r"location /static/ \{\s*alias /srv/static/;", conf)
    assert "location /media/" not in conf  # stored files: only through the app's checks
    assert "media:" not in _services()["proxy"]
    proxy = _services()["proxy"]
    assert "docker/nginx/default.conf" in proxy
    assert "static:/srv/static" in proxy


def test_compose_trusts_exactly_the_one_proxy() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    assert re.search(r'TRUSTED_PROXY_COUNT: "1"', text)
    assert "${TRUSTED_PROXY_COUNT" not in text  # not raised by an .env while one proxy is there


def _app_env() -> dict[str, str]:
    text = COMPOSE.read_text(encoding="utf-8")
    block = text.split("x-app-env: &app-env\n", 1)[1].split("\n\n", 1)[0]
    return dict(re.findall(r'^  ([A-Z_]+): "?(.*?)"?(?:\s+#.*)?$', block, re.M))


def test_every_variable_compose_gives_the_app_is_one_the_settings_read() -> None:
    """docker-compose.yml in step with config/settings.py: a name the settings do not read
    (misspelt, or renamed there) would silently leave the default in force."""
    read = (settings.BASE_DIR / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(_app_env())
    assert {"DATABASE_URL", "REDIS_URL", "STORAGE_URL", "STORAGE_LOCAL_FALLBACK"} <= names
    assert [name for name in sorted(names) if f'"{name}"' not in read] == []


def test_workers_scale_and_share_only_the_broker_database_and_bucket() -> None:
    """`docker-compose up --scale worker=N`: N containers of one service, so it names no
    container and publishes no port; files go to the bucket, not to a volume of one machine."""
    worker = _services()["worker"]
    assert not re.search(r"^    container_name:", worker, re.M)
    assert not re.search(r"^    (ports|volumes):", worker, re.M)
    assert "celery" in worker
    assert "worker" in worker
    env = _app_env()
    assert env["REDIS_URL"] == "redis://redis:6379/0"  # one broker for all of them
    storage = env["STORAGE_URL"]
    assert storage.startswith("s3+http://")
    assert storage.endswith("@minio:9000/dangjian")


def test_minio_is_the_private_bucket_created_before_the_app_starts() -> None:
    services = _services()
    minio, init = services["minio"], services["minio-init"]
    assert not re.search(r"^    ports:", minio, re.M)  # inside the compose network only
    assert "mc mb --ignore-existing shared/dangjian" in init
    assert "mc anonymous set none shared/dangjian" in init  # never a public bucket
    assert re.search(r"minio-init:\s+condition: service_completed_successfully", services["web"])
    # The old volume stays on `web` only, for files from before the bucket (the fallback).
    assert "media:/data/media" in services["web"]
