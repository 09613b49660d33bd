"""What the system sends besides the reply to a turn, in an eval run: owner notifications, digests and
whatever later jobs send, through the real WhatsApp sender to a local fake Twilio API.

The runner moves the clock (`at`), runs what is due by then as the worker would (notifications,
digests), and checks `delivered` / `not_delivered` against the outbound messages recorded since
the previous turn.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from store import models as m

__all__ = ["Deliveries", "check_delivered"]

ACCOUNT_SID = "AC" + "e" * 32
AUTH_TOKEN = "eval-auth-token"
BOT_NUMBER = "+14155550100"
# Approved templates for every purpose, so messages outside the 24-hour window go out as they
# would in production (their content is the template's variables).
# The owner's own relayed reply has no template here: outside the window it is not delivered (and the
# owner is told), which suites check.
_TEMPLATES = {"handoff": "HXhandoff", "support": "HXsupport", "digest": "HXdigest", "follow_up": "HXfollow_up"}


_NOT_DELIVERED = ("blocked_window", "failed", "undelivered")


class Deliveries:
    """A fake Twilio API and the real sender pointed at it, for one eval run."""

    def __init__(self, db: Any, clock: Callable[[], dt.datetime]) -> None:
        from channels._twilio_sender import WhatsAppSender
        from channels.settings import TwilioSettings
        from evals.fake_twilio import FakeTwilio

        self.db = db
        self.fake = FakeTwilio(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN).start()
        settings = TwilioSettings.model_validate({
            "account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from_number": BOT_NUMBER,
            "api_base": self.fake.base_url, "backoff_seconds": 0.0, "backoff_max_seconds": 0.0,
            **{f"content_sid_{purpose}": sid for purpose, sid in _TEMPLATES.items()},
        })
        self.sender = WhatsAppSender(db, settings, clock=clock, sleep=lambda _: None)
        self._template_names = {sid: purpose for purpose, sid in _TEMPLATES.items()}

    def notify(self) -> None:
        """Owner notifications, as the worker sends them within seconds of the turn that raised them."""
        from channels import notify

        notify.notify_pending(self.db, self.sender)

    def run_due(self, now: dt.datetime) -> None:
        """Run what the worker would have run by `now`: owner notifications, the conversation lifecycle
        (idle hand-back, idle close), then due digests."""
        from channels import notify
        from channels.lifecycle import run_lifecycle
        from channels.scheduler import run_due

        self.notify()
        run_lifecycle(self.db, self.sender, now=now)
        run_due(self.db, self.sender, now=now)  # follow-ups and reminders due by now
        notify.send_due_digests(self.db, self.sender, now=now)

    def mark(self) -> tuple[int, int]:
        """The newest outbound message and stored message ids so far (what comes after them is new)."""
        with self.db.admin_session() as session:
            return (int(session.scalar(select(func.coalesce(func.max(m.OutboundMessage.id), 0)))),
                    int(session.scalar(select(func.coalesce(func.max(m.Message.id), 0)))))

    def since(self, mark: tuple[int, int], *, tenant_id: int,
              exclude_reply_to: str | None = None) -> list[dict[str, Any]]:
        """Messages sent to this tenant's parties after `mark` (not the reply to the given message id): on
        WhatsApp what Twilio was asked to send; on the web what the visitor's open window is shown
        without a turn of theirs (the influencer's relayed replies, notices)."""
        outbound_mark, message_mark = mark
        with self.db.admin_session() as session:
            rows = session.scalars(
                select(m.OutboundMessage)
                .where(m.OutboundMessage.id > outbound_mark, m.OutboundMessage.tenant_id == tenant_id)
                .order_by(m.OutboundMessage.id)
            ).all()
            web = session.scalars(
                select(m.Message)
                .join(m.Conversation, m.Conversation.id == m.Message.conversation_id)
                .where(m.Message.id > message_mark, m.Message.tenant_id == tenant_id, m.Message.direction == "out",
                       m.Message.channel == "web", m.Conversation.role == "follower",
                       m.Message.meta["reply_to"].as_string().is_(None))
                .order_by(m.Message.id)
            ).all()
        out = []
        for row in rows:
            if exclude_reply_to and (row.dedupe_key or "").startswith(f"reply:{exclude_reply_to}"):
                continue
            if row.status in _NOT_DELIVERED:  # recorded, never sent (outside the window, or failed)
                continue
            content = row.body or ""
            if row.content_sid:  # a template: its variables are what the person reads
                try:
                    content = " ".join(str(v) for v in json.loads(content).values())
                except (ValueError, AttributeError):
                    pass
            out.append({"to": row.to_role or ("follower" if row.purpose == "reply" else "owner"),
                        "content": content, "template": self._template_names.get(row.content_sid or "", None),
                        "purpose": row.purpose, "status": row.status})
        out += [{"to": "follower", "content": msg.content, "template": None, "purpose": "relay", "status": "stored"}
                for msg in web]
        return out

    def close(self) -> None:
        """Stop the fake API."""
        self.fake.stop()


def check_delivered(expect: Any, sent: list[dict[str, Any]]) -> list[str]:
    """Failures of `delivered` and `not_delivered` against what was sent since the previous turn."""
    from evals.expectations import fold

    failures: list[str] = []
    for n, item in enumerate(expect.delivered or []):
        to_party = [d for d in sent if d["to"] == item.to]

        def matches(d: dict[str, Any], item: Any = item) -> bool:
            text = fold(d["content"])
            return (all(fold(s) in text for s in item.contains or [])
                    and (not item.contains_any or any(fold(s) in text for s in item.contains_any))
                    and not any(fold(s) in text for s in item.not_contains or [])
                    and (item.template is None or d["template"] == item.template or d["purpose"] == item.template))

        if not any(matches(d) for d in to_party):
            seen = "; ".join(d["content"][:80] for d in to_party) or "nothing"
            failures.append(f"delivered[{n}]: no message to the {item.to} matched (sent to the {item.to}: {seen})")
    if expect.not_delivered is not None:
        to_party = [d for d in sent if d["to"] == expect.not_delivered]
        if to_party:
            failures.append(f"not_delivered: {len(to_party)} message(s) went to the {expect.not_delivered}: "
                            + "; ".join(d["content"][:80] for d in to_party))
    return failures
