"""Payment requests and receipts as PDF (issue 13), with fpdf2 (a well-kept PDF library) and python-bidi
(the Unicode bidirectional algorithm): Hebrew is laid out right to left, numbers and Latin names inside
it stay left to right. The font is DejaVu Sans, which has Hebrew, from matplotlib's bundled fonts (a PyPI
package, so nothing is fetched and no system font is assumed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bidi import get_display
from fpdf import FPDF

__all__ = ["render"]


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _shown(text: str, rtl: bool) -> str:
    return get_display(text, base_dir="R") if rtl else text


def render(doc: dict[str, Any]) -> bytes:
    """A one-page document: {"rtl", "title", "number", "meta": [(label, value)], "from": [lines], "to":
    [lines], "items": [(label, amount)], "totals": [(label, amount)], "note"}."""
    rtl = bool(doc.get("rtl"))
    align = "R" if rtl else "L"
    pdf = FPDF(format="A4")
    pdf.set_title(f"{doc['title']} {doc['number']}")
    pdf.set_author(str(doc.get("author") or ""))
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, *, size: float = 11, bold: bool = False, h: float = 7) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.cell(width, h, _shown(text, rtl), align=align, new_x="LMARGIN", new_y="NEXT")

    line(f"{doc['title']} {doc['number']}", size=20, bold=True, h=12)
    for label, value in doc.get("meta") or []:
        line(f"{label}: {value}")
    pdf.ln(4)
    for title, key in ((doc.get("from_label", "From"), "from"), (doc.get("to_label", "To"), "to")):
        line(str(title), bold=True)
        for text in doc.get(key) or []:
            line(str(text))
        pdf.ln(2)
    pdf.ln(2)
    pdf.set_draw_color(180, 180, 200)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(3)
    amount_w, label_w = 45.0, width - 45.0
    for rows, bold in ((doc.get("items") or [], False), (doc.get("totals") or [], True)):
        for label, amount in rows:
            pdf.set_font("DejaVu", "B" if bold else "", 11)
            cells = [(label_w, _shown(str(label), rtl), align), (amount_w, str(amount), "R" if not rtl else "L")]
            for w, text, side in (reversed(cells) if rtl else cells):
                pdf.cell(w, 8, text, align=side)
            pdf.ln(8)
        pdf.ln(2)
    if doc.get("note"):
        pdf.ln(4)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(width, 6, _shown(str(doc["note"]), rtl), align=align)
    return bytes(pdf.output())
