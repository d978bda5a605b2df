#!/usr/bin/env bash
# Shared set-up for `make run` and `make test`: the Python tools and the project's packages.
# Sourced, not run. Installs uv with pip if it is missing, then the locked dependencies into .venv.
set -euo pipefail

if ! command -v uv >/dev/null 2>&1; then
  echo "==> 安装 uv（Python 包管理器）"
  python3 -m pip install --quiet "uv==0.13.9"
fi
export UV_PYTHON_DOWNLOADS=never
echo "==> 安装项目依赖（uv sync --locked）"
uv sync --locked --quiet
export PATH="$PWD/.venv/bin:$PATH"
