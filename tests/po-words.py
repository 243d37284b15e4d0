#!/usr/bin/env python3
"""po-words.py: the Chinese a worker reads, checked in locale/zh_CN.po.

Usage: tests/po-words.py [PO]   (default: $srcdir/locale/zh_CN.po, else
locale/zh_CN.po beside this folder)

Fails (exit 1, naming each entry) when
- a translation speaks to the worker as 你: the program says 您;
- a translation of a screen's text (an entry from src/ui*.c; one
  without a reference line is looked for in src/*.c) or of a
  form's label, hint or choice (an entry from forms/) holds an English
  word or an internal code: only the names of keys (F1 ... F12, Esc,
  Ctrl, Alt, Tab), a single letter (a key: y, n, o, t), and a few names
  a worker meets as they are (CSV, Excel, WPS, U盘, ssh and the yes it
  asks for, an example address, the program's name) may stay;
- a translation holds one of the codes that once showed through
  (`success`, `unregistered`, a record id like res-3f9a2c71d0e4-42)
  outside the command line's own messages;
- a village PC is called 村社工站 (it is the 村(社区)社工室's).
The command line's messages (src/cli*.c and the rest) may name options
and values as typed (--village, success ...); they are checked for 你
and 村社工站 only.
"""
import os
import re
import sys

# English words a screen may show: the keys' names and what a worker
# types or reads as it is
ALLOWED = {
    "F", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12",
    "Esc", "Ctrl", "Alt", "Tab", "Shift-Tab", "Enter", "Home", "End", "PgUp", "PgDn",
    "Insert", "Delete", "Ctrl-C", "x24", "CSV", "Excel", "WPS", "zsf", "shegong",
    "U",            # U盘
    "ssh", "yes",   # what ssh asks, answered as it asks
    "anning",       # the example of an address: anning@192.168.1.10
    # commands to type, as they are: "运行 shegong certificate 编号"
    "certificate", "referral", "slip", "check-forms", "print", "out", "lp",
    # the programs on the village PC, by the names they show
    "PuTTY", "WinSCP", "FileZilla",
    # a file's kind and a paper's size, as every office in China says them
    "PDF", "A4", "XLSX",
    # a file name's ending as Windows shows it: 花名册.xlsx
    "xlsx", "xls", "csv",
}
# the audit screen's filter takes a record id (the trail names records so)
AUDIT_ID = re.compile(r"\b(res|need|svc|vol|org|rsc|ref|proj|unit|user)-[0-9a-f]{12}-\d+\b")
CODES = re.compile(r"\b(success|unregistered|registered|no_capacity|not_needed|"
                   r"(res|need|svc|vol|org|rsc|ref|proj|unit|user)-[0-9a-f]{12}-\d+)\b")
FORMAT = re.compile(r"%(\d+\$)?[-+ #0]*[0-9*]*(\.[0-9*]+)?(hh|h|ll|l|z|j|t)?[diouxXeEfgGcsp%]")


def entries(text):
    """(references, msgid, msgstr) of every entry."""
    for block in re.split(r"\n\s*\n", text):
        refs = " ".join(re.findall(r"^#: (.*)$", block, re.M))
        mid = re.search(r"^msgid ((?:\".*\"\n?)+)", block, re.M)
        mstr = re.search(r"^msgstr ((?:\".*\"\n?)+)", block, re.M)
        if not mid or not mstr or block.lstrip().startswith("#~"):
            continue
        join = lambda m: "".join(re.findall(r"\"(.*)\"", m.group(1)))
        yield refs, join(mid), join(mstr)


def sources(root):
    """The text of each file whose strings are translated: src/*.c."""
    out = {}
    d = os.path.join(root, "src")
    for name in sorted(os.listdir(d)):
        if name.endswith(".c"):
            with open(os.path.join(d, name), encoding="utf-8", errors="replace") as f:
                out["src/" + name] = f.read()
    return out


def origin(msgid, files):
    """The files whose text holds the msgid's start (an entry written into
    the catalogue by hand has no reference line)."""
    head = msgid[:48]
    return " ".join(name for name, text in files.items() if '"' + head in text)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    srcdir = os.environ.get("srcdir") or os.path.join(here, "..")
    po = sys.argv[1] if len(sys.argv) > 1 else os.path.join(srcdir, "locale", "zh_CN.po")
    with open(po, encoding="utf-8") as f:
        text = f.read()
    files = sources(srcdir)
    bad = []
    n = 0
    for refs, msgid, msgstr in entries(text):
        if not msgid:
            continue  # the header
        n += 1
        if not refs:
            refs = origin(msgid, files)
        if "你" in msgstr:
            bad.append("says 你, not 您: %r" % msgstr)
        if "村社工站" in msgstr:
            bad.append("calls the village's room 村社工站: %r" % msgstr)
        screen = re.search(r"(src/ui[^ ]*|forms/[^ ]*)", refs) is not None
        # an entry the command line shares with a screen is the screen's too
        if not screen:
            continue
        plain = FORMAT.sub(" ", msgstr.replace("\\n", " ").replace("\\\"", " "))
        if "src/ui-audit.c" in refs:
            plain = AUDIT_ID.sub(" ", plain)
        m = CODES.search(plain)
        if m:
            bad.append("shows the code %r on a screen (%s): %r" % (m.group(0), refs, msgstr))
        for word in re.findall(r"[A-Za-z][A-Za-z0-9_\-]*", plain):
            if word not in ALLOWED and len(word) > 1:   # a letter is a key
                bad.append("shows the English %r on a screen (%s): %r" % (word, refs, msgstr))
    if n < 500:
        bad.append("only %d entries read from %s: is it the catalogue?" % (n, po))
    # every source with messages is in POTFILES: make update-po reads only
    # those, and drops the translations of any other's messages
    listed = os.path.join(srcdir, "locale", "POTFILES")
    if os.path.exists(listed):
        with open(listed, encoding="utf-8") as f:
            names = {line.strip() for line in f if line.strip()}
        d = os.path.join(srcdir, "src")
        for name in sorted(os.listdir(d)):
            if not name.endswith(".c"):
                continue
            with open(os.path.join(d, name), encoding="utf-8", errors="replace") as f:
                code = f.read()
            if re.search(r'\b(N_|_)\("', code) and "src/" + name not in names:
                bad.append("src/%s has messages but is not in locale/POTFILES" % name)
    for b in bad:
        print("po-words: " + b)
    print("po-words: %d entries, %d faults" % (n, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
