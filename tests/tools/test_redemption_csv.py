"""Shops' order exports read as redemptions: their own column names, one row per line item, Hebrew Excel
encodings and BOMs, and every bad row named by its line."""

from __future__ import annotations

from tools.redemption_csv import read_orders

SHOPIFY = (
    "Name,Email,Currency,Total,Discount Code,Created at,Lineitem quantity,Lineitem name\n"
    "#1001,a@example.com,ILS,398.00,SILKA20,2026-11-20 10:00:00 +0200,2,Silk Repair Mask\n"
    "#1001,,,,,,1,Comb\n"
    "#1002,b@example.com,ILS,120.00,,2026-11-20 11:00:00 +0200,1,Comb\n"
    ",c@example.com,ILS,50.00,SILKA20,2026-11-20 12:00:00 +0200,1,Clip\n"
)


def test_a_shopify_export_one_row_per_line_item():
    items, problems, lines = read_orders(SHOPIFY.encode())
    assert items == [{"code": "SILKA20", "order_id": "#1001", "order_amount": "398.00", "currency": "ILS",
                      "at": "2026-11-20 10:00:00 +0200", "products": ["Silk Repair Mask", "Comb"], "items": 3}]
    assert lines == [2]  # the order's first line
    assert problems == ["line 5: no order id"]  # #1002 had no code: not a redemption, not a problem


def test_hebrew_columns_in_windows_1255_with_the_callers_mapping():
    text = "מספר הזמנה,קוד קופון,סה\"כ לתשלום\nA-7,MAYA15,₪1,250\n"
    raw = text.encode("cp1255")
    items, problems, _ = read_orders(raw)
    assert items == [] and "order_amount" in problems[0] and "--map" in problems[0]  # "סה"כ לתשלום" unknown
    items, problems, _ = read_orders(raw, {"order_amount": 'סה"כ לתשלום'})
    assert problems == [] and items[0]["order_id"] == "A-7" and items[0]["code"] == "MAYA15"
    bom = "\ufeffOrder Number,Coupon Code,Order Total\n9,SILKA20,10\n".encode()
    assert read_orders(bom)[0][0]["order_id"] == "9"
    assert read_orders(b"")[1] == ["the file is empty"]
