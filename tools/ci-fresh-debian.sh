#!/bin/bash
# ci-fresh-debian.sh: what a new user meets on a fresh minimal Debian 12,
# proven from nothing (CI runs it from .ci/run, as root).
#
#   1. debootstrap --variant=minbase bookworm, from this machine's
#      configured Debian mirror, into WORK/root (and a copy, WORK/pkgroot,
#      kept fresh for the package);
#   2. the commit (git archive HEAD) into /root/shegong there;
#   3. the README's two commands, read out of README.md, each from a
#      clean environment (env -i: no LANG; then a root login's PATH and HOME): the first in a
#      pseudo-terminal (tools/pty-run.py) until the demo shows its home
#      screen, then quit with "q" and "y"; the second in full (every test);
#   4. the Debian package built there (dpkg-buildpackage, its
#      Build-Depends installed with apt-get build-dep), lintian (an
#      error fails), then installed with apt-get in the untouched copy:
#      shegong --version, shegong --demo in a pty, and the township's
#      set-up (shegong-township-setup init).
#
# proc, sys, dev and dev/pts are bound into each root and unmounted at the
# end whatever happens; nothing is kept between runs.  No service of the
# root starts (policy-rc.d says 101).  Logs: WORK/*.log.
#   tools/ci-fresh-debian.sh [WORK]     (default /var/tmp/shegong-fresh)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
work=${1:-/var/tmp/shegong-fresh}
work=$(readlink -m "$work")

say() { printf '%s\n' "$*"; }
# a failed step is told at once; the steps after it still run (each one
# says what it finds), and the script fails at the end
failures=()
fail() { printf 'ci-fresh-debian: FAILED: %s\n' "$*" >&2; failures+=("$*"); }
die() {
	printf 'ci-fresh-debian: %s\n' "$*" >&2
	[ "${#failures[@]}" -eq 0 ] || printf 'ci-fresh-debian: failed before: %s\n' "${failures[@]}" >&2
	exit 1
}
[ "$(id -u)" -eq 0 ] || die "run this as root (debootstrap, chroot, mount)"
case $work in /|/var|/var/tmp|/tmp|"$src") die "$work: choose a folder of its own" ;; esac

# --- mounts, and their undoing ------------------------------------------
mounted() { findmnt -rno TARGET | grep -E "^$1(/|\$)" || true; }

release() {
	# processes left inside a root (a test's sshd, say) keep its mounts busy
	local r=$1 p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$r" ] && kill -9 "${p#/proc/}" 2>/dev/null || true
	done
	local m
	for m in $(mounted "$r" | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" || true
	done
}

cleanup() {
	local r
	for r in "$work/root" "$work/pkgroot"; do
		[ -d "$r" ] && release "$r"
	done
	if [ -n "$(mounted "$work")" ]; then
		say "ci-fresh-debian: still mounted, left in place: $(mounted "$work" | tr '\n' ' ')" >&2
	elif [ "${KEEP_FRESH_ROOT:-}" != yes ]; then
		rm -rf "$work/root" "$work/pkgroot"
	fi
}

bind_all() {
	local r=$1
	mount -t proc proc "$r/proc"
	mount --bind /sys "$r/sys"
	mount --bind /dev "$r/dev"
	mount --bind /dev/pts "$r/dev/pts"
	# POSIX shared memory, which PostgreSQL (tests/feed-pg.sh) asks for
	if mountpoint -q /dev/shm; then
		mount --bind /dev/shm "$r/dev/shm"
	fi
}

# a leftover of a run that was killed: undo it before starting again
for r in "$work/root" "$work/pkgroot"; do
	[ -d "$r" ] && release "$r"
done
[ -z "$(mounted "$work")" ] || die "$work has mounts that will not go: $(mounted "$work" | tr '\n' ' ')"
rm -rf "$work"
mkdir -p "$work"
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

t0=$(date +%s)
step() { say "-- $* ($(( ($(date +%s) - t0) / 60 )) min $(( ($(date +%s) - t0) % 60 )) s in)"; }

# --- the README's commands ----------------------------------------------
# The first two indented lines of README.md: "Try it" and "Run the tests".
mapfile -t cmds < <(grep -E '^    [^ ]' README.md | head -n 2 | sed 's/^    //')
[ "${#cmds[@]}" -eq 2 ] || die "README.md: its first two commands are not where expected"
for c in "${cmds[@]}"; do
	case $c in sh\ tools/install-deps.sh*) ;; *) die "README.md: \"$c\" is not an install-deps command" ;; esac
