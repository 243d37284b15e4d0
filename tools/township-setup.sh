#!/bin/sh
# township-setup.sh: set up a township server for shegong (Debian 12, as
# root, after "make install" or the Debian package, which installs it as
# /usr/sbin/shegong-township-setup): a system group that owns the data folder,
# the program setgid to it so that workers reach the data only through the
# program, one login account per worker with a files folder that the
# worker reaches with SFTP alone, and an sshd configuration that starts the
# program when a worker logs in.  "township-setup.sh --help"
# says how; README.md ("A township server") says why.
set -eu

prog=${0##*/}
data=/srv/shegong
sshd_dir=/etc/ssh/sshd_config.d
group=shegong
wgroup=shegong-workers
admin=root
bin=
files_port=

usage() {
	cat <<EOF
Usage: $prog COMMAND [OPTIONS]   (as root)

  init --county CODE NAME [--units FILE] [--data DIR] [--bin PATH]
       [--admin LOGIN] [--group NAME] [--workers-group NAME] [--sshd-dir DIR]
       [--files-port PORT]
      Make the group that owns the data (shegong; workers are not in it)
      and the group of the workers' logins (shegong-workers); the data
      folder DIR (default /srv/shegong), root:shegong mode 2751 (others
      pass through it but cannot list it); the database folder DIR/db,
      root:shegong mode 2770; the files folders' folder DIR/files,
      root:root mode 0711; the program PATH (default: shegong on the
      PATH) root:shegong mode 2755, setgid, so that it alone reaches the
      data; the database, created by "shegong init" run as LOGIN (default
      root), who becomes its administrator; and shegong.conf in the sshd
      folder (default /etc/ssh/sshd_config.d), which starts the program
      for every login of the workers' group and allows nothing else (no
      forwarding, no other command), and on the port PORT (default 2222,
      or the one given before; sshd listens there too, and on 22 as
      before) gives the same logins SFTP into their own files folder and
      nothing else; then reloads sshd.  Every folder above DIR/files must
      be root's and writable by root alone (sshd's ChrootDirectory), as
      /srv/shegong is.  Run it again after installing a new shegong
      ("make install" takes the setgid bit away): what is in place already
      is kept, and the folders get the owners and modes above (an older
      install's data folder 2770 among them).

  add-worker LOGIN --role ROLE --unit CODE [--name NAME]
       [--encoding utf-8|gb18030] [--lang zh_CN|en] [--key FILE] [--data DIR]
      Make the login account LOGIN (in the workers' group, shell /bin/sh,
      no password yet), its files folder DIR/files/LOGIN (LOGIN's own,
      mode 0700: the print dialog saves there, and the worker fetches
      the files with SFTP, e.g. WinSCP or FileZilla, on the files port),
      and register it in the database as a worker ("shegong user add", as
      the administrator).  ROLE is village, township, supervisor or
      admin; CODE the worker's village or township.  --encoding is the
      worker's terminal: utf-8, or gb18030 for an old PuTTY or Windows
      console set to GBK.  --key FILE adds the
      public key(s) in FILE to ~LOGIN/.ssh/authorized_keys; without one,
      give the worker a password with "passwd LOGIN".

  remove-worker LOGIN [--data DIR]
      Disable LOGIN in the database ("shegong user disable") and lock its
      login account (no password, no key).  Its records and the audit
      trail keep the login; the account is not deleted, so that its
      number is never given to someone else.  Its files folder
      DIR/files/LOGIN is kept as it is (root can still read it; delete it
      with rm -r when its files are no longer needed).

--data DIR names the data folder made by init; add-worker and
remove-worker read the rest (program, administrator, groups) from
DIR/township.conf, which init writes.
EOF
}

say() { printf '%s\n' "$*"; }
die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
usage_die() { printf '%s: %s\nTry "%s --help".\n' "$prog" "$*" "$prog" >&2; exit 2; }

need_root() {
	[ "$(id -u)" -eq 0 ] || die "run this as root (it makes groups and accounts)"
}

