# cupsd.sh: sourced by a test to start a private CUPS scheduler (Debian's
# cupsd, cups-daemon) for one test: its own configuration, spool and log
# under $1, listening only on the socket $1/cups.sock, with one queue,
# `village`, that writes every job to the file $1/village.prn through a
# pass-through driver (a PC's dot-matrix printer takes the GB18030 text
# as it is; the driver hands the job's bytes on unchanged). After
# `cups_start DIR`, CUPS_SERVER points lp at it; cups_wait waits for the
# queue to be empty; cups_stop ends it. cupsd must start as root (it
# then runs jobs as lp); cups_start fails (1) when it cannot.

cups_start() {
  cups_dir=$1
  command -v cupsd >/dev/null 2>&1 || return 1
  [ -x /usr/sbin/cupsd ] || return 1
  [ "$(id -u)" -eq 0 ] || return 1
  id lp >/dev/null 2>&1 || return 1
  mkdir -p "$cups_dir/root" "$cups_dir/spool" "$cups_dir/cache" "$cups_dir/state" \
           "$cups_dir/log" "$cups_dir/tmp" "$cups_dir/bin/filter" || return 1
  chmod 755 "$cups_dir" "$cups_dir/bin" "$cups_dir/bin/filter"
  # jobs run as lp, which must reach the folder (a mktemp -d is 0700)
  chmod o+x "$(dirname "$cups_dir")"
  for d in backend cgi-bin daemon monitor notifier; do
    [ -e "/usr/lib/cups/$d" ] && ln -sfn "/usr/lib/cups/$d" "$cups_dir/bin/$d"
  done
  printf '#!/bin/sh\n# pass-through: the job file (argument 6), else standard input\nexec cat ${6:+"$6"}\n' \
    >"$cups_dir/bin/filter/passthrough"
  chmod 755 "$cups_dir/bin/filter/passthrough"
  cat >"$cups_dir/cupsd.conf" <<CONF
Listen $cups_dir/cups.sock
LogLevel info
WebInterface No
Browsing No
<Location />
  Order allow,deny
  Allow all
</Location>
CONF
  cat >"$cups_dir/cups-files.conf" <<CONF
ServerRoot $cups_dir/root
RequestRoot $cups_dir/spool
CacheDir $cups_dir/cache
StateDir $cups_dir/state
TempDir $cups_dir/tmp
ServerBin $cups_dir/bin
DataDir /usr/share/cups
AccessLog $cups_dir/log/access_log
ErrorLog $cups_dir/log/error_log
PageLog $cups_dir/log/page_log
FileDevice Yes
User lp
Group lp
SystemGroup root
CONF
  cat >"$cups_dir/village.ppd" <<'PPD'
*PPD-Adobe: "4.3"
*FormatVersion: "4.3"
*FileVersion: "1.0"
*LanguageVersion: English
*LanguageEncoding: ISOLatin1
*PCFileName: "VILLAGE.PPD"
*Manufacturer: "shegong tests"
*Product: "(Village)"
*ModelName: "Village dot-matrix, text as it is"
*ShortNickName: "Village"
*NickName: "Village dot-matrix, text as it is"
*PSVersion: "(3010.000) 0"
*LanguageLevel: "3"
*ColorDevice: False
*DefaultColorSpace: Gray
*FileSystem: False
*Throughput: "1"
*cupsFilter2: "text/plain application/vnd.cups-raw 0 passthrough"
*OpenUI *PageSize: PickOne
*DefaultPageSize: A4
*PageSize A4: ""
*CloseUI: *PageSize
*DefaultImageableArea: A4
*ImageableArea A4: "0 0 595 842"
*DefaultPaperDimension: A4
*PaperDimension A4: "595 842"
PPD
  chown -R lp "$cups_dir/spool" "$cups_dir/cache" "$cups_dir/state" "$cups_dir/log" "$cups_dir/tmp"
  # the scheduler opens the queue's file as lp and does not make it
  : >"$cups_dir/village.prn"
  chown lp "$cups_dir/village.prn"
  /usr/sbin/cupsd -f -c "$cups_dir/cupsd.conf" -s "$cups_dir/cups-files.conf" &
  cups_pid=$!
  CUPS_SERVER=$cups_dir/cups.sock
  export CUPS_SERVER
  i=0
  until lpstat -r 2>/dev/null | grep -q 'is running'; do
    i=$((i + 1))
    [ $i -gt 100 ] && { cups_stop; return 1; }
    sleep 0.1
  done
  lpadmin -p village -v "file://$cups_dir/village.prn" -E -P "$cups_dir/village.ppd" \
    >/dev/null 2>&1 || { cups_stop; return 1; }
  return 0
}

# Wait (up to 20 s) until no job is waiting or printing.
cups_wait() {
  i=0
  while [ -n "$(lpstat -o 2>/dev/null)" ]; do
    i=$((i + 1))
    [ $i -gt 200 ] && return 1
    sleep 0.1
  done
  return 0
}

cups_stop() {
  if [ -n "${cups_pid:-}" ]; then
    kill "$cups_pid" 2>/dev/null
    wait "$cups_pid" 2>/dev/null
    cups_pid=
  fi
}
