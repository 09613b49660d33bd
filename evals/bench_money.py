"""`influencer-os bench money`: how fast orders arrive by signed shop webhook, and how fast an owner's money
question is answered on a tenant with 100,000 redemptions.

In a throw-away database beside the user's, with the demo influencer and a Shopify secret:
1. ingestion: N distinct orders with her codes, each a signed `orders/create` webhook over HTTP to the real
   route (uvicorn in a thread), from C concurrent senders: orders per second, webhook p50/p95/p99, and
   that each order was stored exactly once;
2. money questions: R redemptions bulk-loaded over the last year across her codes, then the owner asks by
   chat (the real agent, offline engine): "how much did I earn this month?", "what's my profit on
   Velora?", "which code made the most money this month?", "what sells best with SILKA20?" — p50/p95 per
   question over a few rounds, and the same questions' tools alone.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import random
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

import typer

__all__ = ["run", "command"]

NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
HANDLE = "maya.glow"
SECRET = "bench-shop-secret-123"
QUESTIONS = {
    "earnings_this_month": "how much did I earn this month?",
    "profit_of_a_brand": "what's my profit on Velora?",
    "best_code_this_month": "which code made the most money this month?",
    "top_products_of_a_code": "what sells best with SILKA20?",
}
PRODUCTS = ("Silk Repair Mask", "Vitamin C Glow Serum", "Night Cream", "Hair Oil", "Gift Set", "Lip Balm")


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"p50": round(statistics.median(ordered), 1), "p95": pick(0.95), "p99": pick(0.99),
            "max": round(ordered[-1], 1)}


def _serve(db: Any) -> tuple[str, Callable[[], None]]:
    import socket

    import uvicorn
    from fastapi import FastAPI

    from channels.shops import router

    app = FastAPI()
    app.include_router(router)
    app.state.db = db
    app.state.overrides = {"clock": lambda: NOW}
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the webhook server did not start")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(10)

    return f"http://127.0.0.1:{port}", stop


def _order(n: int, codes: list[str], rng: random.Random) -> bytes:
    lines = [{"title": rng.choice(PRODUCTS), "quantity": rng.randint(1, 3), "price": "120.00"}
             for _ in range(rng.randint(1, 3))]
    return json.dumps({
        "id": 9_000_000 + n, "name": f"#B{n}", "created_at": "2026-11-23T09:00:00+02:00", "currency": "ILS",
        "total_price": f"{rng.randint(80, 900)}.00", "discount_codes": [{"code": rng.choice(codes)}],
        "line_items": lines}).encode()


def _ingest(db: Any, codes: list[str], orders: int, senders: int) -> dict[str, Any]:
    import httpx
    from sqlalchemy import func, select

    from store.models import CouponEvent

    base, stop = _serve(db)
    rng = random.Random(7)
    bodies = [_order(n, codes, rng) for n in range(orders)]
    times: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    local = threading.local()

    def send(raw: bytes) -> None:
        client = getattr(local, "client", None) or httpx.Client(base_url=base, timeout=30, trust_env=False)
        local.client = client
        signature = base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()
        started = time.perf_counter()
        response = client.post(f"/webhooks/shopify/{HANDLE}", content=raw, headers={
            "X-Shopify-Hmac-Sha256": signature, "X-Shopify-Topic": "orders/create",
            "Content-Type": "application/json"})
        took = (time.perf_counter() - started) * 1000
        with lock:
            times.append(took)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(senders) as pool:
            list(pool.map(send, bodies))
        seconds = time.perf_counter() - started
    finally:
        stop()
    with db.admin_session() as s:
        stored = s.scalar(select(func.count(func.distinct(CouponEvent.order_id))).where(
            CouponEvent.kind == "redeemed", CouponEvent.order_id.like("9%")))
        rows = s.scalar(select(func.count()).select_from(CouponEvent).where(
            CouponEvent.kind == "redeemed", CouponEvent.order_id.like("9%")))
    return {"orders": orders, "senders": senders, "seconds": round(seconds, 2),
            "orders_per_second": round(orders / seconds, 1), "webhook_ms": _ms(times), "statuses": statuses,
            "stored_once": stored == orders and rows == orders}


def _load(db: Any, tenant_id: int, coupon_ids: list[int], count: int) -> float:
    from decimal import Decimal

    from sqlalchemy import insert

    from store.models import CouponEvent

    rng = random.Random(11)
    started = time.perf_counter()
    batch: list[dict[str, Any]] = []
    with db.admin_session() as s:
        for n in range(count):
            batch.append({"tenant_id": tenant_id, "coupon_id": rng.choice(coupon_ids), "kind": "redeemed",
                          "order_id": f"L{n}", "order_amount": Decimal(rng.randint(60, 900)), "currency": "ILS",
                          "items": rng.randint(1, 4), "products": rng.sample(PRODUCTS, rng.randint(1, 3)),
                          "at": NOW - dt.timedelta(minutes=rng.randint(0, 365 * 24 * 60))})
            if len(batch) == 5000:
                s.execute(insert(CouponEvent), batch)
                batch = []
        if batch:
            s.execute(insert(CouponEvent), batch)
    return time.perf_counter() - started


def _ask(db: Any, rounds: int) -> dict[str, Any]:
    from agent import Agent, InboundMessage

    agent = Agent(db, clock=lambda: NOW)
    phone = "+972547654321"  # the demo influencer's owner phone (store/data/demo-bundle.json)
    out: dict[str, Any] = {}
    try:
        for name, text in QUESTIONS.items():
            times, tools = [], set()
            for n in range(rounds):
                started = time.perf_counter()
                result = agent.handle(InboundMessage(handle=HANDLE, channel="whatsapp", sender_id=phone, text=text,
                                                     role="owner", message_id=f"bench-{name}-{n}", now=NOW))
                times.append((time.perf_counter() - started) * 1000)
                tools.update(result.tools)
            out[name] = {"question": text, "tools": sorted(tools), **_ms(times)}
    finally:
        agent.close()
    return out


def run(*, orders: int = 2000, senders: int = 8, redemptions: int = 100_000, rounds: int = 10,
        log: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Run the benchmark and return its numbers (see the module docstring)."""
    from sqlalchemy import select

    from channels.demo import load_demo
    from channels.shops import connect
    from evals.sandbox import drop_eval_database, open_eval_database
    from store.bootstrap import open_database
    from store.models import Coupon, Tenant

    db = open_eval_database(open_database(), name="influencer_os_eval_bench_money")
    try:
        load_demo(db)
        connect(db, HANDLE, "shopify", SECRET)
        with db.admin_session() as s:
            tenant = s.scalars(select(Tenant).where(Tenant.handle == HANDLE)).one()
            coupons = list(s.scalars(select(Coupon).where(Coupon.tenant_id == tenant.id)))
            tenant_id, codes, ids = tenant.id, [c.code for c in coupons], [c.id for c in coupons]
        log(f"ingestion: {orders} signed Shopify orders from {senders} senders")
        report: dict[str, Any] = {"ingestion": _ingest(db, codes, orders, senders)}
        log(f"  {report['ingestion']['orders_per_second']} orders/s; loading {redemptions:,} redemptions")
        seconds = _load(db, tenant_id, ids, redemptions)
        report["money_questions"] = {"redemptions": redemptions, "load_seconds": round(seconds, 1),
                                     **_ask(db, rounds)}
        for name, figures in report["money_questions"].items():
            if isinstance(figures, dict):
                log(f"  {name}: p50 {figures['p50']} ms, p95 {figures['p95']} ms ({', '.join(figures['tools'])})")
    finally:
        drop_eval_database(db)
    return report


def command(
    orders: Annotated[int, typer.Option(help="Signed orders to post")] = 2000,
    senders: Annotated[int, typer.Option(help="Concurrent senders")] = 8,
    redemptions: Annotated[int, typer.Option(help="Redemptions on the tenant for the money questions")] = 100_000,
    rounds: Annotated[int, typer.Option(help="Times each question is asked")] = 10,
) -> None:
    """Webhook ingestion (orders/s) and the owner's money questions on a tenant with many redemptions."""
    report = run(orders=orders, senders=senders, redemptions=redemptions, rounds=rounds,
                 log=lambda line: typer.echo(line, err=True))
    typer.echo(json.dumps(report, indent=2))
    if not report["ingestion"]["stored_once"]:
        raise typer.Exit(1)
