"""A brief the owner sends on WhatsApp as a file (issue 14): fetched from Twilio's media URL with the
account's auth in the worker, read, and proposed like a pasted brief; yes creates it. A scan, a file
Twilio does not have, a URL that is not Twilio's, or a follower's file writes nothing and is said."""

from __future__ import annotations

from channel_support import OWNER_PHONE, post_signed, webhook_params
from sqlalchemy import select

from evals.sample_files import pdf_with_text
from store.models import Partnership, Task

BRIEF = ["CAMPAIGN BRIEF", "Brand: Maison Albion", "Campaign period: 14/12/2026 - 10/01/2027",
         "Deliverables: 2 x Instagram Reels; 4 x Instagram Stories", "Fee: GBP 2,800 + VAT, net 30"]
HOOK = "/channels/twilio/whatsapp"


def _send(client, twilio, sid: str, *, media_url: str, content_type: str = "application/pdf",
          sender: str = OWNER_PHONE, text: str = "") -> str:
    before = len(twilio.messages)
    post_signed(client, HOOK, webhook_params(sid, text, sender=sender, NumMedia="1", MediaUrl0=media_url,
                                             MediaContentType0=content_type))
    return twilio.wait_for(before + 1)[-1]["body"]


def _albion(db) -> tuple[list[str], int]:
    with db.admin_session() as s:
        rows = s.scalars(select(Partnership).where(Partnership.brand == "Maison Albion")).all()
        tasks = s.scalars(select(Task).where(Task.partnership_id.in_([p.id for p in rows]))).all() if rows else []
        return [p.status for p in rows], len(tasks)


def test_a_pdf_on_whatsapp_is_proposed_then_created_on_yes(client, twilio, demo_db):
    url = twilio.add_media(pdf_with_text(BRIEF), "application/pdf")
    proposal = _send(client, twilio, "SM-DOC-1", media_url=url)
    assert "Maison Albion" in proposal and "2,800 GBP + VAT" in proposal and "?" in proposal
    assert twilio.media_fetches == 1 and _albion(demo_db) == ([], 0)  # asked first: nothing written
    before = len(twilio.messages)
    post_signed(client, HOOK, webhook_params("SM-DOC-2", "yes", sender=OWNER_PHONE))
    done = twilio.wait_for(before + 1)[-1]["body"]
    assert "Maison Albion" in done
    assert _albion(demo_db) == (["proposal"], 2)


def test_a_scan_says_so_and_writes_nothing(client, twilio, demo_db):
    scan = pdf_with_text([])  # a page with no text layer
    reply = _send(client, twilio, "SM-DOC-3", media_url=twilio.add_media(scan, "application/pdf"))
    assert "סריקה" in reply  # in her language (the demo influencer writes Hebrew)
    assert _albion(demo_db) == ([], 0)


def test_a_url_that_is_not_twilios_is_never_fetched(client, twilio, demo_db):
    url = twilio.add_media(pdf_with_text(BRIEF), "application/pdf").replace("api.twilio.com", "evil.example")
    reply = _send(client, twilio, "SM-DOC-4", media_url=url)
    assert twilio.media_fetches == 0 and ("וואטסאפ" in reply or "WhatsApp" in reply)
    assert _albion(demo_db) == ([], 0)


def test_a_followers_file_reaches_no_owner_tool(client, twilio, demo_db):
    url = twilio.add_media(pdf_with_text(BRIEF), "application/pdf")
    reply = _send(client, twilio, "SM-DOC-5", media_url=url, sender="+972501112222")
    assert twilio.media_fetches == 0 and "Maison Albion" not in reply
    assert _albion(demo_db) == ([], 0)


def test_a_file_over_the_limit_is_refused_from_its_size_and_other_media_is_no_document(twilio, twilio_settings):
    from channels._twilio_media import document_of
    from knowledge.briefs.files import MAX_BYTES

    big = twilio.add_media(b"%PDF-1.4\n" + b"0" * MAX_BYTES, "application/pdf")
    found = document_of(twilio_settings, [{"url": big, "content_type": "application/pdf"}])
    assert found is not None and found["code"] == "too_large" and "text" not in found
    photo = twilio.add_media(b"\xff\xd8\xff", "image/jpeg")
    assert document_of(twilio_settings, [{"url": photo, "content_type": "image/jpeg"}]) is None
    wrong_account = big.replace(twilio_settings.account_sid, "AC" + "9" * 32)
    assert document_of(twilio_settings, [{"url": wrong_account, "content_type": "application/pdf"}])["code"] == (
        "fetch_failed")
