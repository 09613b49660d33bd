"""`make eval-model`: the built-in suites against a real local model server, next to the offline engine.

Runs the same suites twice, offline and with the model engine pointed at llama-cpp-python's server with
Gemma 3 270M (evals/model_server.py installs and starts it), and writes one JSON report: both pass rates,
each case's result under both, and per model turn whether the model was used, which stage fell back and
why, tokens and time. Exit 1 when the model's pass rate is below the offline one (never worse).

    python -m evals.eval_model [SUITE.yaml ...] [--json PATH]      (default: evals/suites/maya-demo.yaml)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from evals.model_server import install, installed, running

__all__ = ["main", "compare"]

DEFAULT_SUITES = ["evals/suites/maya-demo.yaml"]
MODEL_NAME = "gemma-3-270m"


def _run(suites: list[str], report: Path, env: dict[str, str]) -> dict[str, Any]:
    home = tempfile.mkdtemp(prefix="ios-eval-model-")
    env = {**env, "INFLUENCER_OS_HOME": home}
    cli = str(Path(sys.executable).with_name("influencer-os"))
    try:
        subprocess.run([cli, "eval", "run", *suites, "--json", str(report), "--min-pass-rate", "0",
                        "--failures-only"], env=env, check=False)
    finally:
        subprocess.run([cli, "services", "stop"], env=env, capture_output=True, check=False)
    return json.loads(report.read_text(encoding="utf-8"))


def _model_turn(turn: dict[str, Any]) -> dict[str, Any]:
    usage = turn.get("model") or {}
    events = usage.get("events") or []
    failed = dict(usage.get("failed") or {})
    for event in events:
        if event.get("event") == "engine_fallback" and event.get("node") not in failed:
            failed[str(event.get("node"))] = str(event.get("error") or "")[:160]
    checked = next((e for e in events if e.get("event") == "model_checked"), None)
    return {
        "user": turn.get("user"),
        "engine": usage.get("engine") or "offline",
        "model_calls": usage.get("calls", 0),
        "model_used": sorted(set(usage.get("ms") or {}) - set(failed)),
        "fell_back": failed,
        "understanding_checked": checked and {"replaced": checked.get("replaced"), "adopted": checked.get("adopted")},
        "offline_redo": any(e.get("event") == "offline_redo" for e in events),
        "tokens": {"input": usage.get("input_tokens", 0), "output": usage.get("output_tokens", 0)},
        "model_ms": usage.get("ms") or {},
        "turn_ms": turn.get("ms"),
    }


def compare(offline: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    """Both pass rates and, per case, both results with the model's use turn by turn."""
    def cases(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        return {(s["name"], c["id"]): c for s in report.get("suites", []) for c in s.get("cases", [])}

    off, mod = cases(offline), cases(model)
    rows: list[dict[str, Any]] = []
    for key, case in mod.items():
        rows.append({"suite": key[0], "case": key[1], "offline": bool(off.get(key, {}).get("passed")),
                     "model": bool(case.get("passed")), "turns": [_model_turn(t) for t in case.get("turns", [])]})
    turns: list[dict[str, Any]] = [t for r in rows for t in r["turns"]]
    rate = {name: (sum(bool(r[name]) for r in rows) / len(rows) if rows else 0.0) for name in ("offline", "model")}
    return {
        "pass_rate": rate,
        "cases": len(rows),
        "worse": [f"{r['suite']}/{r['case']}" for r in rows if r["offline"] and not r["model"]],
        "better": [f"{r['suite']}/{r['case']}" for r in rows if r["model"] and not r["offline"]],
        "model_turns": sum(1 for t in turns if t["model_calls"]),
        "turns": len(turns),
        "stages_used": _count(s for t in turns for s in t["model_used"]),
        "fallbacks": _count(f"{stage}: {why.split(':')[0]}" for t in turns for stage, why in t["fell_back"].items()),
        "tokens": {side: sum(t["tokens"][side] for t in turns) for side in ("input", "output")},
        "rows": rows,
    }


def _count(items: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _structured_method(base_url: str) -> dict[str, Any]:
    """Which structured-output method the server accepts, found as the engine finds it."""
    from langchain_core.messages import HumanMessage
    from pydantic import SecretStr

    from agent.engines.model.engine import make_chat_model
    from agent.engines.model.schema import FollowerUnderstanding
    from agent.engines.model.structured import Structured
    from agent.settings import OpenAISettings

    settings = OpenAISettings(OPENAI_API_KEY=SecretStr("local"), OPENAI_BASE_URL=base_url, OPENAI_MODEL=MODEL_NAME,
                              OPENAI_TIMEOUT=60)
    structured = Structured(make_chat_model(settings))
    try:
        structured.invoke(FollowerUnderstanding, [HumanMessage("hi, any code for you?")])
    except Exception as exc:  # a bad answer still tells which method the server took
        return {**structured.describe(), "probe_error": type(exc).__name__}
    return structured.describe()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("suites", nargs="*", default=DEFAULT_SUITES)
    parser.add_argument("--json", default="artifacts/eval-model.json")
    args = parser.parse_args(argv)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    model_file = installed() or install()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PERSONA_MODEL"))}
    work = Path(tempfile.mkdtemp(prefix="ios-eval-model-reports-"))
    print("offline run...", file=sys.stderr, flush=True)
    offline = _run(args.suites, work / "offline.json", base_env)
    with running(model_file, log=work / "server.log") as base_url:
        method = _structured_method(base_url)
        print(f"model run against {base_url} (structured output: {method['method']})...", file=sys.stderr, flush=True)
        model = _run(args.suites, work / "model.json", {**base_env, "OPENAI_API_KEY": "local",
                                                           "OPENAI_BASE_URL": base_url, "OPENAI_MODEL": MODEL_NAME,
                                                           "OPENAI_TIMEOUT": "30", "OPENAI_COOLDOWN": "5",
                                                           "OPENAI_TEMPERATURE": "0"})  # repeatable runs
    result = {"server": "llama-cpp-python 0.3.36", "model": MODEL_NAME, "structured_output": method,
              "suites": args.suites, **compare(offline, model)}
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    rate = result["pass_rate"]
    print(f"cases {result['cases']}  offline {rate['offline']:.1%}  model with fallbacks {rate['model']:.1%}  "
          f"worse {len(result['worse'])}  better {len(result['better'])}  model turns {result['model_turns']}/"
          f"{result['turns']}  tokens in {result['tokens']['input']} out {result['tokens']['output']}")
    print(f"stages the model answered: {result['stages_used']}")
    print(f"fallbacks: {result['fallbacks']}")
    print(f"report: {out}")
    return 1 if rate["model"] < rate["offline"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
