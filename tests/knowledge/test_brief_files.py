"""Briefs sent as files (issue 14): PDF, Word, e-mail and text read with their Hebrew; every bad file
is refused with a reason an owner can act on, never a stack trace."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from evals.sample_files import pdf_with_text
from knowledge.briefs.extract import extract_brief
from knowledge.briefs.files import MAX_BYTES, BriefFileError, text_of

TODAY = dt.date(2026, 11, 23)


BRIEF_LINES = ["CAMPAIGN BRIEF", "Brand: Maison Albion", "Campaign period: 14/12/2026 - 10/01/2027",
               "Deliverables: 2 x Instagram Reels; 4 x Instagram Stories", "Fee: GBP 2,800 + VAT, net 30"]


def test_a_pdf_brief_is_read_into_its_fields():
    brief = extract_brief(text_of(pdf_with_text(BRIEF_LINES), "brief.pdf"), today=TODAY)
    assert (brief.brand, str(brief.fee), brief.currency, brief.vat) == ("Maison Albion", "2800", "GBP", "plus")
    assert (brief.start, brief.end) == (dt.date(2026, 12, 14), dt.date(2027, 1, 10))
    assert [(d["count"], d["kind"]) for d in brief.deliverables] == [(2, "reel"), (4, "story")]


def test_a_hebrew_word_brief_is_read_with_its_tables():
    import docx

    document = docx.Document()
    document.add_paragraph("בריף קמפיין – גלידת שמש")
    document.add_paragraph("תוצרים: 4 רילס, 10 סטוריז")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "תמורה"
    table.rows[0].cells[1].text = "30,000 ₪ + מע\"מ"
    buffer = io.BytesIO()
    document.save(buffer)

    brief = extract_brief(text_of(buffer.getvalue(), "בריף.docx"), today=TODAY)
    assert brief.brand == "גלידת שמש" and str(brief.fee) == "30000" and brief.vat == "plus"
    assert [(d["count"], d["kind"]) for d in brief.deliverables] == [(4, "reel"), (10, "story")]


def test_an_email_and_a_windows_1255_text_are_read():
    eml = (b"From: Dana <dana@lumicosmetics.co.il>\nSubject: Lumi x Maya\nContent-Type: text/plain; charset=utf-8\n\n"
           b"3 TikTok videos, 12,000 ILS + VAT")
    assert "Subject: Lumi x Maya" in text_of(eml, "mail.eml") and "3 TikTok videos" in text_of(eml, "mail.eml")
    hebrew = "בריף: 2 רילס, 5,000 ש\"ח".encode("cp1255")
    assert text_of(hebrew, "brief.txt") == "בריף: 2 רילס, 5,000 ש\"ח"
    assert text_of("\ufeffBrief: 2 reels".encode(), "b.txt") == "Brief: 2 reels"  # a BOM is not text


def scanned_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_with_text(BRIEF_LINES))))
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("data, name, code, words", [
    (lambda: scanned_pdf(), "scan.pdf", "no_text", "paste the brief's text"),
    (lambda: encrypted_pdf(), "locked.pdf", "encrypted", "password"),
    (lambda: b"%PDF-1.4\n1 0 obj garbage", "broken.pdf", "corrupt", "damaged"),
    (lambda: b"PK\x03\x04 not really a docx", "broken.docx", "corrupt", "damaged"),
    (lambda: b"x" * (MAX_BYTES + 1), "huge.txt", "too_large", "MB"),
    (lambda: b"   ", "empty.txt", "invalid_file", "empty"),
    (lambda: b"\x00\x01\x02" * 100, "photo.bin", "unsupported", "PDF"),
])
def test_a_file_that_gives_no_brief_is_refused_with_the_reason(data, name, code, words):
    with pytest.raises(BriefFileError) as refused:
        text_of(data(), name)
    assert refused.value.code == code and words in refused.value.reason
