#!/usr/bin/env python3
"""gen-width.py: write src/text-width-table.h, the column-width tables that
text_cp_width() searches, from the Unicode Character Database files that
Debian ships in the unicode-data package.

Run by hand when the Unicode data changes, and commit the output, so the
build never needs Python:

    python3 tools/gen-width.py > src/text-width-table.h

Rules (the same ones the header repeats at its top):
  - East_Asian_Width W and F are 2 columns; A (ambiguous) stays 1, since a
    Chinese terminal in a UTF-8 locale draws those narrow.
  - Unassigned code points in the CJK ideograph blocks and in planes 2 and
    3 default to W, as EastAsianWidth.txt says, so a newer ideograph that
    the terminal knows and we do not still lines up.
  - General_Category Mn, Me and Cf are 0 columns, except U+00AD SOFT
    HYPHEN, which terminals draw as a visible hyphen; U+1160..U+11FF
    (Hangul medial vowels and final consonants, which join the preceding
    initial) and U+200B ZERO WIDTH SPACE are 0 too.
  - Zero width wins over wide (e.g. U+302A..U+302D are Mn and W), so the
    two tables are disjoint.
  - Control characters (C0, DEL, C1) are in neither table: the C code
    handles them before looking anything up.
"""

import argparse
import os
import re
import subprocess
import sys

# Blocks whose unassigned code points EastAsianWidth.txt defaults to W.
DEFAULT_WIDE = [
    (0x3400, 0x4DBF),    # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),    # CJK Unified Ideographs
    (0xF900, 0xFAFF),    # CJK Compatibility Ideographs
    (0x20000, 0x2FFFD),  # plane 2
    (0x30000, 0x3FFFD),  # plane 3
]
ZERO_CATEGORIES = {"Mn", "Me", "Cf"}
ZERO_EXCEPTIONS = {0x00AD}
ZERO_EXTRA = [(0x1160, 0x11FF), (0x200B, 0x200B)]


def parse_range(field):
    if ".." in field:
        lo, hi = field.split("..")
        return int(lo, 16), int(hi, 16)
    cp = int(field, 16)
    return cp, cp


def first_line_name(path):
    """The '# Name-15.0.0.txt' line UCD files open with, or the file name."""
    with open(path, encoding="utf-8") as f:
        line = f.readline().strip()
    m = re.match(r"#\s*(\S+\.txt)", line)
    return m.group(1) if m else os.path.basename(path)


def ucd_version(directory):
    """UnicodeData.txt carries no version; ReadMe.txt beside it does."""
    readme = os.path.join(directory, "ReadMe.txt")
    try:
        with open(readme, encoding="utf-8") as f:
            m = re.search(r"Version (\d+\.\d+\.\d+)", f.read())
        if m:
            return m.group(1)
    except OSError:
        pass
    return "unknown version"


def debian_version():
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "unicode-data"],
            capture_output=True, text=True, check=True)
        return out.stdout.strip() or None
    except (OSError, subprocess.CalledProcessError):
        return None


def read_eaw(path):
    explicit = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            rng, value = (x.strip() for x in line.split(";"))
            lo, hi = parse_range(rng)
            for cp in range(lo, hi + 1):
                explicit[cp] = value
    wide = {cp for cp, v in explicit.items() if v in ("W", "F")}
    for lo, hi in DEFAULT_WIDE:
        for cp in range(lo, hi + 1):
            if cp not in explicit:
                wide.add(cp)
    return wide


def read_zero(path):
    zero = set()
    first = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split(";")
            if len(fields) < 3:
                continue
            cp, name, cat = int(fields[0], 16), fields[1], fields[2]
            # Large blocks are given as a <..., First> / <..., Last> pair.
            if name.endswith(", First>"):
                first = cp
                continue
            lo = first if name.endswith(", Last>") and first is not None else cp
            first = None
            if cat in ZERO_CATEGORIES:
                zero.update(c for c in range(lo, cp + 1) if c not in ZERO_EXCEPTIONS)
    for lo, hi in ZERO_EXTRA:
        zero.update(range(lo, hi + 1))
    return zero


def is_control(cp):
    return cp < 0x20 or 0x7F <= cp <= 0x9F


def to_ranges(points):
    ranges = []
    for cp in sorted(points):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return ranges


def emit_table(out, name, ranges):
    out.write("static const struct text_width_range %s[] = {\n" % name)
    for lo, hi in ranges:
        out.write("\t{0x%05X, 0x%05X},\n" % (lo, hi))
    out.write("};\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ucd", default="/usr/share/unicode",
                    help="directory holding EastAsianWidth.txt and UnicodeData.txt")
    ap.add_argument("-o", "--output", help="write here instead of standard output")
    args = ap.parse_args()

    eaw_path = os.path.join(args.ucd, "EastAsianWidth.txt")
    ud_path = os.path.join(args.ucd, "UnicodeData.txt")
    zero = {cp for cp in read_zero(ud_path) if not is_control(cp)}
    wide = {cp for cp in read_eaw(eaw_path) if not is_control(cp)} - zero
    zero_ranges, wide_ranges = to_ranges(zero), to_ranges(wide)

    deb = debian_version()
    source = "Unicode %s" % ucd_version(args.ucd)
    if deb:
        source += ", Debian unicode-data %s" % deb

    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    out.write(
        "/* text-width-table.h: GENERATED by tools/gen-width.py; do not edit.\n"
        " * Made from %s:\n"
        " *   %s (%s)\n"
        " *   %s (%s)\n"
        " * Wide (2 columns): East_Asian_Width W and F, and unassigned code\n"
        " * points in the CJK ideograph blocks and planes 2 and 3.\n"
        " * Zero (0 columns): General_Category Mn, Me, Cf except U+00AD, plus\n"
        " * U+1160..U+11FF and U+200B.  The tables are sorted and disjoint,\n"
        " * and control characters are in neither: text_cp_width() sees to\n"
        " * them first.  Included by text.c only. */\n"
        % (args.ucd, os.path.basename(ud_path), source,
           os.path.basename(eaw_path), first_line_name(eaw_path)))
    out.write("#ifndef SHEGONG_TEXT_WIDTH_TABLE_H\n#define SHEGONG_TEXT_WIDTH_TABLE_H\n\n")
    out.write("#include <stdint.h>\n\n")
    out.write("struct text_width_range {\n\tuint32_t lo, hi;\n};\n\n")
    out.write("/* %d ranges, %d code points */\n" % (len(zero_ranges), len(zero)))
    emit_table(out, "text_width_zero", zero_ranges)
    out.write("\n/* %d ranges, %d code points */\n" % (len(wide_ranges), len(wide)))
    emit_table(out, "text_width_wide", wide_ranges)
    out.write("\n#endif\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
