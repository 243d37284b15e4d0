#!/usr/bin/env python3
"""terminfo-copy.py: where the full-screen program writes its copy of the
terminal's terminfo entry without `rep` (src/ui-term.c), watched with
inotify on the folder $TMPDIR names.

- In a UTF-8 locale ncurses (6.2 and later) sends no REP, so no copy is
  written: nothing named shegong-term-* is made in $TMPDIR.
- In GB18030 the copy is made there, in $TMPDIR (before /dev/shm), and
  removed again before the home screen: the folder is empty afterwards.

Each run is the demo in a pseudo-terminal (tools/pty-run.py), TERM=xterm
(whose entry has rep), until its home screen shows; then q, and y to the
question whether to quit.
"""
import ctypes
import os
import shutil
import struct
import subprocess
import sys
import tempfile

top = os.environ.get("srcdir") or os.path.join(os.path.dirname(__file__), "..")
binary = os.environ.get("SHEGONG_BIN") or os.path.join(top, "src", "shegong")
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok - " + what)
    else:
        failed += 1
        print("FAIL - " + what)


def locales():
    out = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout
    return {l.lower().replace("-", "") for l in out.split()}


IN_CREATE = 0x100
IN_NONBLOCK = 0o4000


def created(fd):
    """The names made in the watched folder since the last call."""
    names = []
    try:
        data = os.read(fd, 65536)
    except BlockingIOError:
        return names
    i = 0
    while i + 16 <= len(data):
        _wd, mask, _cookie, n = struct.unpack_from("iIII", data, i)
        name = data[i + 16:i + 16 + n].rstrip(b"\0").decode()
        if mask & IN_CREATE:
            names.append(name)
        i += 16 + n
    return names


def run_demo(work, lang, tmpdir, tag):
    env = dict(os.environ, LANG=lang, LC_ALL=lang, TERM="xterm", TMPDIR=tmpdir,
               HOME=os.path.join(work, "home"))
    env.pop("TERMINFO", None)
    env.pop("TERMINFO_DIRS", None)
    log = os.path.join(work, tag + ".log")
    r = subprocess.run([sys.executable, os.path.join(top, "tools", "pty-run.py"), "--log", log,
                        "--timeout", "120", "--expect", "F10", "--keys", "qy", "--confirm", "y",
                        "--", binary, "--demo", "--db", os.path.join(work, "db")], env=env)
    if r.returncode != 0:
        with open(log, "rb") as f:
            sys.stdout.write(f.read()[-2000:].decode("utf-8", "replace"))
    return r.returncode == 0


def main():
    have = locales()
    if "zh_cn.utf8" not in have or "zh_cn.gb18030" not in have:
        print("SKIP: zh_CN.UTF-8 or zh_CN.GB18030 is missing (sh tools/install-deps.sh makes them)")
        return 77
    if shutil.which("infocmp") and "\trep=" not in subprocess.run(
            ["infocmp", "-1", "xterm"], capture_output=True, text=True).stdout:
        print("SKIP: this system's xterm entry has no rep")
        return 77
    libc = ctypes.CDLL(None, use_errno=True)
    work = tempfile.mkdtemp(prefix="shegong-terminfo-")
    try:
        os.mkdir(os.path.join(work, "home"))
        tmpdir = os.path.join(work, "tmp")
        os.mkdir(tmpdir)
        fd = libc.inotify_init1(IN_NONBLOCK)
        if fd < 0 or libc.inotify_add_watch(fd, tmpdir.encode(), IN_CREATE) < 0:
            print("SKIP: no inotify here")
            return 77
        # the demo's database made first, in a run of its own
        check(run_demo(work, "zh_CN.UTF-8", tmpdir, "make"), "the demo starts in UTF-8")
        created(fd)
        check(run_demo(work, "zh_CN.UTF-8", tmpdir, "utf8"), "the demo starts again in UTF-8")
        made = [n for n in created(fd) if n.startswith("shegong-term-")]
        check(not made, "UTF-8: no terminfo copy is written (made: %s)" % (made or "none"))
        check(run_demo(work, "zh_CN.GB18030", tmpdir, "gb"), "the demo starts in GB18030")
        made = [n for n in created(fd) if n.startswith("shegong-term-")]
        check(len(made) == 1, "GB18030: the copy is written in $TMPDIR (made: %s)" % (made or "none"))
        left = os.listdir(tmpdir)
        check(not left, "GB18030: the copy is gone again (left: %s)" % (left or "nothing"))
        os.close(fd)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("terminfo-copy.py: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
