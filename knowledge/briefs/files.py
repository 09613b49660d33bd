"""The text of a brief sent as a file: PDF (pypdf), Word (python-docx), e-mail (.eml, the standard
library) or plain text (UTF-8, a BOM, or Windows-1255 as Hebrew Windows saves it).

Every failure is a `BriefFileError` naming the reason in words an owner can act on: too large (refused
before it is read), encrypted, corrupt, a scan with no text layer (send the text instead), a type we
do not read.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
import zipfile

from knowledge.text import decode_bytes

__all__ = ["BriefFileError", "MAX_BYTES", "text_of"]

MAX_BYTES = 10 * 1024 * 1024  # a brief is a few pages; a 40 MB upload is refused before it is read


class BriefFileError(ValueError):
    """A file that gives no brief text, and why."""

    def __init__(self, reason: str, *, code: str = "invalid_file") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


def _kind(data: bytes, filename: str) -> str:
    name = filename.lower()
    if data.startswith(b"%PDF") or name.endswith(".pdf"):
        return "pdf"
    if data.startswith(b"PK") or name.endswith(".docx"):
        return "docx"
    if name.endswith(".eml") or re.match(rb"(?im)^(from|subject|received|mime-version):", data[:2000]):
        return "eml"
    if b"\x00" not in data[:4000] and (name.endswith((".txt", ".md")) or "." not in name.rsplit("/", 1)[-1]
                                        or not re.search(rb"[\x01-\x08\x0e-\x1f]", data[:4000])):
        return "text"
    return "unknown"


def text_of(data: bytes, filename: str = "") -> str:
    """The brief's text; raises BriefFileError."""
    if len(data) > MAX_BYTES:
        raise BriefFileError(f"the file is {len(data) // (1024 * 1024)} MB; briefs up to "
                             f"{MAX_BYTES // (1024 * 1024)} MB are read", code="too_large")
    if not data.strip():
        raise BriefFileError("the file is empty")
    kind = _kind(data, filename)
    text = {"pdf": _pdf, "docx": _docx, "eml": _eml, "text": decode_bytes}.get(kind, _unknown)(data)
    text = re.sub(r"[ \t]+\n", "\n", text).strip()
    if not text:
        raise BriefFileError("no text in the file", code="no_text")
    return text


def _unknown(data: bytes) -> str:
    raise BriefFileError("this type of file is not read: send a PDF, a Word (.docx) file, an e-mail or the text",
                         code="unsupported")


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    locked = BriefFileError("the PDF is password-protected: send it without the password or paste the text",
                            code="encrypted")
    try:
        reader = PdfReader(io.BytesIO(data))
        # an owner password alone still opens with no password; a user password does not
        if reader.is_encrypted and not reader.decrypt(""):
            raise locked
        pages = [page.extract_text() or "" for page in reader.pages[:50]]
    except BriefFileError:
        raise
    except FileNotDecryptedError as exc:
        raise locked from exc
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise BriefFileError("the PDF could not be read (it looks damaged)", code="corrupt") from exc
    except Exception as exc:  # pypdf raises many kinds on broken files (FileNotDecryptedError among them)
        if "decrypt" in type(exc).__name__.lower() or "encrypt" in str(exc).lower():
            raise BriefFileError("the PDF is password-protected: send it without the password or paste the text",
                                 code="encrypted") from exc
        raise BriefFileError("the PDF could not be read (it looks damaged)", code="corrupt") from exc
    text = "\n".join(pages)
    if len(re.sub(r"\s", "", text)) < 20:
        raise BriefFileError("the PDF has no text layer (a scan?): paste the brief's text instead", code="no_text")
    return text


def _docx(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BriefFileError("the Word file could not be read (it looks damaged)", code="corrupt") from exc
    except Exception as exc:
        raise BriefFileError("the Word file could not be read (it looks damaged)", code="corrupt") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


def _eml(data: bytes) -> str:
    message = email.message_from_bytes(data, policy=email.policy.default)
    parts = [f"Subject: {message.get('subject', '')}".strip()] if message.get("subject") else []
    body = message.get_body(preferencelist=("plain", "html")) if hasattr(message, "get_body") else None
    if body is not None:
        content = body.get_content()
        if body.get_content_type() == "text/html":
            content = re.sub(r"<[^>]+>", " ", content)
        parts.append(str(content))
    return "\n".join(parts)


