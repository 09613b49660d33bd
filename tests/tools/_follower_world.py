"""A small two-tenant world for the follower tool tests, built with the models directly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from store.models import Contact, Conversation, Coupon, Partnership, Tenant
from tools.registry import FOLLOWER, ToolContext

IL = dt.timezone(dt.timedelta(hours=2))  # Israel winter time (DST ended 25 Oct 2026)
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=IL)


def build_world(session) -> dict:
    """Tenant shira (Olivia, GreenBox, KitchenPro done, Lumi in proposal, two 'Golden' brands) and maya."""
    shira = Tenant(
        handle="shira.kitchen", display_name="Shira Adler", languages=["he", "en"], timezone="Asia/Jerusalem"
    )
    maya = Tenant(handle="maya.glow", display_name="Maya", languages=["en"], timezone="Asia/Jerusalem")
    session.add_all([shira, maya])
    session.flush()

    def partnership(tenant, ref, brand, status, aliases=(), link=None, amount=None):
        p = Partnership(
            tenant_id=tenant.id,
            ref=ref,
            brand=brand,
            status=status,
            brand_aliases=list(aliases),
            link=link,
            compensation_amount=Decimal(amount) if amount else None,
            compensation_currency="ILS" if amount else None,
        )
        session.add(p)
        session.flush()
        return p

    def coupon(
        tenant, p, code, kind, value, starts, expires, active=True, currency=None, terms=None, url=None
    ):
        c = Coupon(
            tenant_id=tenant.id,
            partnership_id=p.id if p else None,
            code=code,
            discount_type=kind,
            value=Decimal(value) if value is not None else None,
            currency=currency,
            starts=dt.date.fromisoformat(starts) if starts else None,
            expires=dt.date.fromisoformat(expires) if expires else None,
            active=active,
            terms=terms,
            url=url,
        )
        session.add(c)
        session.flush()
        return c

    olivia = partnership(
        shira,
        "olivia",
        "Olivia Oils",
        "active",
        ["אוליביה", "olivia"],
        "https://olivia-oils.example/shop",
        14000,
    )
    greenbox = partnership(
        shira,
        "greenbox",
        "GreenBox",
        "active",
        ["גרינבוקס", "green box"],
        "https://greenbox.example/order",
        6000,
    )
    kitchenpro = partnership(shira, "kitchenpro", "KitchenPro", "completed", ["קיטשן פרו"], None, 9000)
    lumi = partnership(shira, "lumi", "Lumi Blenders", "proposal", ["לומי", "lumi"])
    golden_oil = partnership(shira, "golden-oil", "Golden Olive", "active", ["גולדן אוליב"])
    golden_grain = partnership(shira, "golden-grain", "Golden Grain", "active", ["גולדן גריין"])
    sababa = partnership(shira, "sababa", "Sababa Spices", "active", ["סבבה תבלינים", "sababa"])
    coupon(
        shira,
        olivia,
        "SHIRA15",
        "percentage",
        15,
        "2026-10-01",
        "2027-01-31",
        terms="on orders above 150 ILS",
        url="https://olivia-oils.example/shop?c=SHIRA15",
    )
    coupon(shira, olivia, "OLDOLIVIA", "percentage", 30, "2026-10-01", "2027-01-31", active=False)
    coupon(
        shira,
        greenbox,
        "GREEN50",
        "fixed",
        50,
        "2026-11-01",
        "2026-12-31",
        currency="ILS",
        terms="first order only",
    )
    coupon(shira, kitchenpro, "KPSHIRA", "percentage", 20, "2026-06-01", "2026-08-31")
    coupon(shira, lumi, "LUMI10", "percentage", 10, "2026-11-01", "2026-12-31")
    coupon(shira, golden_oil, "GOLD5", "free_shipping", None, None, None)
    coupon(shira, sababa, "SABABA-SOON", "percentage", 10, "2026-12-01", "2026-12-31")

    maya_olivia = partnership(
        maya, "olivia", "Olivia Oils", "active", ["olivia"], "https://olivia.example/maya", 3000
    )
    coupon(maya, maya_olivia, "MAYA20", "percentage", 20, "2026-01-01", "2027-12-31")

    contact = Contact(tenant_id=shira.id, channel="web", external_id="visitor-1")
    session.add(contact)
    session.flush()
    conversation = Conversation(tenant_id=shira.id, contact_id=contact.id, channel="web")
    session.add(conversation)
    session.flush()
    _ = golden_grain
    return {"shira": shira, "maya": maya, "contact": contact, "conversation": conversation}


def context(session, tenant, *, now=NOW, role=FOLLOWER, conversation=None, contact=None) -> ToolContext:
    """A tool context for the tenant, as the agent would build it."""
    return ToolContext(
        session=session,
        tenant_id=tenant.id,
        handle=tenant.handle,
        timezone=tenant.timezone,
        role=role,
        now=now.astimezone(dt.UTC),
        conversation_id=conversation.id if conversation else None,
        contact_id=contact.id if contact else None,
    )
