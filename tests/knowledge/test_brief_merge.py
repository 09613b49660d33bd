"""The model's reading of a brief merged into the rules' (issue 14): the rules win where they read
something; the model fills gaps only with values written in the brief (names, amounts, days, tags,
codes), real near dates, known kinds; never whether it is signed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from knowledge.briefs.extract import extract_brief
from knowledge.briefs.merge import merge

TODAY = dt.date(2026, 11, 23)
TEXT = ("Hey Shira! Quick one, we are launching our new olive range\nand would love 2 Instagram Reels in "
        "January 2027.\nBudget 4,000 ILS + VAT, net 30. Use #GoldenGrove and code GROVE10.\n"
        "Thanks, Dana (Golden Grove team)")


def _merged(model: dict, text: str = TEXT):
    return merge(extract_brief(text, today=TODAY), model, text=text, today=TODAY)


def test_the_model_fills_a_gap_with_what_is_written_and_the_rules_win_elsewhere():
    brief, filled = _merged({"brand": "Golden Grove", "contact": "Maya", "fee": "9000", "currency": "USD",
                             "deliverables": [{"count": 5, "kind": "story", "platform": "instagram"}],
                             "start_date": "2027-02-01"})
    assert brief.brand == "Golden Grove" and filled == ["brand"]
    assert (brief.contact, brief.fee, brief.currency, brief.start) == ("Dana", Decimal("4000"), "ILS",
                                                                       dt.date(2027, 1, 1))
    assert [(d["count"], d["kind"]) for d in brief.deliverables] == [(2, "reel")]


def test_invented_values_are_dropped_one_by_one():
    text = "Brief: 2 reels for our spring line. Let us know your rate!\nLove, the team"
    brief, filled = _merged({"brand": "Zara", "fee": "12000", "payment_days": 45, "hashtags": ["#Spring", "#Zara"],
                             "codes": ["ZARA20"], "start_date": "2031-01-01", "end_date": "not a date",
                             "deliverables": [{"count": 2, "kind": "reel"}, {"count": 900, "kind": "story"},
                                              {"count": 1, "kind": "hologram"}]}, text)
    assert (brief.brand, brief.fee, brief.payment_days, brief.hashtags, brief.codes, brief.start, brief.end) == (
        None, None, None, [], [], None, None)
    assert brief.deliverables == [{"count": 2, "kind": "reel", "platform": "instagram", "due": []}]
    assert filled == []  # the rules had read the 2 reels already: the model's list is not taken either


def test_a_fee_the_rules_missed_is_taken_when_written_and_its_terms_follow():
    text = "Golden Grove x Shira\n2 Instagram Reels in January 2027\nWe can offer 12000 for both, plus VAT"
    brief, filled = _merged({"fee": "12000", "currency": "ILS", "deliverables": []}, text)
    assert brief.fee == Decimal("12000") and "fee" in filled and brief.vat == "plus"
    assert brief.payments and brief.payments[0]["share"] == Decimal(1)


def test_signed_is_never_the_models():
    brief, _ = _merged({"signed": True, "brand": "Golden Grove"})
    assert brief.signed is False
