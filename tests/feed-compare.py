#!/usr/bin/env python3
"""feed-compare.py: `shegong report`'s table against the warehouse's view
report_figures (tests/feed-pg.sh).

    feed-compare.py CHOICES REPORT FIGURES

CHOICES is forms/choices (the labels of `choices service`), REPORT what
`shegong report --month M` printed (LANG=C: English labels), FIGURES the
view's rows for the same site and month (and the organisations, month
NULL) as psql -At -F '|' prints
    unit_name_or_#TOTAL | figure | function | value
Every cell of the report (each village column and the total) must be the
view's figure, formatted as the report formats numbers (a figure the view
has no row for is 0, and "-" for the days of no referral resolved).
Prints one line a cell that differs; exit 1 when any does."""
import sys
from decimal import Decimal, ROUND_HALF_UP


def functions(path):
    """label -> value of the service functions (choices service)."""
    out, on = {}, False
    for line in open(path, encoding="utf-8"):
        if line.startswith("choices "):
            on = line.split()[1] == "service"
            continue
        if on and line[:1] in (" ", "\t") and line.strip():
            value, label = line.strip().split(None, 1)
            out[label.strip()] = value
        elif on and line.strip() and line[:1] not in (" ", "\t"):
            on = False
    return out


def fmt(v):
    """report.c's format_number: at most two decimals, zeros dropped."""
    v = Decimal(v)
    h = int((abs(v) * 100).to_integral_value(rounding=ROUND_HALF_UP))
    sign = "-" if v < 0 and h else ""
    if h % 100 == 0:
        return "%s%d" % (sign, h // 100)
    if h % 10 == 0:
        return "%s%d.%d" % (sign, h // 100, h % 100 // 10)
    return "%s%d.%02d" % (sign, h // 100, h % 100)


SIMPLE = {
    "Volunteer hours": "volunteer_hours",
    "Needs opened": "needs_opened",
    "Needs met": "needs_met",
    "Referrals made": "referrals_made",
    "Referrals resolved": "referrals_resolved",
    "Days to resolve, median": "days_median",
    "Days to resolve, mean": "days_mean",
    "Organisations being cultivated": "orgs_cultivating",
}


def key_of(label, fns):
    for prefix, figure in (("Services: ", "services"), ("People served: ", "people")):
        if label.startswith(prefix):
            name = label[len(prefix):]
            if name == "All services":
                return figure, ""
            if name not in fns:
                raise SystemExit("feed-compare: no function is labelled %r" % name)
            return figure, fns[name]
    if label not in SIMPLE:
        raise SystemExit("feed-compare: a figure this test does not know: %r" % label)
    return SIMPLE[label], ""


def main():
    fns = functions(sys.argv[1])
    rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[2], encoding="utf-8")]
    view = {}
    for line in open(sys.argv[3], encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            continue
        unit, figure, function, value = line.split("|")
        view[(unit, figure, function)] = value
    head = rows[0]
    cols = ["#TOTAL" if h == "Total" else h for h in head[1:]]
    bad = cells = 0
    for row in rows[1:]:
        figure, function = key_of(row[0], fns)
        for col, got in zip(cols, row[1:]):
            cells += 1
            v = view.get((col, figure, function))
            if figure in ("days_median", "days_mean"):
                want = "-" if v is None else fmt(v)
            else:
                want = fmt(v if v is not None else "0")
            if got != want:
                bad += 1
                print("differs: %s, %s: the report says %s, the view %s" % (row[0], col, got, want))
    print("%d cells compared, %d differ" % (cells, bad))
    return 1 if bad or cells == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
