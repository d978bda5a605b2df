#!/usr/bin/env bash
# One command to run the system on a development machine: installs, migrates the embedded SQLite
# database, loads the demo sub-district, then starts the web server, a Celery worker and beat.
# No PostgreSQL or Redis needed (set DATABASE_URL / REDIS_URL to use them).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh

PORT="${PORT:-8000}"
python manage.py migrate --noinput -v0
echo "==> 载入演示数据。登录账号（角色、用户名、密码、组织代码）："
python manage.py demo
echo
echo "==> 系统地址： http://127.0.0.1:${PORT}/admin/   （按 Ctrl+C 停止）"
export PORT
exec honcho --procfile Procfile.dev start
