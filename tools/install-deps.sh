#!/bin/sh
# Install what shegong needs on Debian 12 (as root), and make the locales
# it speaks: zh_CN.UTF-8 and zh_CN.GB18030 (and en_US.UTF-8).
#   sh tools/install-deps.sh          build and run
#   sh tools/install-deps.sh --tests  also what the tests need (and clang for fuzz/)
#   sh tools/install-deps.sh --i386   also a 32-bit build for old PCs and its
#                                     tests (README: "An old 32-bit PC"): the
#                                     i386 architecture, its -dev packages,
#                                     gcc -m32, and LMDB's tools for i386 in
#                                     /opt/lmdb-utils-i386 (an LMDB file is
#                                     read only by tools of its word size)
set -eu
# Everything the build runs, named, since a minimal Debian (debootstrap
# --variant=minbase) has none of it: zlib1g-dev because Debian's
# xlsxwriter.pc links -lz and libxlsxwriter-dev does not pull it in;
# man-db and less for "man shegong"; Pango and Cairo for printing to PDF,
# with its fonts: a monospace CJK face (fonts-noto-cjk) and one of CJK
# Extension B (fonts-hanazono: HanaMinB) for rare name characters;
# libpq-dev for `shegong feed`, the PostgreSQL warehouse.
pkgs="build-essential make gcc libc6-dev autoconf automake pkg-config gettext libncurses-dev liblmdb-dev libxlsxwriter-dev zlib1g-dev libcsv-dev libexpat1-dev locales man-db less libpango1.0-dev libcairo2-dev fonts-noto-cjk fonts-hanazono libpq-dev"
# poppler-utils: the PDF read back (pdftotext, pdffonts, pdfinfo, pdftoppm);
# cups-daemon and cups-client: a private CUPS scheduler that --lp prints to
# (tests/cupsd.sh); postgresql: a private server that `shegong feed`
# writes into (tests/feed-pg.sh: initdb, pg_ctl, psql)
tests_pkgs="check libvterm-dev lmdb-utils openssh-server openssh-client passwd util-linux python3 python3-openpyxl libsqlite3-dev clang libclang-rt-14-dev poppler-utils cups-daemon cups-client postgresql"
# no Pango for i386: its build has no PDF output (configure finds no
# i386 pangocairo.pc; tests/check-pdf is skipped there)
i386_pkgs="gcc-multilib file libc6-dev:i386 libncurses-dev:i386 liblmdb-dev:i386 libxlsxwriter-dev:i386 zlib1g-dev:i386 libcsv-dev:i386 libexpat1-dev:i386 check:i386 libsubunit-dev:i386 libvterm-dev:i386"
i386=no
case "${1:-}" in
  --tests) pkgs="$pkgs $tests_pkgs" ;;
  --i386) pkgs="$pkgs $tests_pkgs $i386_pkgs"; i386=yes ;;
esac
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run this as root (it uses apt-get and locale-gen)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# "su" without "-" leaves a user's PATH, without the sbin folders where
# locale-gen and ldconfig are
case ":${PATH:-}:" in
  *:/usr/sbin:*) ;;
  *) PATH=/usr/local/sbin:/usr/sbin:/sbin:${PATH:-/usr/local/bin:/usr/bin:/bin} ;;
esac
export PATH
if [ "$i386" = yes ]; then
  dpkg --add-architecture i386
