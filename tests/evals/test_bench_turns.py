"""`bench turns` end to end on a tiny load: in process and over HTTP, with the echo baseline."""

from __future__ import annotations


def test_bench_turns_reports_latency_per_turn_and_node_and_the_echo_ratio(database):
    from evals import bench_turns

    report = bench_turns.run(concurrency=(1, 2), turns_per_conversation=3, min_turns=6, think_s=(0.01, 0.02))

    for mode in ("in_process", "http"):
        for level in ("1", "2"):
            for load in ("saturated", "paced"):
                numbers = report[mode][level][load]
                turn = numbers["turn"]
                # Sane ranges, not "> 0": a turn of the offline engine takes milliseconds, not microseconds
                # or minutes, the percentiles are ordered, and throughput matches the latency.
                assert numbers["turns"] >= 6
                assert 1 <= turn["p50_ms"] <= turn["p95_ms"] <= 5_000, turn
                assert 0.2 <= numbers["turns_per_s"] <= 2_000, numbers["turns_per_s"]
                assert {"prepare", "understanding", "respond", "persist", "checkpoint"} <= set(numbers["nodes"])
                assert "rate_limited" not in numbers["actions"]
    http = report["http"]["2"]["paced"]
    assert http["echo"]["turns"] == http["turns"]
    assert 1 < http["ratio_to_echo"]["p50_ms"] < 10_000  # a turn costs more than echoing, within reason
    assert report["machine"]["cpu_count"] and report["machine"]["postgres"]
