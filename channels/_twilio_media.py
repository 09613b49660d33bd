"""A file the owner sends on WhatsApp (a brief as PDF, Word, e-mail or text), fetched from Twilio.

Twilio's webhook names each file by URL (`MediaUrl0`, on api.twilio.com, behind the account's Basic auth,
answered with a redirect to the file). Only Twilio's own media URLs of our account are fetched (the URL
comes from a request, so anything else would let a forged one make us call out), at most the brief limit
(refused from its Content-Length before it is read, or when more arrives); the text is read with the
brief readers. Every failure is a reason the owner can act on, never an exception out of the turn.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

import httpx

from channels.settings import TwilioSettings
from knowledge.briefs.files import MAX_BYTES, BriefFileError, text_of

__all__ = ["DOCUMENT_TYPES", "document_of"]

log = logging.getLogger(__name__)

# What a brief arrives as; anything else (photos, voice notes) is not a document.
DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/msword": ".doc",
    "message/rfc822": ".eml",
    "text/plain": ".txt",
}
_MEDIA_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w{32})/Messages/\w+/Media/\w+$")
_FETCH_FAILED = ("the file could not be fetched from WhatsApp: send it again or paste the text", "fetch_failed")
_HE = {
    "too_large": f"הקובץ גדול מדי: אני קוראת בריפים עד {MAX_BYTES // (1024 * 1024)} MB",
    "no_text": "אין בקובץ טקסט (סריקה?): אפשר להדביק את הטקסט של הבריף",
    "encrypted": "הקובץ מוגן בסיסמה: אפשר לשלוח אותו בלי סיסמה או להדביק את הטקסט",
    "corrupt": "לא הצלחתי לקרוא את הקובץ (נראה פגום)",
    "unsupported": "את סוג הקובץ הזה אני לא קוראת: אפשר PDF, וורד (docx), מייל או טקסט",
    "invalid_file": "הקובץ ריק",
    "fetch_failed": "לא הצלחתי להוריד את הקובץ מוואטסאפ: אפשר לשלוח שוב או להדביק את הטקסט",
}


def _problem(reason: str, code: str) -> dict[str, Any]:
    return {"problem": reason, "problem_he": _HE.get(code, reason), "code": code}


def _url(settings: TwilioSettings, url: str) -> str | None:
    parts = urlsplit(url)
    match = _MEDIA_PATH.match(parts.path)
    if parts.scheme != "https" or parts.hostname != "api.twilio.com" or match is None:
        return None
    if match["account"] != settings.account_sid:
        return None
    return (settings.api_base.rstrip("/") + parts.path) if settings.api_base else url


def _download(settings: TwilioSettings, url: str) -> bytes:
    token = settings.auth_token.get_secret_value() if settings.auth_token else ""
    with httpx.Client(timeout=settings.timeout_seconds, follow_redirects=True, trust_env=False) as client, \
            client.stream("GET", url, auth=(settings.account_sid, token)) as response:
        response.raise_for_status()
        size = response.headers.get("content-length")
        if size and size.isdigit() and int(size) > MAX_BYTES:
            raise BriefFileError(f"the file is {int(size) // (1024 * 1024)} MB; briefs up to "
                                 f"{MAX_BYTES // (1024 * 1024)} MB are read", code="too_large")
        data = bytearray()
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > MAX_BYTES:
                raise BriefFileError(f"the file is over {MAX_BYTES // (1024 * 1024)} MB; briefs up to "
                                     f"{MAX_BYTES // (1024 * 1024)} MB are read", code="too_large")
        return bytes(data)


def document_of(settings: TwilioSettings, media: list[dict[str, str]] | tuple[dict[str, str], ...]
                ) -> dict[str, Any] | None:
    """The first document among a message's media as {"filename", "text"} or {"filename", "problem",
    "problem_he", "code"}; None when the message carries no document."""
    item = next((m for m in media if (m.get("content_type") or "").split(";")[0].lower() in DOCUMENT_TYPES), None)
    if item is None:
        return None
    kind = item["content_type"].split(";")[0].lower()
    filename = "brief" + DOCUMENT_TYPES[kind]
    url = _url(settings, item.get("url") or "")
    if url is None:
        log.warning("WhatsApp media URL is not a Twilio media URL of this account; not fetched")
        return {"filename": filename, **_problem(*_FETCH_FAILED)}
    try:
        data = _download(settings, url)
        return {"filename": filename, "text": text_of(data, filename)}
    except BriefFileError as exc:
        return {"filename": filename, **_problem(exc.reason, exc.code)}
    except (httpx.HTTPError, OSError) as exc:
        log.warning("WhatsApp media could not be fetched: %s", type(exc).__name__)
        return {"filename": filename, **_problem(*_FETCH_FAILED)}
