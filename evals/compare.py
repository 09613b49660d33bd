"""Comparing two JSON reports: regressions first, then fixes, then time changes."""

from __future__ import annotations

from typing import Any

__all__ = ["compare_reports", "format_comparison"]


def _index(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for suite in report.get("suites", []):
        for case in suite.get("cases", []):
            out[f"{suite.get('name')}/{case.get('id')}"] = case
    return out


def _case_ms(case: dict[str, Any]) -> float:
    return sum(float(t.get("ms") or 0) for t in case.get("turns", []))


def _first_failure(case: dict[str, Any]) -> str:
    for t in case.get("turns", []):
        if t.get("failures"):
            return t["failures"][0]
    for a in case.get("after", []):
        if not a.get("passed"):
            return f"{a.get('check')}: actual {a.get('actual')}"
    return ""


def compare_reports(
    old: dict[str, Any], new: dict[str, Any], *, slower_ratio: float = 1.5, min_ms: float = 20.0
) -> dict[str, list[dict[str, Any]]]:
    """Regressions (passed -> failed), fixes (failed -> passed), new/removed cases, time changes."""
    a, b = _index(old), _index(new)
    out: dict[str, list[dict[str, Any]]] = {
        "regressions": [],
        "fixes": [],
        "added": [],
        "removed": [],
        "slower": [],
        "faster": [],
    }
    for key in sorted(set(a) | set(b)):
        if key not in a:
            out["added"].append({"case": key, "passed": b[key].get("passed")})
            continue
        if key not in b:
            out["removed"].append({"case": key})
            continue
        before, after = a[key], b[key]
        if before.get("passed") and not after.get("passed"):
            out["regressions"].append({"case": key, "failure": _first_failure(after)})
        elif not before.get("passed") and after.get("passed"):
            out["fixes"].append({"case": key, "was": _first_failure(before)})
        t0, t1 = _case_ms(before), _case_ms(after)
        if max(t0, t1) >= min_ms and t0 > 0:
            ratio = t1 / t0
            if ratio >= slower_ratio:
                out["slower"].append(
                    {"case": key, "old_ms": round(t0, 1), "new_ms": round(t1, 1), "ratio": round(ratio, 2)}
                )
            elif ratio <= 1 / slower_ratio:
                out["faster"].append(
                    {"case": key, "old_ms": round(t0, 1), "new_ms": round(t1, 1), "ratio": round(ratio, 2)}
                )
    return out


def format_comparison(diff: dict[str, list[dict[str, Any]]], old: dict[str, Any], new: dict[str, Any]) -> str:
    """Readable text: regressions first, then fixes, then time changes, then the two summaries."""
    lines = []
    sections = [
        ("REGRESSIONS", "regressions", lambda d: f"  ✗ {d['case']}: {d['failure']}"),
        ("FIXES", "fixes", lambda d: f"  ✓ {d['case']} (was: {d['was']})"),
        ("ADDED", "added", lambda d: f"  + {d['case']} ({'pass' if d['passed'] else 'fail'})"),
        ("REMOVED", "removed", lambda d: f"  - {d['case']}"),
        ("SLOWER", "slower", lambda d: f"  {d['case']}: {d['old_ms']} -> {d['new_ms']} ms (x{d['ratio']})"),
        ("FASTER", "faster", lambda d: f"  {d['case']}: {d['old_ms']} -> {d['new_ms']} ms (x{d['ratio']})"),
    ]
    for title, key, fmt in sections:
        lines.append(f"{title} ({len(diff[key])})")
        lines.extend(fmt(d) for d in diff[key])
    so, sn = old.get("summary", {}), new.get("summary", {})
    lines.append(
        f"pass rate {so.get('pass_rate', 0):.1%} -> {sn.get('pass_rate', 0):.1%}; "
        f"p95 {so.get('p95_ms')} -> {sn.get('p95_ms')} ms"
    )
    return "\n".join(lines)
