"""Printing rows: aligned columns for people, JSON for scripts, CSV for spreadsheets."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import Any, TextIO

Row = dict[str, Any]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def table(rows: Sequence[Row], columns: Sequence[str], out: TextIO) -> None:
    """Left-aligned columns under an upper-case header; `(none)` for no rows."""
    if not rows:
        print("(none)", file=out)
        return
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print(
        "  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
        file=out,
    )
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip(), file=out)


def pairs(values: Row, out: TextIO) -> None:
    """`key   value` lines, keys aligned."""
    width = max(len(k) for k in values)
    for k, v in values.items():
        print(f"{k.ljust(width)}  {_cell(v)}", file=out)


def as_json(value: Any, out: TextIO) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str), file=out)


def as_csv(rows: Sequence[Row], columns: Sequence[str], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: _cell(r.get(c)) for c in columns})
