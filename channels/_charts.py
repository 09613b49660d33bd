"""Charts for the report page (issue 13), drawn by matplotlib as inline SVG (no image files, no script):
the coupon funnel as horizontal bars and the earnings per month as stacked bars. Labels are given in
logical order: matplotlib lays Hebrew out right to left itself (reordering them first reversed them, seen
on the rendered page)."""

from __future__ import annotations

import io
from typing import Any

__all__ = ["funnel_svg", "earnings_svg"]

_INK, _ACCENT, _SOFT = "#1d1b26", "#6d28d9", "#c4b5fd"


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    figure.patch.set_alpha(0)
    return figure


def _svg(figure: Any) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight")
    text = out.getvalue()
    return text[text.index("<svg"):]  # inline: no XML prolog


def _label(text: str, rtl: bool) -> str:
    return text


def funnel_svg(steps: list[tuple[str, int]], *, rtl: bool) -> str:
    """Horizontal bars, the first step on top, each with its count."""
    figure = _figure(6.4, 0.5 + 0.55 * len(steps))
    ax = figure.subplots()
    labels = [_label(name, rtl) for name, _ in steps][::-1]
    values = [value for _, value in steps][::-1]
    bars = ax.barh(labels, values, color=[_SOFT] * (len(values) - 1) + [_ACCENT], height=0.6)
    ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=4, color=_INK, fontsize=10)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xticks([])
    ax.tick_params(axis="y", colors=_INK, labelsize=10, length=0)
    if rtl:
        ax.invert_xaxis()
        ax.yaxis.tick_right()
    return _svg(figure)


def earnings_svg(months: list[str], paid: list[float], commissions: list[float], *, currency: str,
                 labels: tuple[str, str], rtl: bool) -> str:
    """Stacked bars per month: invoices paid, then commissions on top."""
    figure = _figure(6.4, 3.0)
    ax = figure.subplots()
    order = months[::-1] if rtl else months
    p = paid[::-1] if rtl else paid
    c = commissions[::-1] if rtl else commissions
    ax.bar(order, p, color=_ACCENT, label=_label(labels[0], rtl), width=0.6)
    ax.bar(order, c, bottom=p, color=_SOFT, label=_label(labels[1], rtl), width=0.6)
    for x, (a, b) in enumerate(zip(p, c, strict=True)):
        if a + b:
            ax.text(x, a + b, f"{a + b:,.0f}", ha="center", va="bottom", fontsize=9, color=_INK)
    ax.set_ylabel(currency, color=_INK)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=_INK, labelsize=9)
    ax.legend(frameon=False, fontsize=9, loc="upper left" if not rtl else "upper right")
    return _svg(figure)
