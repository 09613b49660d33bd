"""Payment terms read from a contract (issue 14): amounts on dates, shares on events, one payment after
net days (end of month first for שוטף), and the due date each becomes on the tenant's clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from knowledge.briefs.payments import due_date, payments

TODAY = dt.date(2026, 11, 23)


def _due(text, fee, *, end=dt.date(2027, 1, 31), last_due=None):
    return [(p.get("share") or p.get("amount"), due_date(p, today=TODAY, end=end, last_due=last_due, default_days=30))
            for p in payments(text, today=TODAY, fee=Decimal(fee))]


def test_shares_on_signing_and_after_publication():
    text = "Fee: 5,000 ILS + VAT. Payment: 50% upon signing, 50% within 30 days of publication."
    assert _due(text, 5000, last_due=dt.date(2027, 1, 20)) == [
        (Decimal("0.5"), TODAY), (Decimal("0.5"), dt.date(2027, 2, 19))]


def test_hebrew_shares_and_net_end_of_month():
    assert _due('50% בחתימה ו-50% תוך 30 יום מהפרסום', 9000, last_due=dt.date(2027, 1, 10)) == [
        (Decimal("0.5"), TODAY), (Decimal("0.5"), dt.date(2027, 2, 9))]
    assert _due('התמורה: 12,000 ש"ח + מע"מ, שוטף + 30 מסיום הקמפיין', 12000) == [(Decimal(1), dt.date(2027, 3, 2))]


def test_amounts_on_dates_must_add_up_to_the_fee():
    text = "Total 6,000 USD: 3,000 USD on December 15, 2026 and 3,000 USD on January 15, 2027."
    assert _due(text, 6000) == [(Decimal(3000), dt.date(2026, 12, 15)), (Decimal(3000), dt.date(2027, 1, 15))]
    # two dated amounts that are not the fee's parts are no schedule: one payment, net days from the end
    assert _due("Fee 6,000 USD, net 15. Bonus: 500 USD on December 15 and 700 USD on January 15.", 6000) == [
        (Decimal(1), dt.date(2027, 2, 15))]


@pytest.mark.parametrize("text", ["", "Fee 4,000 ILS, paid 30% upfront"])
def test_no_terms_is_one_payment_after_the_default_days(text):
    assert _due(text, 4000) == [(Decimal(1), dt.date(2027, 3, 2))]


def test_a_date_already_past_is_due_today():
    text = "Total 2,000 ILS: 1,000 ILS on November 1, 2026 and 1,000 ILS on December 1, 2026."
    assert [d for _, d in _due(text, 2000)] == [TODAY, dt.date(2026, 12, 1)]
