#!/usr/bin/env python3
"""pty-run.py: run a command in a pseudo-terminal (24x80), as a person at
a terminal would, until a full-screen program shows its screen; then type
keys to quit it and wait for the command to end.

  pty-run.py --log FILE [--timeout SEC] [--expect TEXT]... [--keys KEYS]
             [--confirm KEYS] -- COMMAND [ARG]...

Everything the command writes goes to FILE.  Once the program has entered
the alternate screen and every --expect TEXT has been drawn there, KEYS
are typed (default "q"); if the command is still running 5 s later,
--confirm KEYS are typed (an "are you sure?").  Exit status: the
command's, or 1 when the screen never came (the end of FILE is printed)
or the command did not end after the keys.  CI uses it for the README's
first command (tools/ci-fresh-debian.sh).
"""
import argparse
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

ALT = b"\x1b[?1049h"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--keys", default="q")
    ap.add_argument("--confirm", default="")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    expect = [e.encode() for e in a.expect]

    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)

    log = open(a.log, "wb")
    screen = None          # what was drawn since the alternate screen came
    start = time.monotonic()
    typed_at = None
    confirmed = False
    status = None
    while True:
        now = time.monotonic()
        if typed_at is None and now - start > a.timeout:
            fail(pid, log, a.log, "no home screen within %d s" % a.timeout)
        if typed_at is not None and not confirmed and a.confirm and now - typed_at > 5:
            os.write(fd, a.confirm.encode())
            confirmed = True
        if typed_at is not None and now - typed_at > 30:
            fail(pid, log, a.log, "still running 30 s after the quit keys")
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:      # EIO: the terminal's other side closed
                data = b""
            if not data:
                break
            log.write(data)
            log.flush()
            if screen is not None or ALT in data:
                if screen is None:
                    screen = data[data.rindex(ALT):]
                else:
                    screen += data
            if typed_at is None and screen is not None and all(e in screen for e in expect):
                time.sleep(0.5)  # let it finish drawing
                print("pty-run: the screen is up (%s) after %d s; typing %r"
                      % (", ".join(a.expect) or "alternate screen", time.monotonic() - start, a.keys))
                os.write(fd, a.keys.encode().decode("unicode_escape").encode("latin-1"))
                typed_at = time.monotonic()
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            # drain what is left
            try:
                while select.select([fd], [], [], 0.2)[0]:
                    d = os.read(fd, 65536)
                    if not d:
                        break
                    log.write(d)
            except OSError:
                pass
            break
    if status is None:
        _, status = os.waitpid(pid, 0)
    log.close()
    code = os.waitstatus_to_exitcode(status)
    if typed_at is None:
        tail(a.log)
        print("pty-run: the command ended (status %d) without showing the screen" % code)
        return code or 1
    print("pty-run: the command ended with status %d" % code)
    if code:
        tail(a.log)
    return code


def tail(path, n=4000):
    with open(path, "rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - n))
        sys.stdout.write(f.read().decode("utf-8", "replace"))
    sys.stdout.write("\n")


def fail(pid, log, path, why):
    log.close()
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    tail(path)
    print("pty-run: " + why)
    sys.exit(1)


if __name__ == "__main__":
    sys.exit(main())