done
cmd1=${cmds[0]}
cmd2=${cmds[1]}
case $cmd1 in *" --demo") ;; *) die "README.md: the first command does not end in the demo: $cmd1" ;; esac

# --- the mirror ---------------------------------------------------------
mirror=
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
	# the stanza whose Suites has bookworm itself
	mirror=$(awk 'BEGIN { RS = ""; FS = "\n" }
		{ u = ""; s = 0
		  for (i = 1; i <= NF; i++) {
			if ($i ~ /^URIs:/) { u = $i; sub(/^URIs:[ \t]*/, "", u); sub(/[ \t].*/, "", u) }
			if ($i ~ /^Suites:/ && (" " $i " ") ~ /[ \t]bookworm[ \t]/) s = 1
		  }
		  if (s && u != "") { print u; exit } }' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
	mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || die "no Debian bookworm mirror configured in /etc/apt (debian.sources or sources.list)"

command -v debootstrap >/dev/null 2>&1 || {
	say "-- installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >"$work/host-apt.log" 2>&1 ||
		{ tail -n 30 "$work/host-apt.log"; die "could not install debootstrap"; }
}

step "debootstrap --variant=minbase bookworm from $mirror"
debootstrap --variant=minbase bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
	{ tail -n 40 "$work/debootstrap.log"; die "debootstrap failed"; }
# as the machine's own apt is set up: the same mirror, with its updates
# and security suites, as a fresh install would have them
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
	cp /etc/apt/sources.list.d/debian.sources "$work/root/etc/apt/sources.list.d/"
	rm -f "$work/root/etc/apt/sources.list"
fi
cp /etc/resolv.conf "$work/root/etc/resolv.conf"
printf '#!/bin/sh\n# no service starts in this root (CI)\nexit 101\n' >"$work/root/usr/sbin/policy-rc.d"
chmod 0755 "$work/root/usr/sbin/policy-rc.d"
say "   fresh root: $(du -sxh "$work/root" | cut -f1)"
cp -a "$work/root" "$work/pkgroot"
bind_all "$work/root"

mkdir "$work/root/root/shegong"
git archive --format=tar HEAD | tar -x -C "$work/root/root/shegong"
[ -f "$work/root/root/shegong/README.md" ] || die "git archive HEAD gave no tree"

# in a root: a clean environment (env -i: no LANG), then what a root login
# on Debian has (/etc/profile's PATH, HOME); with no PATH at all, gcc
# finds no "ld" and make no "echo", on any machine
login_env=(HOME=/root LOGNAME=root USER=root SHELL=/bin/sh
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
inroot() { chroot "$work/root" /usr/bin/env -i "${login_env[@]}" "$@"; }

step "README's first command, in a pseudo-terminal: $cmd1"
python3 tools/pty-run.py --log "$work/readme-1.log" --timeout 2400 --expect F10 --keys q --confirm y -- \
	chroot "$work/root" /usr/bin/env -i "${login_env[@]}" TERM=xterm /bin/sh -c "cd /root/shegong && $cmd1" ||
	fail "the README's first command (log: $work/readme-1.log)"
grep -a -m1 -E 'WARNING: the program is built, but not the tests' "$work/readme-1.log" | tr -d '\r' | sed 's/^/   /' || true
inroot /bin/sh -c 'command -v shegong && shegong --version && man -w shegong' | sed 's/^/   /' ||
	fail "after the first command: shegong or its man page is not installed"

step "README's second command: $cmd2"
# SHEGONG_ROOT_TESTS_LOCK=FILE: hold FILE (flock) meanwhile, where other
# root tests with sshd on 127.0.0.1 run beside this (not in CI)
lock=()
[ -z "${SHEGONG_ROOT_TESTS_LOCK:-}" ] || lock=(flock "$SHEGONG_ROOT_TESTS_LOCK")
if "${lock[@]}" chroot "$work/root" /usr/bin/env -i "${login_env[@]}" /bin/sh -c "cd /root/shegong && $cmd2" \
	</dev/null >"$work/readme-2.log" 2>&1; then
	grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$work/readme-2.log" | sed 's/^/   /'
	# a test skipped here would hide what a fresh system lacks
	if grep -qE '^# SKIP: *[1-9]' "$work/readme-2.log"; then
		grep -E '^SKIP:' "$work/readme-2.log"
		fail "tests were skipped on the fresh root"
	fi
else
	tail -n 60 "$work/readme-2.log"
	tail -n 150 "$work/root/root/shegong/test-suite.log" 2>/dev/null || true
	fail "the README's second command (log: $work/readme-2.log; the tests' logs in $work/tests)"
fi
# the tests' logs, for .ci/run's total and to read (the root goes at the end)
mkdir -p "$work/tests"
cp "$work/root/root/shegong/tests/"*.log "$work/tests/" 2>/dev/null || true

step "the Debian package: apt-get build-dep, dpkg-buildpackage, lintian"
rm -rf "$work/root/root/pkg" && mkdir -p "$work/root/root/pkg/shegong"
git archive --format=tar HEAD | tar -x -C "$work/root/root/pkg/shegong"
inroot DEBIAN_FRONTEND=noninteractive /bin/sh -c '
	set -e
	cd /root/pkg/shegong
	apt-get build-dep -y -q --no-install-recommends ./
	apt-get install -y -q --no-install-recommends lintian
	dpkg-buildpackage -us -uc -b
	cd .. && lintian --info --display-info *.changes > lintian.log 2>&1; rc=$?
	cat lintian.log; exit $rc' </dev/null >"$work/package.log" 2>&1 || {
	tail -n 80 "$work/package.log"
	die "the package did not build, or lintian found errors (log: $work/package.log)"
}
sed 's/^/   lintian: /' "$work/root/root/pkg/lintian.log"
debs=$(cd "$work/root/root/pkg" && ls shegong_*.deb)
say "   built: $debs"

step "configure without zlib1g-dev names it (xlsxwriter.pc links -lz)"
# as the fresh system first was: libxlsxwriter-dev there, zlib1g-dev not
# (this root is thrown away after)
inroot /bin/sh -c 'dpkg -r --force-depends zlib1g-dev && cd /root/shegong && ./configure' </dev/null >"$work/nozlib.log" 2>&1 &&
	fail "configure passed without zlib1g-dev (log: $work/nozlib.log)"
if grep -q 'configure: error: .*apt-get install zlib1g-dev' "$work/nozlib.log"; then
	grep 'configure: error:' "$work/nozlib.log" | sed 's/^/   /'
else
	tail -n 5 "$work/nozlib.log"
	fail "configure without zlib1g-dev did not say to install it (log: $work/nozlib.log)"
fi

step "the package on a fresh root: apt-get install ./$debs"
bind_all "$work/pkgroot"
cp "$work/root/root/pkg/"shegong_*.deb "$work/pkgroot/root/"
inpkg() { chroot "$work/pkgroot" /usr/bin/env -i "${login_env[@]}" "$@"; }
inpkg DEBIAN_FRONTEND=noninteractive /bin/sh -c '
	set -e
	cd /root
	apt-get update -q
	apt-get install -y -q ./shegong_*.deb openssh-server' </dev/null >"$work/package-install.log" 2>&1 || {
	tail -n 60 "$work/package-install.log"
	die "apt-get install of the package failed (log: $work/package-install.log)"
}
inpkg /bin/sh -c 'shegong --version && ls -l /usr/bin/shegong /usr/sbin/shegong-township-setup &&
	ls /usr/share/shegong/forms | head -n 3 && ls /usr/share/locale/zh_CN/LC_MESSAGES/shegong.mo &&
	ls /usr/share/man/man1/shegong.1.gz /usr/share/man/man8/shegong-township-setup.8.gz /etc/default/shegong &&
	ls /lib/systemd/system/shegong-*' | sed 's/^/   /' ||
	die "the package did not put its files in place"
