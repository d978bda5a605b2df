# 社区党建管理系统 — production image (gunicorn web; the same image runs the Celery worker and beat).
#
#   docker build -t shequ-dangjian .
#   docker run --rm -p 8000:8000 -e DJANGO_SECRET_KEY=... -e DJANGO_ALLOWED_HOSTS=example.org \
#       -e DATABASE_URL=postgres://... -e REDIS_URL=redis://... shequ-dangjian
#
# See docker-compose.yml for the full stack (web, worker, beat, PostgreSQL, Redis).
FROM python:3.11-slim-bookworm

# Debian packages WeasyPrint needs for Chinese PDFs: CJK fonts, pango, and harfbuzz-subset
# (without libharfbuzz-subset0 WeasyPrint silently takes ~70x longer per page); postgresql-client
# (15 on bookworm, the postgres:15 service's version) for `manage.py backup`/`restore`.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        fonts-noto-cjk \
        libharfbuzz-subset0 \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv==0.13.9"

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    PATH="/app/.venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=config.settings \
    DATA_DIR=/data \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app

# Dependencies first, so this layer is rebuilt only when pyproject.toml or uv.lock change.
COPY pyproject.toml uv.lock ./
RUN UV_PYTHON_DOWNLOADS=never uv sync --locked --no-dev --no-install-project

COPY . .

# Static files are collected into the image (served by WhiteNoise). The secret key and host are
# dummies that exist only for this RUN line; DATA_DIR points at a throw-away folder because the
# settings create their local-state folders on import.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY=collectstatic-build-only-not-a-secret \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATA_DIR=/tmp/collectstatic-data \
    python manage.py collectstatic --noinput \
    && rm -rf /tmp/collectstatic-data \
    && chmod 755 /app/docker/entrypoint.sh

# Unprivileged user. The code and the virtualenv stay owned by root (read-only for the app);
# only /data (uploads and generated PDFs under /data/media when STORAGE_URL is unset) and the home directory (gunicorn's
# control socket, ~/.gunicorn/gunicorn.ctl) are writable.
RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app \
    && mkdir -p /data/media /data/static \
    && chown -R app:app /data

USER app

EXPOSE 8000

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
