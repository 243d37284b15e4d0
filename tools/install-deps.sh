#!/bin/sh
# Install what shegong needs on Debian 12 (as root), and make the locales
# it speaks: zh_CN.UTF-8 and zh_CN.GB18030 (and en_US.UTF-8).
#   sh tools/install-deps.sh          build and run
#   sh tools/install-deps.sh --tests  also what the tests need (and clang for fuzz/)
set -eu
pkgs="build-essential autoconf automake pkg-config gettext libncurses-dev liblmdb-dev libxlsxwriter-dev libcsv-dev locales"
if [ "${1:-}" = "--tests" ]; then
  pkgs="$pkgs check libvterm-dev lmdb-utils openssh-server openssh-client passwd util-linux python3 python3-openpyxl clang libclang-rt-14-dev"
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run this as root (it uses apt-get and locale-gen)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $pkgs
for l in "zh_CN.UTF-8 UTF-8" "zh_CN.GB18030 GB18030" "en_US.UTF-8 UTF-8"; do
  grep -qx "$l" /etc/locale.gen 2>/dev/null || echo "$l" >> /etc/locale.gen
done
locale-gen
