#!/usr/bin/env bash
# One command to run the system on a development machine: installs, migrates the embedded SQLite
# database, then starts the web server and a Celery worker (with beat) while the demo sub-district
# loads in the background: the console shows its progress, then its logins; until it is loaded
# the login page says 演示数据载入中. No PostgreSQL or Redis needed (set DATABASE_URL / REDIS_URL
# to use them). The port: PORT=8080 make run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
# Each of the processes below imports ~1,100 modules; with PYTHONDONTWRITEBYTECODE set each would
# compile them all again (2 s of CPU apiece). The first one writes the bytecode, the others read it.
unset PYTHONDONTWRITEBYTECODE

PORT="${PORT:-8000}"
export PORT
echo "==> 迁移数据库"
python manage.py migrate --noinput -v0 --skip-checks  # runserver runs the checks next
echo "==> 启动网站，演示数据在后台载入（载入完成后打印登录账号）"
echo "==> 系统地址： http://127.0.0.1:${PORT}/admin/   （按 Ctrl+C 停止）"
marker="${DATA_DIR:-var}/demo-loading"
rm -f "$marker"
(
  logins="$(mktemp)"
  trap 'rm -f "$logins"' EXIT
  # nice: the web server's start comes first; the demo takes what CPU is left.
  nice -n 10 python manage.py demo --progress >"$logins" &
  demo=$!
  # The demo's marker (kit/progress.py), written now rather than once Django has started in the
  # demo's process (the same process: nice execs python), so that the login page and the worker
  # know from the start. The demo rewrites it with its progress and removes it once committed.
  echo "$demo" >"$marker"
  if wait "$demo"; then
    echo
    echo "==> 演示数据已载入。登录账号（角色、用户名、密码、组织代码）："
    cat "$logins"
    echo "==> 系统地址： http://127.0.0.1:${PORT}/admin/   （按 Ctrl+C 停止）"
  else
    rm -f "$marker"
    echo "==> 演示数据载入失败（见上方的错误）；网站仍在运行。" >&2
  fi
) &
until [ -e "$marker" ]; do sleep 0.05; done
exec honcho --procfile Procfile.dev start
