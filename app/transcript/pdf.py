"""PDF rendering of a transcript with fpdf2 (pure Python): A4 or Letter, a per-topic bar chart,
wrapped text (long unbroken tokens are broken at the margin), any Unicode drawn or visibly replaced.

Rendering never fails for any candidate text: if the full setup (fallback fonts, text shaping) raises,
the transcript is rendered again without them, and finally with core fonts.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Literal

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from app.transcript import formatting as fmt
from app.transcript.model import QuestionRecord, Transcript
from app.transcript.pdf_chart import MUTED, TEXT, draw_topic_chart, score_colour
from app.transcript.pdf_fonts import FontSet, register_fonts
from app.transcript.text_safety import clean, reflow, split_fences

log = logging.getLogger("viva.transcript.pdf")

Paper = Literal["a4", "letter"]
PAPER_FORMATS = {"a4": "A4", "letter": "Letter"}
MARGIN = 18.0
ACCENT = (37, 84, 160)
ANSWER_FILL = (244, 246, 249)


class TranscriptPDF(FPDF):
    def __init__(self, paper: Paper, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format=PAPER_FORMATS[paper])
        self.footer_text = footer_text
        self.fonts_set: FontSet | None = None
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)

    def footer(self) -> None:
        if self.fonts_set is None:
            return
        self.set_y(-12)
        self.set_font(self.fonts_set.family, "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.footer_text}  \u00b7  page {self.page_no()}" if self.fonts_set.unicode
                  else f"{self.footer_text} - page {self.page_no()}", align="C")


def needs_shaping(text: str) -> bool:
    """Right-to-left or complex-script text (Hebrew, Arabic, Indic, Thai, ...): shaping is ~3x slower,
    so it is switched on only for the blocks that need it."""
    return any("\u0590" <= ch <= "\u1fff" or unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


class _Writer:
    """Layout helpers bound to one document and its fonts."""

    def __init__(self, pdf: TranscriptPDF, fonts: FontSet, shaping: bool = False) -> None:
        self.pdf, self.fonts, self.shaping = pdf, fonts, shaping
        self.width = pdf.w - pdf.l_margin - pdf.r_margin

    def _shape_for(self, text: str) -> None:
        if self.shaping:
            self.pdf.set_text_shaping(needs_shaping(text))

    def text(self, value: str, size: float = 10, bold: bool = False, colour: tuple[int, int, int] = TEXT,
             indent: float = 0, fill: tuple[int, int, int] | None = None, line: float | None = None) -> None:
        pdf = self.pdf
        pdf.set_font(self.fonts.family, "B" if bold else "", size)
        pdf.set_text_color(*colour)
        if fill:
            pdf.set_fill_color(*fill)
        pdf.set_x(pdf.l_margin + indent)
        shown = self.fonts.displayable(clean(value)) or " "
        self._shape_for(shown)
        pdf.multi_cell(self.width - indent, line or size * 0.5, shown, fill=fill is not None, align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def code(self, value: str, numbered: bool = False, size: float = 8.5) -> None:
        """A code block: monospace (Courier; the body font for characters Courier lacks), indentation
        kept, optionally numbered lines, on a light fill."""
        pdf = self.pdf
        value = clean(value).rstrip()
        try:
            value.encode("latin-1")
            pdf.set_font("courier", "", size)
        except UnicodeEncodeError:
            pdf.set_font(self.fonts.family, "", size)
            value = self.fonts.displayable(value)
        pdf.set_text_color(*TEXT)
        pdf.set_fill_color(*ANSWER_FILL)
        lines = value.split("\n")
        for n, line in enumerate(lines, 1):
            indent = len(line) - len(line.lstrip(" "))
            shown = ("\u00a0" * indent + line.lstrip(" ")) or " "
            if numbered:
                shown = f"{n:>3}  {shown}"
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(self.width, size * 0.48, shown, fill=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rich(self, value: str, size: float = 9.5, bold: bool = False, fill: tuple[int, int, int] | None = None,
             line: float | None = None, numbered: bool = False) -> None:
        """Prose with fenced code blocks drawn as code."""
        for is_code, _language, part in split_fences(value):
            if is_code:
                self.code(part, numbered=numbered)
            elif part.strip():
                self.text(part.strip("\n"), size=size, bold=bold, fill=fill, line=line)

    def heading(self, value: str, size: float = 13) -> None:
        if self.pdf.get_y() + 20 > self.pdf.page_break_trigger:
            self.pdf.add_page()
        self.gap(3)
        self.text(value, size=size, bold=True, colour=ACCENT)
        self.pdf.set_draw_color(*ACCENT)
        self.pdf.set_line_width(0.3)
        y = self.pdf.get_y() + 0.5
        self.pdf.line(self.pdf.l_margin, y, self.pdf.w - self.pdf.r_margin, y)
        self.gap(2.5)

    def label(self, value: str, keep: float = 18) -> None:
        """A small caption; starts a new page rather than leave it alone at the foot of one."""
        if self.pdf.get_y() + keep > self.pdf.page_break_trigger:
            self.pdf.add_page()
        self.gap(1.5)
        self.text(value, size=9, bold=True, colour=MUTED)

    def pairs(self, rows: list[tuple[str, str]], key_width: float = 46, size: float = 9) -> None:
        pdf = self.pdf
        for key, value in rows:
            pdf.set_font(self.fonts.family, "B", 9)
            pdf.set_text_color(*MUTED)
            y = pdf.get_y()
            pdf.cell(key_width, 5, self.fonts.displayable(key))
            pdf.set_xy(pdf.l_margin + key_width, y)
            pdf.set_font(self.fonts.family, "", size)
            pdf.set_text_color(*TEXT)
            shown = self.fonts.displayable(clean(value)) or "-"
            self._shape_for(shown)
            pdf.multi_cell(self.width - key_width, 5, shown, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bullets(self, items: list[str], mark: str = "\u2022", colour: tuple[int, int, int] = TEXT) -> None:
        mark = mark if self.fonts.unicode else "-"
        for item in items:
            y = self.pdf.get_y()
            self.pdf.set_font(self.fonts.family, "B", 9.5)
            self.pdf.set_text_color(*colour)
            self.pdf.set_xy(self.pdf.l_margin + 1, y)
            self.pdf.cell(4, 4.8, mark)
            self.pdf.set_xy(self.pdf.l_margin + 5, y)
            self.text(item, size=9.5, indent=5, line=4.8)

    def gap(self, mm: float) -> None:
        self.pdf.ln(mm)


def _overview(w: _Writer, t: Transcript) -> None:
    pdf = w.pdf
    w.text("VIVA \u00b7 MOCK INTERVIEW" if w.fonts.unicode else "VIVA - MOCK INTERVIEW", size=8, bold=True, colour=MUTED)
    w.text("Scored transcript", size=20, bold=True, line=10)
    box_w, box_x, box_y = 38.0, pdf.w - pdf.r_margin - 38.0, pdf.t_margin
    pdf.set_fill_color(*score_colour(t.overall))
    pdf.rect(box_x, box_y, box_w, 17, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(box_x, box_y + 1.5)
    pdf.set_font(w.fonts.family, "B", 16)
    pdf.cell(box_w, 8, "-" if t.overall is None else f"{t.overall:.1f} / 5", align="C")
    pdf.set_xy(box_x, box_y + 9.5)
    pdf.set_font(w.fonts.family, "", 7.5)
    pdf.cell(box_w, 5, "overall score", align="C")
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), box_y + 21))
    w.pairs([
        ("Status", t.status), ("Started", fmt.moment(t.created_at)), ("Finished", fmt.moment(t.finished_at)),
        ("Time answering", fmt.duration(t.duration_seconds)), ("Examiner", fmt.examiner(t)), ("Interview id", t.id),
    ])
    w.heading("Options chosen", size=11)
    w.pairs(fmt.options(t))
    w.heading("Scores by topic", size=11)
    draw_topic_chart(pdf, w.fonts, [(tp.title, tp.score) for tp in t.topics] + [("Overall", t.overall)])


def _summary(w: _Writer, t: Transcript) -> None:
    s = t.summary
    if s is None:
        return
    w.heading("Summary", size=11)
    if s.text.strip():
        w.text(s.text, size=10, line=5)
    for title, items in (("Strengths", s.strengths), ("Study next", s.study_next)):
        if items:
            w.label(title)
            w.bullets(items)
    gaps = [f"{topic}: {' '.join(p if p.rstrip().endswith(('.', '!', '?')) else p + '.' for p in points)}"
            for topic, points in s.gaps.items() if points]
    if gaps:
        w.label("Gaps by topic")
        w.bullets(gaps)


def _question(w: _Writer, n: int, q: QuestionRecord) -> None:
    w.heading(f"{n}. {q.topic_title}  \u2014  {fmt.score(q.score)}" if w.fonts.unicode else f"{n}. {q.topic_title} - {fmt.score(q.score)}", size=12)
    w.text(f"{fmt.question_type(q.question_type)}   Difficulty {fmt.difficulty(q.difficulty)}   "
           f"Time spent {fmt.duration(q.time_spent_seconds)}{fmt.attempt(q)}", size=8.5, colour=MUTED)
    for ex in q.exchanges:
        w.label("Question" if ex.kind == "question" else "Follow-up")
        w.rich(ex.prompt, size=10, bold=True, line=5, numbered=True)
        w.label(fmt.answer_label(ex.spoken, ex.spoken_seconds))
        answer = "(skipped)" if ex.skipped else "(not answered)" if ex.answer is None else (ex.answer.strip() or "(empty answer)")
        w.rich(answer, size=9.5, fill=ANSWER_FILL, line=4.8)
    if q.submission is not None:
        sub = q.submission
        w.label(f"Code submitted: hidden tests {sub.passed} of {sub.total} passed")
        w.code(sub.code.rstrip(), numbered=True)
        if sub.problem:
            w.text(f"The run failed as a whole: {sub.problem}", size=8.5, colour=MUTED)
        w.bullets([f"{t.name}: {'passed' if t.passed else 'failed - ' + (t.message or 'failed')}" for t in sub.tests])
    elif q.question_type == "code":
        w.label("Code submitted: none")
    g = q.final_grade
    if g is not None:
        w.label("Scores by criterion")
        _criteria_table(w, q)
        if g.covered:
            w.label("Key points covered (with your words)")
            w.bullets([f"{c.text}  \u201c{c.quote}\u201d" for c in g.covered], mark="\u2713", colour=(46, 139, 87))
        if g.missed:
            w.label("Key points missed")
            w.bullets([m.text for m in g.missed], mark="\u2717", colour=(196, 62, 52))
        if g.estimate is not None:
            w.label("Your figure")
            w.text(g.estimate.summary(), size=9.5, line=4.8)
        if g.parts:
            w.label(fmt.PARTS_LABEL[g.parts[0].kind])
            w.bullets([f"{p.title}: {p.covered} of {p.total}" for p in g.parts])
        if g.red_flags:
            w.label("Red flags")
            w.bullets([f"\u201c{r.quote}\u201d: {r.advice}" for r in g.red_flags], mark="!", colour=(196, 62, 52))
        if g.feedback.strip():
            w.label("Feedback")
            w.text(g.feedback, size=9.5, line=4.8)
        w.text(f"Graded by {g.examiner}" + (f"; flags: {', '.join(g.flags)}" if g.flags else ""), size=7.5, colour=MUTED)
    if q.expected:
        w.label("Expected figure")
        w.text(q.expected, size=9.5, line=4.8)
    if q.model_answer:
        w.label("Model answer")
        w.rich(reflow(q.model_answer), size=9.5, line=4.8)


def _criteria_table(w: _Writer, q: QuestionRecord) -> None:
    pdf, d = w.pdf, w.fonts.displayable
    pdf.set_font(w.fonts.family, "", 8.5)
    pdf.set_text_color(*TEXT)
    pdf.set_draw_color(210, 214, 220)
    with pdf.table(col_widths=(34, 14, w.width - 48), text_align=("LEFT", "CENTER", "LEFT"), line_height=4.4,
                   first_row_as_headings=True, headings_style=FontFace(emphasis="BOLD", color=MUTED), borders_layout="HORIZONTAL_LINES",
                   padding=1.2) as table:
        header = table.row()
        for title in ("Criterion", "Score", "What this score means"):
            header.cell(title)
        for c in q.criteria:
            row = table.row()
            row.cell(d(clean(c.title)))
            row.cell(f"{c.score} / 5")
            row.cell(d(clean(c.anchor)))
    pdf.ln(1)


def _reproducibility(w: _Writer, t: Transcript) -> None:
    w.heading("Reproducibility", size=11)
    r = t.reproducibility
    rows = [("Viva version", t.viva_version), ("Schema version", str(t.schema_version)), ("Tokens used", fmt.tokens(t))]
    if r is not None:
        rows[1:1] = [("Examiner", r.examiner.name), ("Grades produced by", ", ".join(r.graded_by) or "-")]
        rows += [(f"Rubric {topic}", digest) for topic, digest in r.rubric_files.items()]
        rows += [(f"Prompt {name}", digest) for name, digest in r.prompt_templates.items()]
        if not r.prompt_templates:
            rows.append(("Prompt templates", "none (no LLM took part)"))
    w.pairs(rows, key_width=46, size=8)
    w.text("Hashes are sha256 of the files when this transcript was exported. "
           "`viva regrade` on the JSON export re-grades these answers with the current examiner.", size=7.5, colour=MUTED)


def _render(t: Transcript, paper: Paper, use_fallbacks: bool, shaping: bool, core_only: bool) -> bytes:
    pdf = TranscriptPDF(paper, f"Viva transcript {t.id[:8]}")
    pdf.set_title("Viva scored transcript")
    pdf.set_author("Viva")
    pdf.set_creator(f"Viva {t.viva_version}")
    fonts = FontSet(family="helvetica", unicode=False) if core_only else register_fonts(pdf, t.model_dump_json(), use_fallbacks)
    pdf.fonts_set = fonts
    pdf.add_page()
    w = _Writer(pdf, fonts, shaping=shaping and fonts.unicode)
    _overview(w, t)
    _summary(w, t)
    for n, q in enumerate(t.questions, 1):
        _question(w, n, q)
    _reproducibility(w, t)
    if fonts.replaced:
        w.gap(3)
        w.text(f"{fonts.replaced} character(s) that no available font can draw are shown as "
               f"{fonts.placeholder}; the JSON and Markdown exports contain the exact text.", size=8, colour=MUTED)
    return bytes(pdf.output())


def _shaping_available() -> bool:
    try:
        import uharfbuzz  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


def render_pdf(t: Transcript, paper: Paper = "a4") -> bytes:
    """The transcript as PDF bytes. ``paper`` is ``"a4"`` or ``"letter"``."""
    if paper not in PAPER_FORMATS:
        raise ValueError(f"paper must be one of {sorted(PAPER_FORMATS)}")
    attempts = (
        {"use_fallbacks": True, "shaping": _shaping_available(), "core_only": False},
        {"use_fallbacks": False, "shaping": False, "core_only": False},
        {"use_fallbacks": False, "shaping": False, "core_only": True},
    )
    for i, attempt in enumerate(attempts):
        try:
            return _render(t, paper, **attempt)
        except Exception:
            if i == len(attempts) - 1:
                raise
            log.exception("PDF rendering failed with %s; retrying with a simpler setup", attempt)
    raise AssertionError("unreachable")
