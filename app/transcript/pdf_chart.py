"""The per-topic score chart, drawn with fpdf2 rectangles and lines (no images, prints crisply)."""

from __future__ import annotations

from fpdf import FPDF

from app.transcript.pdf_fonts import FontSet

ROW_HEIGHT = 7.0
BAR_HEIGHT = 4.2
LABEL_WIDTH = 58.0
VALUE_WIDTH = 16.0
TRACK = (236, 239, 243)
GRID = (200, 205, 212)
TEXT = (40, 44, 52)
MUTED = (110, 116, 126)


def score_colour(score: float | None) -> tuple[int, int, int]:
    """Red below 2, amber below 3.5, green from 3.5; grey when not graded. Distinct in greyscale too."""
    if score is None:
        return (170, 170, 170)
    if score < 2:
        return (196, 62, 52)
    if score < 3.5:
        return (222, 150, 36)
    return (46, 139, 87)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Truncate ``text`` with an ellipsis so it fits ``width`` at the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "\u2026") > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def draw_topic_chart(pdf: FPDF, fonts: FontSet, rows: list[tuple[str, float | None]]) -> None:
    """Horizontal bars, one per topic, on a 0-5 scale with a light grid; the value is printed beside
    each bar so the chart reads without colour."""
    if not rows:
        return
    left = pdf.l_margin
    track_x = left + LABEL_WIDTH
    track_w = pdf.w - pdf.r_margin - track_x - VALUE_WIDTH
    height = ROW_HEIGHT * len(rows) + 6
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_font(fonts.family, "", 9)
    for i, (label, score) in enumerate(rows):
        y = top + i * ROW_HEIGHT
        bar_y = y + (ROW_HEIGHT - BAR_HEIGHT) / 2
        pdf.set_text_color(*TEXT)
        pdf.set_xy(left, y)
        pdf.cell(LABEL_WIDTH - 2, ROW_HEIGHT, _fit(pdf, fonts.displayable(label), LABEL_WIDTH - 3))
        pdf.set_fill_color(*TRACK)
        pdf.rect(track_x, bar_y, track_w, BAR_HEIGHT, style="F")
        if score:
            pdf.set_fill_color(*score_colour(score))
            pdf.rect(track_x, bar_y, track_w * max(0.0, min(5.0, score)) / 5, BAR_HEIGHT, style="F")
        pdf.set_xy(track_x + track_w + 1, y)
        pdf.set_font(fonts.family, "B", 9)
        pdf.cell(VALUE_WIDTH - 1, ROW_HEIGHT, "-" if score is None else f"{score:.1f}", align="R")
        pdf.set_font(fonts.family, "", 9)
    bottom = top + ROW_HEIGHT * len(rows)
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.2)
    pdf.set_font(fonts.family, "", 7)
    pdf.set_text_color(*MUTED)
    for level in range(6):
        x = track_x + track_w * level / 5
        pdf.line(x, top, x, bottom)
        pdf.set_xy(x - 3, bottom + 0.5)
        pdf.cell(6, 3.5, str(level), align="C")
    pdf.set_text_color(*TEXT)
    pdf.set_xy(left, bottom + 6)
