"""A shop's order export (CSV) as redemptions: columns found by their usual names (data/
redemption_columns.yaml, or the caller's mapping), UTF-8 with or without a BOM or Windows-1255 (Hebrew
Excel), one row per order or per line item (Shopify); each problem with its line number, good rows kept."""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path
from typing import Any

import yaml

from knowledge.text import decode_bytes

__all__ = ["read_orders", "FIELDS"]

FIELDS = ("code", "order_id", "order_amount", "currency", "at", "product", "quantity")
_REQUIRED = ("code", "order_id", "order_amount")


@functools.cache
def _aliases() -> dict[str, list[str]]:
    data = yaml.safe_load((Path(__file__).parent / "data" / "redemption_columns.yaml").read_text(encoding="utf-8"))
    return {field: [str(a).strip().lower() for a in names] for field, names in data.items()}


def _columns(header: list[str], mapping: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    names = [h.strip().lower() for h in header]
    found: dict[str, int] = {}
    for field in FIELDS:
        wanted = [mapping[field].strip().lower()] if field in mapping else _aliases().get(field, [])
        index = next((names.index(w) for w in wanted if w in names), None)
        if index is not None:
            found[field] = index
    missing = [f for f in _REQUIRED if f not in found]
    return found, missing


def read_orders(raw: bytes, mapping: dict[str, str] | None = None) -> tuple[list[dict[str, Any]], list[str], list[int]]:
    """(redemption items, problems, the line each item came from). A file whose columns cannot be found
    gives one problem naming them and no items."""
    rows = list(csv.reader(io.StringIO(decode_bytes(raw))))
    if not rows:
        return [], ["the file is empty"], []
    columns, missing = _columns(rows[0], mapping or {})
    if missing:
        return [], [f"line 1: no column for {', '.join(missing)} (name it with --map {missing[0]}=COLUMN)"], []
    orders: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    problems: list[str] = []

    def cell(row: list[str], field: str) -> str:
        i = columns.get(field)
        return row[i].strip() if i is not None and i < len(row) else ""

    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        order_id = cell(row, "order_id")
        if not order_id:
            problems.append(f"line {number}: no order id")
            continue
        item = orders.get(order_id)
        if item is None:  # the order's first row carries its code and total (Shopify: later rows are items)
            code = cell(row, "code").split(",")[0].strip()
            if not code:
                continue  # an order without a code is not a redemption
            item = {"code": code, "order_id": order_id, "order_amount": cell(row, "order_amount"),
                    "products": [], "items": 0}
            if cell(row, "currency"):
                item["currency"] = cell(row, "currency")
            if cell(row, "at"):
                item["at"] = cell(row, "at")
            orders[order_id], lines[order_id] = item, number
        if cell(row, "product"):
            item["products"].append(cell(row, "product")[:200])
        quantity = cell(row, "quantity")
        item["items"] += int(quantity) if quantity.isdigit() else 0
    items = [{k: v for k, v in o.items() if not (k == "items" and v == 0)} for o in orders.values()]
    return items, problems, [lines[o["order_id"]] for o in items]