python3 tools/pty-run.py --log "$work/package-demo.log" --timeout 120 --expect F10 --keys q --confirm y -- \
	chroot "$work/pkgroot" /usr/bin/env -i "${login_env[@]}" TERM=xterm LANG=C.UTF-8 /usr/bin/shegong --demo ||
	die "shegong --demo from the package did not show its home screen and quit"
printf '510421100 攀莲镇\n510421100001 安宁村\n' >"$work/pkgroot/root/units.txt"
inpkg /bin/sh -c 'shegong-township-setup init --county 510421 米易县 --units /root/units.txt &&
	ls -ld /srv/shegong /srv/shegong/db /usr/bin/shegong && dpkg-statoverride --list /usr/bin/shegong &&
	shegong --db /srv/shegong/db unit list' </dev/null >"$work/township.log" 2>&1 || {
	cat "$work/township.log"
	die "shegong-township-setup init failed on the package's fresh root"
}
sed 's/^/   /' "$work/township.log"
# the nightly backup as shegong-backup.service runs it (no systemd in a
# chroot: its two command lines, unescaped as systemd does, with the
# settings of /etc/default/shegong), then its retention on an old file
unit=$work/pkgroot/lib/systemd/system/shegong-backup.service
for k in ExecStart ExecStartPost; do
	line=$(sed -n "s/^$k=\/bin\/sh -c '\(.*\)'\$/\1/p" "$unit" | sed 's/\$\$/$/g; s/%%/%/g')
	[ -n "$line" ] || die "shegong-backup.service: no $k=/bin/sh -c '...' line"
	[ "$k" = ExecStartPost ] && inpkg /bin/sh -c '. /etc/default/shegong && mkdir -p "$SHEGONG_BACKUP_DIR" &&
		touch -d "40 days ago" "$SHEGONG_BACKUP_DIR/2000-01-01.shegong"'
	inpkg /bin/sh -c "set -a && . /etc/default/shegong && set +a && $line" </dev/null >>"$work/backup.log" 2>&1 || {
		cat "$work/backup.log"
		die "shegong-backup.service's $k failed on the package's fresh root"
	}