# A path that goes into sshd's ForceCommand and a shell: plain characters only.
plain_path() {
	case $2 in
	/*) ;;
	*) usage_die "$1 must be an absolute path, not \"$2\"" ;;
	esac
	case $2 in
	*[!A-Za-z0-9_./+-]*) usage_die "$1 \"$2\": use letters, digits and _ . / + - only" ;;
	esac
}

check_login() {
	case $1 in
	'' | -* | *[!a-z0-9_-]* | [0-9]*) usage_die "\"$1\" is not a login name (lower-case letters, digits, _ and -, starting with a letter)" ;;
	esac
	[ "${#1}" -le 32 ] || usage_die "\"$1\" is longer than 32 characters"
}

# The program's messages and the Chinese names in its arguments need a
# UTF-8 (or GB18030) locale; root's is often C.
cli_locale() {
	case $(locale charmap 2>/dev/null) in
	UTF-8 | GB18030) ;;
	*) LC_ALL=C.UTF-8; export LC_ALL ;;
	esac
}

# Run the program as the database's administrator.  setpriv (util-linux)
# changes the ids without PAM; the program is setgid, so it still gets
# the data's group.
as_admin() {
	if [ "$admin" = root ]; then
		"$bin" --db "$data/db" "$@"
	else
		setpriv --reuid="$admin" --regid="$(id -g "$admin")" --init-groups \
			"$bin" --db "$data/db" "$@"
	fi
}

state_file() { printf '%s/township.conf' "$data"; }

read_state() {
	f=$(state_file)
	[ -f "$f" ] || die "$f is missing: run \"$prog init\" first (with --data $data if the data is there)"
	[ "$(stat -c %u "$f")" = 0 ] || die "$f does not belong to root: not used"
	bin=$(sed -n 's/^bin=//p' "$f")
	admin=$(sed -n 's/^admin=//p' "$f")
	group=$(sed -n 's/^group=//p' "$f")
	wgroup=$(sed -n 's/^workers_group=//p' "$f")
	files_port=$(sed -n 's/^files_port=//p' "$f")
	files_port=${files_port:-2222}
	if [ -z "$bin" ] || [ -z "$admin" ] || [ -z "$group" ] || [ -z "$wgroup" ]; then
		die "$f is incomplete: run \"$prog init\" again"
	fi
	[ -x "$bin" ] || die "the program $bin (from $f) is missing: install it and run \"$prog init\" again"
}

# A worker's registration: "active", "disabled" or "" (not registered).
worker_status() {
	as_admin user list | awk -F '\t' -v l="$1" '$1 == l { print $5; exit }'
}

group_members() {
	getent group "$1" | cut -d: -f4
}

# Whether sshd takes the folder as a ChrootDirectory: it and every folder
# above it root's and writable by nobody else (a sticky /tmp is not
# allowed either); else say which is not.
chroot_ok() {
	p=$1
	while :; do
		if [ "$(stat -c %u "$p")" != 0 ] || [ -n "$(find "$p" -maxdepth 0 -perm /022)" ]; then
			say "Warning: $p belongs to $(stat -c %U "$p"), mode $(stat -c %a "$p"): sshd's ChrootDirectory"
			say "  needs $1 and every folder above it to be root's and writable by root alone."
			return 1
		fi
		[ "$p" != / ] || return 0
		p=$(dirname "$p")
	done
}

# The Port lines of the sshd configuration.  A Port anywhere ends sshd's
# default (22): when no other file of the configuration names a port or
# a listening address, 22 is named here too; else the others' ports stay
# and this one is added to them.
port_lines() {
	others=
	if [ "$sshd_dir" = /etc/ssh/sshd_config.d ]; then
		for f in /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; do
			[ -f "$f" ] || continue
			[ "$f" != "$sshd_dir/shegong.conf" ] || continue
			if grep -Eqi '^[[:space:]]*(Port|ListenAddress)[[:space:]]' "$f"; then
				others=$f
			fi
		done
	fi
	if [ -z "$others" ]; then
		printf 'Port 22\n'
	else
		printf '# (%s names the other port(s))\n' "$others"
	fi
	printf 'Port %s\n' "$files_port"
}

# --- init -------------------------------------------------------------------

cmd_init() {
	county_code='' county_name='' units=''
	while [ $# -gt 0 ]; do
		case $1 in
		--county)
			[ $# -ge 3 ] || usage_die "--county needs a code and a name"
			county_code=$2 county_name=$3
			shift 3
			continue ;;
		--units) [ $# -ge 2 ] || usage_die "--units needs a file"; units=$2 ;;
		--data) [ $# -ge 2 ] || usage_die "--data needs a folder"; data=$2 ;;
		--bin) [ $# -ge 2 ] || usage_die "--bin needs a path"; bin=$2 ;;
		--admin) [ $# -ge 2 ] || usage_die "--admin needs a login"; admin=$2 ;;
		--group) [ $# -ge 2 ] || usage_die "--group needs a name"; group=$2 ;;
		--workers-group) [ $# -ge 2 ] || usage_die "--workers-group needs a name"; wgroup=$2 ;;
		--sshd-dir) [ $# -ge 2 ] || usage_die "--sshd-dir needs a folder"; sshd_dir=$2 ;;
		--files-port) [ $# -ge 2 ] || usage_die "--files-port needs a port number"; files_port=$2 ;;
		*) usage_die "init: unknown option \"$1\"" ;;
		esac
		shift 2
	done
	need_root
	[ -n "$county_code" ] || usage_die "init needs --county CODE NAME"
	[ -z "$units" ] || [ -r "$units" ] || die "cannot read the units file $units"
	if [ -z "$bin" ]; then
		bin=$(command -v shegong) || die "shegong is not installed (make install), or name it with --bin"
	fi
	[ -f "$bin" ] || die "the program $bin is missing"
	bin=$(readlink -f "$bin")
	plain_path --bin "$bin"
	plain_path --data "$data"
	check_login "$group"
	check_login "$wgroup"
	# the port of an earlier init is kept unless named
	if [ -z "$files_port" ] && [ -f "$(state_file)" ]; then
		files_port=$(sed -n 's/^files_port=//p' "$(state_file)")
	fi
	files_port=${files_port:-2222}
	case $files_port in
	'' | *[!0-9]* | 0*) usage_die "--files-port takes a port number (1-65535), not \"$files_port\"" ;;
	esac
	[ "$files_port" -le 65535 ] || usage_die "--files-port takes a port number (1-65535), not \"$files_port\""
	[ "$files_port" != 22 ] || usage_die "--files-port must not be 22, the port of the program's logins"
	[ "$group" != "$wgroup" ] || usage_die "the data's group and the workers' group must differ"
	id "$admin" >/dev/null 2>&1 || die "there is no login account \"$admin\" for --admin"
	"$bin" --version >/dev/null || die "$bin does not run"
	if command -v findmnt >/dev/null 2>&1 &&
		findmnt -no OPTIONS -T "$bin" | tr , '\n' | grep -qx nosuid; then
		die "$bin is on a file system mounted nosuid, where setgid does nothing: install it elsewhere"
	fi
	cli_locale

	# the groups
	if getent group "$group" >/dev/null; then
		say "The group $group is there already."
	else
		groupadd --system "$group"
		say "Made the system group $group: it owns the data; no worker is in it."
	fi
	if [ -n "$(group_members "$group")" ]; then
		say "Warning: $(group_members "$group") (in the group $group) can read the data without the program;"
		say "  take them out: gpasswd -d LOGIN $group"
	fi
	if getent group "$wgroup" >/dev/null; then
		say "The group $wgroup is there already."
	else
		groupadd "$wgroup"
		say "Made the group $wgroup: its logins get the program over SSH and nothing else."
	fi

	# the data folder (others pass through it to their files folder), the
	# database's folder (the group's), the files folders' folder (root's,
	# sshd's chroot for SFTP); an older install had the data folder 2770
	mkdir -p "$data"
	chown root:"$group" "$data"
	chmod 2751 "$data"
	[ ! -L "$data/db" ] || die "$data/db is a symbolic link: not used"
	if [ ! -d "$data/db" ]; then
		mkdir "$data/db"
		chown root:"$group" "$data/db"
	fi
	chgrp "$group" "$data/db"
	chmod 2770 "$data/db"
	[ ! -L "$data/files" ] || die "$data/files is a symbolic link: not used"
	mkdir -p "$data/files"
	chown root:root "$data/files"
	chmod 0711 "$data/files"
	chmod g-s "$data/files"
	chown root:"$group" "$bin"
	chmod 2755 "$bin"
	say "The data folder $data is root:$group, mode 2751; the database's folder $data/db root:$group, mode 2770;"
	say "  the files folders' $data/files root:root, mode 0711; the program $bin is root:$group, mode 2755 (setgid)."
	chroot_ok "$data/files" ||
		say "  SFTP into the files folders will not work until the data folder is moved there."
	# the program of the Debian package: dpkg puts the same owner and mode
	# back on every upgrade (a statoverride), where "make install" does not
	if command -v dpkg-statoverride >/dev/null 2>&1 && dpkg -S "$bin" >/dev/null 2>&1; then
		if [ "$(dpkg-statoverride --list "$bin" 2>/dev/null)" != "root $group 2755 $bin" ]; then
			dpkg-statoverride --remove "$bin" >/dev/null 2>&1 || true
			dpkg-statoverride --add root "$group" 2755 "$bin"
		fi
		say "dpkg keeps $bin root:$group, mode 2755 across upgrades (dpkg-statoverride --list $bin)."
	fi

	# the database
	if [ -e "$data/db/data.mdb" ]; then
		say "$data/db holds a database already: kept as it is."
	elif [ -n "$units" ] && [ "$admin" != root ]; then
		# the administrator may not be able to open root's file: hand it over
		as_admin init --county "$county_code" "$county_name" --units /dev/stdin <"$units"
	elif [ -n "$units" ]; then
		as_admin init --county "$county_code" "$county_name" --units "$units"
	else
		as_admin init --county "$county_code" "$county_name"
	fi
	# files an older install or another umask left: the group reads and writes them
	chgrp -R "$group" "$data/db"
	chmod -R g+rwX,o-rwx "$data/db"
	find "$data/db" -type d -exec chmod g+s {} +

	# what add-worker and remove-worker need later
	f=$(state_file)
	{
		say "# written by $prog init; run it again to change"
		say "bin=$bin"
		say "admin=$admin"
		say "group=$group"
		say "workers_group=$wgroup"
		say "files_port=$files_port"
	} >"$f.new"
	chown root:root "$f.new"
	chmod 0644 "$f.new"
	mv "$f.new" "$f"

	write_sshd_config
	say ""
	say "Next: add each worker with"
	opt=
	[ "$data" = /srv/shegong ] || opt=" --data $data"
	say "  $prog add-worker LOGIN --role village --unit VILLAGE-CODE --name NAME --encoding utf-8$opt"
}

write_sshd_config() {
	mkdir -p "$sshd_dir"
	conf=$sshd_dir/shegong.conf
	{
	cat <<EOF
# shegong: written by $prog init; run it again rather than edit this.
# sshd listens on the port $files_port too, where a login of the group
# $wgroup gets SFTP into its own files folder ($data/files/LOGIN) and
# nothing else.
EOF
	port_lines
	cat <<EOF

# SFTP only, shut in $data/files (ChrootDirectory: every folder on the way
# root's), starting in the login's own folder; before the program's Match,
# since the first value of a setting wins.
Match Group $wgroup LocalPort $files_port
	ChrootDirectory $data/files
	ForceCommand internal-sftp -d /%u
	PermitTTY no
	DisableForwarding yes
	AllowTcpForwarding no
	AllowStreamLocalForwarding no
	AllowAgentForwarding no
	X11Forwarding no
	PermitTunnel no
	PermitUserRC no

# A login of the group $wgroup gets the program on its database and
# nothing else: no other command, no shell, no forwarding.  The program
# needs a terminal (PuTTY asks for one by default).
Match Group $wgroup
	ForceCommand exec $bin --db $data/db
	PermitTTY yes
	DisableForwarding yes
	AllowTcpForwarding no
	AllowStreamLocalForwarding no
	AllowAgentForwarding no
	X11Forwarding no
	PermitTunnel no
	PermitUserRC no
EOF
	} >"$conf.new"
	chmod 0644 "$conf.new"
	if [ -f "$conf" ] && cmp -s "$conf" "$conf.new"; then
		rm -f "$conf.new"
		say "$conf is up to date."
	else
		mv "$conf.new" "$conf"
		say "Wrote $conf."
	fi
	if [ "$sshd_dir" != /etc/ssh/sshd_config.d ]; then
		say "This sshd configuration is not the system's: include $conf in the sshd_config that"
		say "  should use it (\"Include $conf\") and reload that sshd."
		return 0
	fi
	if ! grep -Eq '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/\*\.conf' /etc/ssh/sshd_config 2>/dev/null; then
		say "Warning: /etc/ssh/sshd_config does not include /etc/ssh/sshd_config.d/*.conf;"
		say "  add \"Include /etc/ssh/sshd_config.d/*.conf\" at its top."
	fi
	# sshd -t refuses any configuration while sshd's privilege separation
	# folder is missing (sshd never started yet: a fresh install, a
	# chroot); make it as Debian's ssh init script and ssh.service do
	if command -v sshd >/dev/null 2>&1 && [ ! -d /run/sshd ]; then
		mkdir -p -m 0755 /run/sshd
	fi
	if command -v sshd >/dev/null 2>&1 && ! sshd -t; then
		mv "$conf" "$conf.rejected"
		die "sshd does not accept the configuration (see above); $conf was moved to $conf.rejected"
	fi
	# what sshd makes of it all (-T needs a connection to test with, since
	# a Match names a LocalPort)
	effective=
	if command -v sshd >/dev/null 2>&1; then
		effective=$(sshd -T -C user=root,host=localhost,addr=127.0.0.1,lport=22 2>/dev/null) || effective=
	fi
	if [ -n "$effective" ]; then
		listen=$(printf '%s\n' "$effective" | sed -n 's/^listenaddress //p')
		if ! printf '%s\n' "$listen" | grep -q ":$files_port\$"; then
			say "Warning: sshd will not listen on the port $files_port (a ListenAddress elsewhere names its"
			say "  own port): add \"ListenAddress ADDRESS:$files_port\" next to it for SFTP."
		fi
		if ! printf '%s\n' "$effective" | grep -qi '^subsystem sftp '; then
			say "Warning: the sshd configuration names no sftp subsystem, which SFTP needs even though"
			say "  ForceCommand runs internal-sftp: add \"Subsystem sftp internal-sftp\" to /etc/ssh/sshd_config."
		fi
		if ! printf '%s\n' "$listen" | grep -qv ":$files_port\$"; then
			say "Warning: sshd listens on the port $files_port alone: name the port of the logins"
			say "  (\"Port 22\") in /etc/ssh/sshd_config."
		fi
	fi
	say "Open the port $files_port (TCP) in the server's firewall for the village PCs, as 22 is."
	if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet ssh 2>/dev/null; then
		systemctl reload ssh
		say "Reloaded sshd."
	elif [ -s /run/sshd.pid ] && kill -HUP "$(cat /run/sshd.pid)" 2>/dev/null; then
		say "Reloaded sshd."
	else
		say "sshd is not running: start it (systemctl start ssh); the configuration is in place."
	fi
}

# --- add-worker -------------------------------------------------------------

cmd_add_worker() {
	[ $# -ge 1 ] || usage_die "add-worker needs a login"
	login=$1
	shift
	role='' unit='' name='' encoding='' lang='' key=''
	while [ $# -gt 0 ]; do
		[ $# -ge 2 ] || usage_die "$1 needs a value"
		case $1 in
		--role) role=$2 ;;
		--unit) unit=$2 ;;
		--name) name=$2 ;;
		--encoding) encoding=$2 ;;
		--lang) lang=$2 ;;
		--key) key=$2 ;;
		--data) data=$2 ;;
		*) usage_die "add-worker: unknown option \"$1\"" ;;
		esac
		shift 2
	done
	need_root
	check_login "$login"
	[ "$login" != root ] || usage_die "root is not a worker"
	case $encoding in
	'' | utf-8 | gb18030) ;;
	*) usage_die "--encoding is utf-8 or gb18030, not \"$encoding\"" ;;
	esac
	[ -z "$key" ] || [ -r "$key" ] || die "cannot read the key file $key"
	read_state
	cli_locale
	status=$(worker_status "$login")
	if [ -z "$status" ] && { [ -z "$role" ] || [ -z "$unit" ]; }; then
		usage_die "add-worker needs --role and --unit"
	fi
	[ "$status" != disabled ] ||
		die "$login was removed (disabled in the database); it is not made a worker again here"

	# the login account
	made=
	if id "$login" >/dev/null 2>&1; then
		usermod -a -G "$wgroup" "$login"
		say "The login account $login is there already; it is in the group $wgroup."
	else
		useradd --create-home --shell /bin/sh --groups "$wgroup" "$login"
		# "*": no password that works, but not locked, so an SSH key works
		# (sshd without PAM refuses a locked "!" account even with a key)
		usermod -p '*' "$login"
		made=yes
		say "Made the login account $login (group $wgroup); it has no password yet."
	fi
	for g in $(id -nG "$login"); do
		[ "$g" != "$group" ] ||
			die "$login is in the group $group and could read the data without the program: gpasswd -d $login $group"
	done

	# the files folder: the worker's own, in root's $data/files (sshd's
	# chroot for SFTP); the program, run by the worker, writes there
	if [ ! -d "$data/files" ] || [ -L "$data/files" ]; then
		die "$data/files is missing: run \"$prog init\" again (it makes the files folders' folder)"
	fi
	fdir=$data/files/$login
	[ ! -L "$fdir" ] || die "$fdir is a symbolic link: not used"
	[ -d "$fdir" ] || mkdir "$fdir"
	chown "$login:$(id -g "$login")" "$fdir"
	chmod 0700 "$fdir"
	say "The files folder of $login is $fdir, theirs alone (SFTP on the port $files_port)."
	if [ -n "$key" ]; then
		home=$(getent passwd "$login" | cut -d: -f6)
		# as the worker, so that nothing in their home leads root astray
		# shellcheck disable=SC2016
		setpriv --reuid="$login" --regid="$(id -g "$login")" --init-groups \
			env HOME="$home" sh -c 'umask 077 && mkdir -p "$HOME/.ssh" &&
				touch "$HOME/.ssh/authorized_keys" &&
				while IFS= read -r k; do
					[ -n "$k" ] || continue
					grep -qxF "$k" "$HOME/.ssh/authorized_keys" || printf "%s\n" "$k" >>"$HOME/.ssh/authorized_keys"
				done' <"$key"
		say "The key(s) in $key let $login in."
	fi

	# the registration
	if [ -n "$status" ]; then
		say "$login is registered in the database already (role and unit kept; change them with shegong user)."
		if [ -n "$name$encoding$lang" ]; then
			as_admin user set "$login" ${name:+--name "$name"} ${encoding:+--encoding "$encoding"} \
				${lang:+--lang "$lang"}
		fi
	else
		as_admin user add "$login" --role "$role" --unit "$unit" ${name:+--name "$name"} \
			${encoding:+--encoding "$encoding"} ${lang:+--lang "$lang"}
	fi
	case $encoding in
	gb18030) loc=zh_CN.gb18030 ;;
	*) loc=zh_CN.utf8 ;;
	esac
	if [ "$lang" != en ] && ! locale -a 2>/dev/null | grep -qix "$loc"; then
		say "Warning: this server lacks the locale $loc: uncomment it in /etc/locale.gen and run locale-gen."
	fi
	say ""
	say "$login logs in with SSH (PuTTY: Connection > Data > Auto-login username $login) and gets"
	say "the program at once.  PuTTY's Window > Translation > Remote character set must be"
	case $encoding in
	gb18030) say "GB18030 (the account's encoding); no LANG needs setting." ;;
	*) say "UTF-8 (the account's encoding); no LANG needs setting." ;;
	esac
	say "Files the program saves for $login (the print dialog) are in their files folder: WinSCP or"
	say "FileZilla on the village PC fetch them with SFTP, host this server, port $files_port, login $login."
	[ -n "$key" ] || [ -z "$made" ] || say "Give $login a password (passwd $login) or a key (add-worker again with --key FILE)."
}

# --- remove-worker ----------------------------------------------------------

cmd_remove_worker() {
	[ $# -ge 1 ] || usage_die "remove-worker needs a login"
	login=$1
	shift
	while [ $# -gt 0 ]; do
		[ $# -ge 2 ] || usage_die "$1 needs a value"
		case $1 in
		--data) data=$2 ;;
		*) usage_die "remove-worker: unknown option \"$1\"" ;;
		esac
		shift 2
	done
	need_root
	check_login "$login"
	read_state
	cli_locale
	case $(worker_status "$login") in
	active) as_admin user disable "$login" ;;
	disabled) say "$login is disabled in the database already." ;;
	*) say "$login is not registered in the database." ;;
	esac
	if id "$login" >/dev/null 2>&1; then
		# -L: the password cannot be used; -e 1: the account has expired,
		# which stops SSH keys too
		usermod -L -e 1 "$login"
		say "The login account $login is locked (kept, so that its number is not reused)."
		say "Sessions open now go on until they end; \"pkill -HUP -u $login\" ends them (drafts are kept)."
	else
		say "There is no login account $login."
	fi
	if [ -d "$data/files/$login" ]; then
		say "Its files folder $data/files/$login is kept as it is (SFTP no longer lets $login in);"
		say "  delete it (rm -r $data/files/$login) when its files are no longer needed."
	fi
}

# --- main ---------------------------------------------------------------------

umask 022
[ $# -ge 1 ] || { usage >&2; exit 2; }
cmd=$1
shift
case $cmd in
init) cmd_init "$@" ;;
add-worker) cmd_add_worker "$@" ;;
remove-worker) cmd_remove_worker "$@" ;;
-h | --help | help) usage ;;
*) usage_die "unknown command \"$cmd\"" ;;
esac
