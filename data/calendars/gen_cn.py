#!/usr/bin/env python3
"""Mainland China's business calendar for Sluice, from the PyPI package `chinese-calendar`.

Source: chinese-calendar 1.11.0 (https://pypi.org/project/chinese-calendar/,
https://github.com/LKI/chinese-calendar), which transcribes the State Council's yearly
notices on public holidays (国务院办公厅关于节假日安排的通知). It covers 2004-2026.

Writes, next to this script:
  cn.csv            the calendar: `date,kind,note`; every statutory holiday day (weekend days
                    inside a holiday span included, as the package lists them) and every
                    make-up working weekend day (调休). The server embeds it as the built-in
                    calendar `cn`.
  cn_expected.csv   the oracle: for every day of the covered years, the package's own answers:
                    `date,business,prev,next` (is_workday; the workday before and after d,
                    as find_workday(-1, d) and find_workday(0, d + 1 day) give them; empty
                    where they would leave the covered years).
                    backend/tests/calendar_cn.rs compares Sluice's answers with it.

Refresh (when the State Council publishes a new year, usually in November):
  pip install --upgrade chinese-calendar      # or ==<new version>
  python3 data/calendars/gen_cn.py
  cargo test -p sluice-backend --test calendar_cn
and commit both CSV files with the package version in the message.
`python3 data/calendars/gen_cn.py --check` exits 1 if the files differ from what the
installed package gives (the test runs it when the package is importable).
"""
import datetime as dt
import os
import sys

import chinese_calendar as cc
from chinese_calendar import constants

HERE = os.path.dirname(os.path.abspath(__file__))
ONE = dt.timedelta(days=1)


def calendar_rows():
    rows = [(d, "holiday", name) for d, name in constants.holidays.items()]
    rows += [(d, "workday", name + " (make-up workday)") for d, name in constants.workdays.items()]
    rows.sort()
    out = ["date,kind,note"]
    for d, kind, note in rows:
        note = '"' + note.replace('"', '""') + '"' if "," in note or '"' in note else note
        out.append(f"{d.isoformat()},{kind},{note}")
    return "\n".join(out) + "\n"


def years():
    first = min(min(constants.holidays), min(constants.workdays)).year
    last = max(max(constants.holidays), max(constants.workdays)).year
    return first, last


def expected_rows():
    first, last = years()
    lo, hi = dt.date(first, 1, 1), dt.date(last, 12, 31)

    def neighbour(d, step):
        # find_workday(-1, d) / find_workday(1, d), within the covered years.
        x = d + step * ONE
        while lo <= x <= hi and not cc.is_workday(x):
            x += step * ONE
        if not (lo <= x <= hi):
            return ""
        # The package's own search agrees: find_workday(-1, d) is the workday before d,
        # find_workday(0, d + 1 day) the first workday after d.
        assert x == (cc.find_workday(-1, d) if step < 0 else cc.find_workday(0, d + ONE)), d
        return x.isoformat()

    out = ["date,business,prev,next"]
    d = lo
    while d <= hi:
        out.append(f"{d.isoformat()},{'true' if cc.is_workday(d) else 'false'},{neighbour(d, -1)},{neighbour(d, 1)}")
        d += ONE
    return "\n".join(out) + "\n"


def main():
    files = {"cn.csv": calendar_rows(), "cn_expected.csv": expected_rows()}
    check = "--check" in sys.argv[1:]
    stale = []
    for name, text in files.items():
        path = os.path.join(HERE, name)
        if check:
            with open(path, encoding="utf-8") as f:
                if f.read() != text:
                    stale.append(name)
        else:
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
    if stale:
        print("out of date with chinese-calendar " + cc.__version__ + ": " + ", ".join(stale), file=sys.stderr)
        sys.exit(1)
    first, last = years()
    print(f"chinese-calendar {cc.__version__}: {first}-{last} {'up to date' if check else 'written'}")


if __name__ == "__main__":
    main()
