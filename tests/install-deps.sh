#!/bin/sh
# install-deps.sh: the versions tools/install-deps.sh asks apt-get for when
# a library is installed for both amd64 and i386 and the i386 lists lag
# (a mirror part way through a sync): both architectures pinned to the
# version i386 has, with --tests as with --i386. It runs against stand-ins
# for apt-get, apt-cache, dpkg and dpkg-query that read a made-up package
# table and write down what apt-get was asked; nothing is installed.
# (--i386 itself is not run here: past apt-get it unpacks LMDB's tools
# into /opt; .ci/run's i386 stage runs it.)
set -u
top=${srcdir:-$(dirname "$0")/..}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-deps-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0 passed=0 failed=0
mkdir "$tmp/bin"

# the table: package arch installed-version candidate (- for none)
cat >"$tmp/table" <<'T'
libexpat1 amd64 2.5.0-1+deb12u2 2.5.0-1+deb12u5
libexpat1 i386 2.5.0-1+deb12u2 2.5.0-1+deb12u2
libexpat1-dev amd64 2.5.0-1+deb12u2 2.5.0-1+deb12u5
libexpat1-dev i386 2.5.0-1+deb12u2 2.5.0-1+deb12u2
zlib1g amd64 - 1:1.2.13.dfsg-1+deb12u1
zlib1g i386 1:1.2.13.dfsg-1 1:1.2.13.dfsg-1
libssl3 amd64 3.0.20-1~deb12u2 3.0.21-1~deb12u1
libssl3 i386 - 3.0.20-1~deb12u2
libc6 amd64 2.36-9+deb12u14 2.36-9+deb12u14
libc6 i386 2.36-9+deb12u14 2.36-9+deb12u14
T
# the versions the mirror holds for amd64 (apt-cache madison)
cat >"$tmp/madison" <<'T'
libexpat1 2.5.0-1+deb12u5
libexpat1 2.5.0-1+deb12u2
libexpat1-dev 2.5.0-1+deb12u5
libexpat1-dev 2.5.0-1+deb12u2
zlib1g 1:1.2.13.dfsg-1+deb12u1
zlib1g 1:1.2.13.dfsg-1
libssl3 3.0.21-1~deb12u1
libssl3 3.0.20-1~deb12u2
T
cat >"$tmp/bin/id" <<'S'
#!/bin/sh
echo 0
S
cat >"$tmp/bin/dpkg" <<'S'
#!/bin/sh
case "$1" in
  --print-foreign-architectures) cat "$T/foreign" ;;
  *) echo "dpkg $*" >>"$T/log" ;;
esac
S
# dpkg-query -W -f=FORMAT PKG:ARCH
cat >"$tmp/bin/dpkg-query" <<'S'
#!/bin/sh
p=${3%%:*} a=${3#*:}
v=$(awk -v p="$p" -v a="$a" '$1 == p && $2 == a { print $3 }' "$T/table")
[ -n "$v" ] && [ "$v" != - ] || { echo "dpkg-query: no packages found matching $3" >&2; exit 1; }
case "$2" in
  *Status*) printf 'install ok installed' ;;
  *) printf '%s' "$v" ;;
esac
S
cat >"$tmp/bin/apt-cache" <<'S'
#!/bin/sh
case "$1" in
  policy)
    p=${2%%:*} a=${2#*:}
    c=$(awk -v p="$p" -v a="$a" '$1 == p && $2 == a { print $4 }' "$T/table")
    echo "$2:"; echo "  Candidate: ${c:-(none)}" ;;
  madison)
    awk -v p="$2" '$1 == p { printf " %s | %s | http://deb.debian.org/debian bookworm/main amd64 Packages\n", $1, $2 }' "$T/madison" ;;
esac
S
cat >"$tmp/bin/apt-get" <<'S'
#!/bin/sh
echo "apt-get $*" >>"$T/log"
S
cat >"$tmp/bin/locale" <<'S'
#!/bin/sh
printf 'C\nC.utf8\nPOSIX\nen_US.utf8\nzh_CN.gb18030\nzh_CN.utf8\n'
S
chmod +x "$tmp/bin"/*

# run ARGS: install-deps with ARGS against the stand-ins; the install line
run() {
  : >"$tmp/log"
  T=$tmp PATH="$tmp/bin:/usr/sbin:/usr/bin:/bin" sh "$top/tools/install-deps.sh" "$@" \
    >"$tmp/out" 2>&1 || { bad "install-deps $* ran"; cat "$tmp/out"; }
  grep '^apt-get install ' "$tmp/log" | tr ' ' '\n' >"$tmp/asked"
}
ok() { echo "ok - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; failed=$((failed + 1)); fail=1; }
has() {
  if grep -qx -- "$2" "$tmp/asked"; then ok "$1"; else
    bad "$1: apt-get was not asked for $2"; cat "$tmp/log"; fi
}
hasnt() {
  if grep -q -- "^$2" "$tmp/asked"; then
    bad "$1: apt-get was asked for $(grep -- "^$2" "$tmp/asked" | tr '\n' ' ')"
  else ok "$1"; fi
}

# i386 added by an earlier --i386 run, then --tests (what CI does)
echo i386 >"$tmp/foreign"
run --tests
has "--tests keeps amd64 expat at i386's version" "libexpat1:amd64=2.5.0-1+deb12u2"
has "--tests keeps amd64 expat's headers with it" "libexpat1-dev:amd64=2.5.0-1+deb12u2"
has "--tests installs zlib1g for amd64 at i386's version" "zlib1g:amd64=1:1.2.13.dfsg-1"
hasnt "--tests pins nothing whose i386 build is not installed" "libssl3:"
hasnt "--tests pins nothing already the same" "libc6:"
if grep -q '^apt-get install .*libsqlite3-dev' "$tmp/log"; then
  ok "--tests installs the tests' packages"
else bad "--tests installs the tests' packages"; fi

# no i386 at all: no pins, the newest of everything
: >"$tmp/foreign"
run --tests
hasnt "without i386, nothing is pinned" "libexpat1:"
hasnt "without i386, nothing is pinned for i386" "zlib1g:"
echo "install-deps.sh: $passed passed, $failed failed"
exit $fail
