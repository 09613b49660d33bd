"""Reports of an eval run: the terminal table and the JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from evals.runner import RunResult

__all__ = ["print_table", "write_json"]


def print_table(result: RunResult, console: Console | None = None, *, only_failures: bool = False) -> None:
    """Case, turn, pass/fail, the first failed expectation, time; then the summary."""
    console = console or Console()
    table = Table(title="eval results", show_lines=False)
    for col in ("suite", "case", "turn", "result", "first failure", "ms"):
        table.add_column(col, overflow="fold")
    for suite in result.suites:
        for case in suite["cases"]:
            for i, turn in enumerate(case.turns):
                if only_failures and not turn["failures"]:
                    continue
                status = (
                    "[red]fail[/]"
                    if turn["failures"]
                    else ("[yellow]skip[/]" if turn.get("skipped") else "[green]pass[/]")
                )
                table.add_row(
                    suite["name"],
                    case.id,
                    str(i + 1),
                    status,
                    turn["failures"][0] if turn["failures"] else "",
                    f"{turn['ms']:.0f}",
                )
            for check in case.after:
                if only_failures and check["passed"]:
                    continue
                table.add_row(
                    suite["name"],
                    case.id,
                    "after",
                    "[green]pass[/]" if check["passed"] else "[red]fail[/]",
                    "" if check["passed"] else f"{check['check']}: actual {check['actual']}",
                    "",
                )
    if table.row_count or not only_failures:
        console.print(table)
    else:
        console.print("no failures")
    s = result.summary()
    line = (
        f"cases {s['cases']}  passed {s['passed']}  failed {s['failed']}  skipped {s['skipped']}  "
        f"pass rate {s['pass_rate']:.1%}  p50 {s['p50_ms']} ms  p95 {s['p95_ms']} ms  engine {s['model']}"
    )
    if result.repeat > 1:
        line += f"  pass^{result.repeat} {s['pass_all_runs']:.1%}  mean {s['mean_pass_rate']:.1%}"
    console.print(line)


def write_json(result: RunResult, path: str | Path) -> None:
    """Write the JSON report of the spec."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def load_json(path: str | Path) -> dict[str, Any]:
    """Read a JSON report back."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
