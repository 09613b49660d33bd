"""`bench turns` end to end on a tiny load: in process and over HTTP, with the echo baseline."""

from __future__ import annotations


def test_bench_turns_reports_latency_per_turn_and_node_and_the_echo_ratio(database):
    from evals import bench_turns

    report = bench_turns.run(concurrency=(1, 2), turns_per_conversation=3, min_turns=6, think_s=(0.01, 0.02),
                             unique_messages=8)

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
    # The persistence floor (read the conversation, store two messages, commit) is measured beside it:
    # cheaper than a turn, dearer than the echo.
    assert http["floor"]["turns"] == http["turns"]
    assert 1 < http["ratio_to_floor"]["p50_ms"] < http["ratio_to_echo"]["p50_ms"]
    postgres = []
    for mode in ("in_process", "http"):
        for level in ("1", "2"):
            for load in ("saturated", "paced"):
                cpu = report[mode][level][load]["cpu_ms_per_turn"]
                assert 1 <= cpu["server"] <= 2_000, cpu  # milliseconds of CPU per turn, measured from /proc
                assert cpu["postgres"] is None or 0 <= cpu["postgres"] <= 2_000, cpu
                postgres.append(cpu["postgres"])
    # /proc counts CPU in 10 ms ticks and a few turns cost PostgreSQL ~2 ms each: one level may show 0,
    # all of them together never do.
    assert None in postgres or sum(postgres) > 0, postgres
    assert 0 < http["floor"]["cpu_ms_per_turn"]["server"] < report["http"]["2"]["paced"]["cpu_ms_per_turn"]["server"]
    assert 5 <= report["in_process"]["2"]["saturated"]["sql_statements_per_turn"] <= 200
    assert 50 <= report["in_process"]["rss_mib"]["process"] <= 8_000
    unique = report["in_process"]["unique_messages"]  # no text repeats: what real traffic costs
    assert unique["turns"] == 8 and 1 <= unique["cpu_ms_per_turn"] <= 2_000
    assert all(50 <= rss <= 8_000 for rss in report["http"]["rss_mib"]["server"].values())
    assert report["machine"]["cpu_count"] and report["machine"]["postgres"]