done
[ ! -e "$work/pkgroot/var/backups/shegong/2000-01-01.shegong" ] || die "shegong-backup.service kept a backup 40 days old"
ls "$work/pkgroot/var/backups/shegong/"*.shegong >/dev/null || die "shegong-backup.service wrote no backup"
sed 's/^/   /' "$work/backup.log"
inpkg ls -l /var/backups/shegong/ | sed 's/^/   /'

step "apt-get remove, then purge: the data stays, and purge says where"
inpkg DEBIAN_FRONTEND=noninteractive /bin/sh -c 'apt-get remove -y -q shegong && ls /srv/shegong/db/data.mdb &&
	apt-get purge -y -q shegong && ls /srv/shegong/db/data.mdb /var/backups/shegong/*.shegong &&
	! dpkg-statoverride --list /usr/bin/shegong' </dev/null >"$work/purge.log" 2>&1 &&
	grep -q 'the records are kept' "$work/purge.log" || {
	cat "$work/purge.log"
	die "removing or purging the package lost data, or purge did not say where it is"
}
sed -n '/^shegong: purged/,/somewhere else/p' "$work/purge.log" | sed 's/^/   /'
step "done"
if [ "${#failures[@]}" -gt 0 ]; then
	printf 'ci-fresh-debian: failed: %s\n' "${failures[@]}" >&2
	exit 1
fi
