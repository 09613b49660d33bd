"""`bench turns` end to end on a tiny load: in process and over HTTP, with the echo baseline."""

from __future__ import annotations


def test_bench_turns_reports_latency_per_turn_and_node_and_the_echo_ratio(database):
    from evals import bench_turns

    report = bench_turns.run(concurrency=(1, 2), turns_per_conversation=3, min_turns=6, think_s=(0.01, 0.02))

    for mode in ("in_process", "http"):
        for level in ("1", "2"):
            for load in ("saturated", "paced"):
                numbers = report[mode][level][load]
                assert numbers["turns"] >= 6 and numbers["turn"]["p95_ms"] > 0 and numbers["turns_per_s"] > 0
                assert {"prepare", "understanding", "respond", "persist", "checkpoint"} <= set(numbers["nodes"])
                assert "rate_limited" not in numbers["actions"]
    http = report["http"]["2"]["paced"]
    assert http["echo"]["turns"] == http["turns"] and http["ratio_to_echo"]["p50_ms"] > 0
    assert report["machine"]["cpu_count"] and report["machine"]["postgres"]
