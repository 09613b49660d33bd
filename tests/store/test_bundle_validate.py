"""A bundle that breaks the format is refused as a whole, with the path and reason of every problem."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select

from knowledge.bundles import import_bundle_file
from store.bundle import BundleInvalid, format_errors, validate
from store.models import Coupon, Partnership, Tenant


@pytest.fixture
def shira(shira_bundle_path) -> dict:
    return json.loads(shira_bundle_path.read_text(encoding="utf-8"))


def _break(data: dict, dotted: str, value) -> dict:
    """A copy of the bundle with one field set (value DELETE removes it)."""
    out = copy.deepcopy(data)
    node = out
    parts = dotted.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    last = parts[-1]
    if value is DELETE:
        del node[last]
    elif last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return out


DELETE = object()

CASES = [
    (
        "partnerships[2].status",
        "signed",
        "partnerships[2].status: 'signed' is not one of lead, proposal, negotiation, contract, active, "
        "completed, cancelled",
    ),
    ("coupons[0].partnership", "x", "coupons[0].partnership: unknown partnership ref 'x'"),
    ("influencer.handle", "Shira Kitchen", "influencer.handle: must match [a-z0-9._]{2,30}"),
    ("coupons[0].value", DELETE, "coupons[0].value: required unless discount_type is free_shipping"),
    ("coupons[1].currency", DELETE, "coupons[1].currency: required for fixed"),
    ("coupons[2].code", "SHIRA15", "coupons[2].code: duplicate coupon code 'SHIRA15'"),
    (
        "coupon_redemptions[1].order_id",
        "OL-1001",
        "coupon_redemptions[1].order_id: duplicate order_id 'OL-1001'",
    ),
    ("invoices[1].number", "1041", "invoices[1].number: duplicate invoice number '1041'"),
    ("partnerships[0].start_date", "2026-13-01", "partnerships[0].start_date: '2026-13-01' is not"),
    ("coupons[0].expires", "31/01/2027", "coupons[0].expires: '31/01/2027' is not an ISO date"),
    ("coupon_redemptions[0].at", "yesterday", "coupon_redemptions[0].at: 'yesterday' is not an ISO datetime"),
    ("tasks[0].due", "next friday", "tasks[0].due: 'next friday' is not an ISO date or datetime"),
    (
        "influencer.owner_phones[0]",
        "054-1112233",
        "influencer.owner_phones[0]: '054-1112233' is not an E.164",
    ),
    ("influencer.timezone", "Jerusalem", "influencer.timezone: 'Jerusalem' is not an IANA time zone"),
    ("partnerships[0].link", "olivia-oils shop", "partnerships[0].link: 'olivia-oils shop' is not a URL"),
    ("coupons[0].url", "ftp://x.example/a", "coupons[0].url: 'ftp://x.example/a' is not a URL"),
    ("influencer.languages[0]", "iw", "influencer.languages[0]: 'iw' is not an ISO 639-1 language code"),
    ("invoices[0].currency", "shekel", "invoices[0].currency: 'shekel' is not an ISO 4217 currency code"),
    ("tasks[0].status", "done", "tasks[0].status: 'done' is not one of pending, in_progress"),
    ("tasks[1].partnership", "nike", "tasks[1].partnership: unknown partnership ref 'nike'"),
    ("invoices[0].amount", "9000", "invoices[0].amount: must be a number (got a string)"),
    ("coupons[0].active", "yes", "coupons[0].active: must be true or false"),
    ("influencer.display_name", DELETE, "influencer.display_name: required"),
    ("partnerships[1].brand", "", "partnerships[1].brand: must not be empty"),
    ("coupon_redemptions[0].code", "NOPE", "coupon_redemptions[0].code: unknown coupon code 'NOPE'"),
    ("format", "influencer-bundle/2", "format: 'influencer-bundle/2' is not supported"),
    ("faq[0].a", DELETE, "faq[0].a: required"),
    ("instagram.posts[0].id", None, "instagram.posts[0].id: required (or shortCode)"),
    ("partnerships[0].commission", {"type": "bonus", "value": 5},
     "partnerships[0].commission.type: 'bonus' is not one of percentage, per_order"),
    ("partnerships[0].commission", {"type": "percentage", "value": 120},
     "partnerships[0].commission.value: a percentage is at most 100"),
    ("partnerships[0].commission", {"type": "per_order", "value": 20},
     "partnerships[0].commission.currency: required"),
    ("partnerships[0].costs", [{"label": "studio", "amount": -5, "currency": "ILS"}],
     "partnerships[0].costs[0].amount: must be at least 0"),
]


@pytest.mark.parametrize(
    ("field", "value", "expected"), CASES, ids=[c[0] + "=" + str(c[1])[:12] for c in CASES]
)
def test_each_bad_field_is_named_with_its_path_and_reason(shira, field, value, expected):
    data = _break(shira, field, value)
    if field == "instagram.posts[0].id":
        data["instagram"]["posts"][0].pop("shortCode")
    errors = validate(data)
    assert any(e.startswith(expected) for e in errors), errors
    assert len(errors) == 1, errors


def test_the_shira_fixture_is_valid(shira):
    assert validate(shira) == []


def test_all_errors_are_reported_at_once(shira):
    data = _break(shira, "partnerships[2].status", "signed")
    data = _break(data, "coupons[0].partnership", "x")
    data = _break(data, "influencer.handle", "BAD HANDLE")
    data = _break(data, "invoices[1].number", "1041")
    errors = validate(data)
    assert [e.split(":")[0] for e in errors] == [
        "influencer.handle",
        "partnerships[2].status",
        "coupons[0].partnership",
        "invoices[1].number",
    ]


def test_many_errors_are_capped_at_twenty_with_a_count_of_the_rest(shira):
    shira["coupons"] = [
        {"code": f"C{i}", "partnership": "nope", "discount_type": "percentage", "value": 10}
        for i in range(30)
    ]
    shira["coupon_redemptions"] = []
    errors = validate(shira)
    assert len(errors) == 30
    shown = format_errors(errors)
    assert len(shown) == 21 and shown[-1] == "and 10 more"
    with pytest.raises(BundleInvalid) as caught:
        raise BundleInvalid(errors)
    assert "and 10 more" in str(caught.value) and len(caught.value.errors) == 30


def test_free_shipping_needs_no_value_and_percentages_stay_in_range(shira):
    shira["coupons"].append({"code": "SHIP", "partnership": "olivia", "discount_type": "free_shipping"})
    assert validate(shira) == []
    shira["coupons"][0] = {
        "code": "SHIRA15",
        "partnership": "olivia",
        "discount_type": "percentage",
        "value": 150,
    }
    assert validate(shira) == ["coupons[0].value: a percentage must be more than 0 and at most 100 (got 150)"]


def test_unknown_fields_are_not_refused(shira):
    shira["instagram"]["posts"][0]["someNewApifyField"] = {"x": 1}
    shira["instagram"]["profile"]["anotherField"] = True
    shira["partnerships"][0]["internal_owner"] = "Dana"
    shira["extra_section"] = []
    assert validate(shira) == []


def test_not_an_object_and_missing_sections(shira):
    assert validate([1, 2]) == ["bundle: must be a JSON object with format 'influencer-bundle/1'"]
    assert validate({"format": "influencer-bundle/1"}) == ["influencer: required"]


def _count(db, model) -> int:
    with db.admin_session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_an_invalid_file_writes_nothing(db, shira, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_break(shira, "partnerships[2].status", "signed")), encoding="utf-8")
    with pytest.raises(BundleInvalid) as caught:
        import_bundle_file(db, path)
    assert caught.value.errors[0].startswith("partnerships[2].status: 'signed' is not one of")
    assert _count(db, Tenant) == _count(db, Partnership) == _count(db, Coupon) == 0


def test_a_file_that_is_not_json_is_refused_with_line_and_column(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "influencer-bundle/1",\n "influencer": {,}}', encoding="utf-8")
    with pytest.raises(BundleInvalid) as caught:
        import_bundle_file(db, path)
    assert caught.value.errors[0].startswith("file: not valid JSON:")
    assert "line 2" in caught.value.errors[0]
    assert _count(db, Tenant) == 0
