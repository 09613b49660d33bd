"""`bench money` end to end on a small load (the full run is `influencer-os bench money`): signed orders
over HTTP are each stored once, and the owner's money questions are answered by the money tools."""

from __future__ import annotations


def test_bench_money_stores_each_order_once_and_times_the_money_questions(database):
    from evals import bench_money

    report = bench_money.run(orders=40, senders=4, redemptions=3000, rounds=2)

    ingestion = report["ingestion"]
    assert ingestion["stored_once"] and ingestion["statuses"] == {200: 40}
    assert 0.5 <= ingestion["orders_per_second"] <= 10_000
    assert 1 <= ingestion["webhook_ms"]["p50"] <= ingestion["webhook_ms"]["p95"] <= 10_000
    questions = report["money_questions"]
    assert questions["redemptions"] == 3000
    expected = {"earnings_this_month": "earnings", "profit_of_a_brand": "profit",
                "best_code_this_month": "coupon_stats", "top_products_of_a_code": "top_products"}
    for name, tool in expected.items():
        assert tool in questions[name]["tools"], questions[name]
        assert 1 <= questions[name]["p50"] <= questions[name]["p95"] <= 10_000