fi
# one list that cannot be fetched (a mirror part way through a sync) need
# not stop the rest: apt-get install says so if a package is missing
apt-get update -q || echo "install-deps: apt-get update could not fetch every list; going on" >&2
# A library installed for both architectures must be the same version in
# both (Multi-Arch: same). Where the i386 lists lag (a mirror without the
# security suite's i386 list), both are pinned to the version i386 has, so
# the install does not stop on the mismatch. That holds for --tests too on
# a machine where an --i386 install was made before: its i386 libraries
# stay, and apt-get would upgrade their amd64 twins past them.
pins=""
if [ "$i386" = yes ] || dpkg --print-foreign-architectures 2>/dev/null | grep -qx i386; then
  for p in linux-libc-dev libc6 libc6-dev libcrypt1 libcrypt-dev libgcc-s1 gcc-12-base \
           libssl3 libssl-dev zlib1g zlib1g-dev libminizip1 libncurses6 libncursesw6 \
           libncurses-dev libtinfo6 libcom-err2 libgssapi-krb5-2 libk5crypto3 libkeyutils1 \
           libkrb5-3 libkrb5support0 libnsl2 libnsl-dev libtirpc3 libtirpc-dev \
           libexpat1 libexpat1-dev; do
    # without --i386, only a library whose i386 build is installed
    if [ "$i386" != yes ] &&
       ! dpkg-query -W -f='${Status}' "$p:i386" 2>/dev/null | grep -q ' installed$'; then
      continue
    fi
    want=$(apt-cache policy "$p:i386" 2>/dev/null | sed -n 's/^ *Candidate: //p')
    [ -n "$want" ] && [ "$want" != "(none)" ] || continue
    # what apt-get would put in for amd64: its candidate, or what is
    # installed where that is newer (an earlier, fuller list)
    cand=$(apt-cache policy "$p:amd64" 2>/dev/null | sed -n 's/^ *Candidate: //p')
    have=$(dpkg-query -W -f='${Version}' "$p:amd64" 2>/dev/null || true)
    [ "$cand" = "$want" ] && { [ -z "$have" ] || [ "$have" = "$want" ]; } && continue
    if apt-cache madison "$p" 2>/dev/null | grep -q "| *$want *| .* amd64 "; then
      pins="$pins $p:amd64=$want $p:i386=$want"
    fi
  done
  [ -z "$pins" ] || echo "install-deps: the same version for both architectures:$pins" >&2
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends --allow-downgrades $pkgs $pins
if [ "$i386" = yes ]; then
  d=$(mktemp -d)
  chown _apt "$d" 2>/dev/null || true  # apt-get download fetches as _apt
  (cd "$d" && apt-get download -q lmdb-utils:i386)
  rm -rf /opt/lmdb-utils-i386
  dpkg-deb -x "$d"/lmdb-utils_*_i386.deb /opt/lmdb-utils-i386
  rm -rf "$d"
  # A kernel built without 32-bit support (some virtual machines' are)
  # cannot start an i386 program: the tests then run it through qemu's
  # user-mode emulator, registered with the kernel's binfmt_misc, so that
  # every exec of a 32-bit ELF file (the tests start src/shegong and
  # mdb_dump themselves) goes through it.
  t=$(mktemp -d)
  printf 'int main(void) { return sizeof (long) == 4 ? 0 : 1; }\n' >"$t/t.c"
  gcc -m32 -o "$t/t" "$t/t.c"
  if [ -e /proc/sys/fs/binfmt_misc/shegong-i386 ] || ! "$t/t" 2>/dev/null; then
    echo "install-deps: this kernel does not run 32-bit programs; using qemu-i386" >&2
    apt-get install -y -q --no-install-recommends qemu-user-static
    b=/proc/sys/fs/binfmt_misc
    [ -e "$b/register" ] || mount -t binfmt_misc binfmt_misc "$b"
    # an entry made before, with other flags, is made again
    if [ -e "$b/shegong-i386" ] && ! grep -qx 'flags: OCF' "$b/shegong-i386"; then
      echo -1 >"$b/shegong-i386"
    fi
    if [ ! -e "$b/shegong-i386" ]; then
      # the first 20 bytes of an i386 executable's ELF header, and the
      # bits of them that matter; F: the emulator is opened now, once;
      # O and C: it runs with the program's own rights, so a setgid
      # program is setgid under it too (the township tests need that)
      printf '%s' ':shegong-i386:M::\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00:\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-i386-static:OCF' >"$b/register"
    fi
    "$t/t" || { echo "install-deps: an i386 program does not run, even through qemu-i386" >&2; rm -rf "$t"; exit 1; }
  fi
  rm -rf "$t"
fi
# locale-gen rewrites the archive, and a program starting meanwhile finds
# no zh_CN locale (tests running beside this): only when one is missing
missing=no
for n in zh_cn.utf8 zh_cn.gb18030 en_us.utf8; do
  locale -a 2>/dev/null | tr 'A-Z' 'a-z' | tr -d '-' | grep -qx "$n" || missing=yes
done
if [ "$missing" = yes ]; then
  for l in "zh_CN.UTF-8 UTF-8" "zh_CN.GB18030 GB18030" "en_US.UTF-8 UTF-8"; do
    grep -qx "$l" /etc/locale.gen 2>/dev/null || echo "$l" >> /etc/locale.gen
  done
  locale-gen
fi
