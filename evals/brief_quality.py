"""Field-level precision and recall of the brief extractor on a labelled set (evals/briefs/*.yaml).

    python -m evals.brief_quality [evals/briefs/briefs-blind-01.yaml] [--misses]

Each field value is a unit: a scalar (brand, dates, fee...) is one, every hashtag and code is one, every
deliverable (count, kind, platform) is one and every due date of a deliverable is one. A unit the
extractor gives that the label does not is a false positive; one it misses, a false negative.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from knowledge.briefs.extract import extract_brief

__all__ = ["score", "units"]

SCALARS = ("brand", "contact", "campaign", "start", "end", "fee", "currency", "vat", "payment_days",
           "usage_months", "exclusivity_months")


def _norm(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.replace(".", "", 1).isdigit():
        value = Decimal(value)
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        return format(Decimal(str(value)).normalize(), "f")  # 12000, "12000" and 12000.00 are one value
    if isinstance(value, str):
        return " ".join(value.casefold().replace("\"", "").replace("״", "").split()).rstrip(".")
    return value


def units(fields: dict[str, Any]) -> set[tuple[str, Any]]:
    """The scored units of a brief's fields (labelled or extracted)."""
    out: set[tuple[str, Any]] = set()
    for key in SCALARS:
        if fields.get(key) not in (None, "", []):
            out.add((key, _norm(fields[key])))
    if fields.get("signed"):
        out.add(("signed", True))
    for key in ("hashtags", "codes"):
        out.update((key, _norm(v)) for v in fields.get(key) or [])
    for item in fields.get("deliverables") or []:
        what = (int(item["count"]), item["kind"], item["platform"])
        out.add(("deliverables", what))
        out.update(("due", (what[1], what[2], _norm(d))) for d in item.get("due") or [])
    return out


def score(path: Path, *, show_misses: bool = False) -> dict[str, Any]:
    """Precision and recall per field and overall on one labelled file."""
    data = yaml.safe_load(path.read_text("utf-8"))
    today = dt.datetime.fromisoformat(data["now"]).date()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for brief in data["briefs"]:
        got = units(extract_brief(brief["text"], today=today, influencer="Maya").as_dict())
        want = units(brief["expect"])
        for unit in got & want:
            tp[unit[0]] += 1
        for unit in got - want:
            fp[unit[0]] += 1
        for unit in want - got:
            fn[unit[0]] += 1
        if show_misses and got != want:
            print(f"- {brief['id']}: extra {sorted(map(str, got - want))} missing {sorted(map(str, want - got))}",
                  file=sys.stderr)
    fields = sorted(set(tp) | set(fp) | set(fn))

    def pr(t: int, f_p: int, f_n: int) -> dict[str, float]:
        return {"precision": round(t / (t + f_p), 3) if t + f_p else 1.0,
                "recall": round(t / (t + f_n), 3) if t + f_n else 1.0, "tp": t, "fp": f_p, "fn": f_n}

    return {"briefs": len(data["briefs"]), "overall": pr(sum(tp.values()), sum(fp.values()), sum(fn.values())),
            "fields": {f: pr(tp[f], fp[f], fn[f]) for f in fields}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", default=["evals/briefs/briefs-blind-01.yaml"])
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args(argv)
    for file in args.files:
        result = score(Path(file), show_misses=args.misses)
        overall = result["overall"]
        print(f"{file}: {result['briefs']} briefs, precision {overall['precision']:.3f}, "
              f"recall {overall['recall']:.3f}")
        for name, values in result["fields"].items():
            print(f"  {name:20} P {values['precision']:.3f}  R {values['recall']:.3f}  "
                  f"(tp {values['tp']}, fp {values['fp']}, fn {values['fn']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
