#!/bin/sh
# Container entrypoint for 社区党建管理系统.
# 1. With DJANGO_DEBUG off, refuses to start when DJANGO_SECRET_KEY is empty. (docker-compose.yml
#    passes an empty value when the operator's .env lacks it; Django itself would only fail on the
#    first request that signs something.)
# 2. With DJANGO_MIGRATE=true (docker-compose.yml sets it on the `web` service only) the database
#    schema is brought up to date before the main process starts, so exactly one container migrates.
# 3. Runs the given command (gunicorn by default; celery worker / beat in docker-compose.yml).
set -eu

# Same truthy values as django-environ's env.bool (case-insensitive).
case "$(printf '%s' "${DJANGO_DEBUG:-false}" | tr '[:upper:]' '[:lower:]')" in
  true | on | ok | y | yes | 1) ;;
  *)
    if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
      echo "错误：DJANGO_SECRET_KEY 未设置。请在 .env 中设置一个足够长的随机字符串，例如：" >&2
      echo "  python3 -c \"import secrets; print(secrets.token_urlsafe(50))\"" >&2
      echo "error: DJANGO_SECRET_KEY is empty; refusing to start with DJANGO_DEBUG off." >&2
      exit 1
    fi
    ;;
esac

if [ "${DJANGO_MIGRATE:-false}" = "true" ]; then
  echo "==> python manage.py migrate --noinput"
  python manage.py migrate --noinput
fi

# 4. With STATIC_PUBLISH_DIR set (docker-compose.yml, on `web`), the static files collected into
#    the image are copied to that shared volume, which the nginx `proxy` serves; a new image's
#    files replace the old ones on every start.
if [ -n "${STATIC_PUBLISH_DIR:-}" ]; then
  echo "==> static files -> ${STATIC_PUBLISH_DIR}"
  cp -R "${STATIC_ROOT:-/app/staticfiles}/." "${STATIC_PUBLISH_DIR}/"
fi

exec "$@"
