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
