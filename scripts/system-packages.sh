#!/usr/bin/env bash
# Debian packages the tests need: Chromium for browser tests, the CJK fonts and harfbuzz-subset
# for PDFs (without libharfbuzz-subset0 WeasyPrint silently takes ~70x longer per page), pango for
# WeasyPrint, poppler-utils to read PDFs back. Installs what is missing when run as root; otherwise
# stops and names the command to run. Never downloads a browser of its own.
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> 安装系统软件包：${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "缺少系统软件包：${missing[*]}" >&2
  echo "请先运行：sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
