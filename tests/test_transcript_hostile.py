"""Hostile candidate text (HTML, Markdown injection, very long lines, CJK, emoji, RTL, math) in every
export: nothing is interpreted as markup, nothing crashes, every character is drawn or visibly replaced."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from pypdf import PdfReader

from app.transcript import pdf_fonts
from app.transcript.model import Transcript
from app.transcript.pdf import render_pdf
from app.transcript.text_safety import blockquote, code_span, one_line, paragraphs
from tests.conftest import auth
from tests.transcript_support import HOSTILE, run_interview

pytestmark = pytest.mark.anyio


async def hostile_transcript(client: httpx.AsyncClient) -> tuple[str, str]:
    return await run_interview(client, answers=[HOSTILE] * 4, candidate_name="<b>Eve</b> | # `x` [y](z)")


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)


async def test_markdown_neutralises_hostile_answers(client: httpx.AsyncClient) -> None:
    iid, token = await hostile_transcript(client)
    md = (await client.get(f"/api/interviews/{iid}/transcript.md", headers=auth(token))).text
    assert "<script" not in md and "<img" not in md and "<!--" not in md and "<b>" not in md
    assert "&lt;script&gt;" in md
    assert not re.search(r"(?<!\\)\]\(", md) and "\\[click\\]" in md  # no link or image syntax survives
    # The candidate's fenced code is shown as code, inside a fence it cannot close early: the block holds
    # exactly the fenced line, and the text after it is prose again (escaped).
    fenced = re.findall(r"^> (`{3,})python\n((?:> .*\n)*?)> \1$", md, re.MULTILINE)
    assert fenced and all(body == "> print('fenced')  `inline` ``double``\n" for _, body in fenced)
    assert sum(line.lstrip("> ").startswith("```") for line in md.splitlines()) == 2 * len(fenced)
    # No heading, list or setext underline comes from candidate text: every such line is ours.
    ours = re.compile(r"^(#{1,3} (Viva mock interview|Options chosen|Scores by topic|Summary|Questions|Reproducibility|\d+\. )|- \*\*|  - `|- \S)")
    for line in md.splitlines():
        if line.startswith(("#", "- ", "=")):
            assert ours.match(line) or line.startswith("- "), line
    assert "> \\# Heading injection" in md and "> \\- list item" in md and "> 1\\. numbered" in md and "> \\=====" in md
    # Tables keep their column count whatever the candidate's name or answers contain.
    for line in md.splitlines():
        if line.startswith("| "):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) in (5, 6), line
    assert "&lt;b&gt;Eve&lt;/b&gt; \\| # \\`x\\` \\[y\\](z)" in md
    # Long lines are wrapped at spaces for the raw file, tokens are never split.
    assert "long:" + "a" * 600 in md
    assert max(len(line) for line in md.splitlines() if line.startswith(">") and "aaaa" not in line) <= 160  # 100 + escapes
    assert "中文字符" in md and "😀" in md and "שלום" in md and "∑" in md and "\u202e" not in md


async def test_pdf_renders_hostile_answers(client: httpx.AsyncClient) -> None:
    iid, token = await hostile_transcript(client)
    for paper in ("a4", "letter"):
        r = await client.get(f"/api/interviews/{iid}/transcript.pdf?paper={paper}", headers=auth(token))
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
        text = pdf_text(r.content)
        assert "<script>alert('x')</script>" in text  # shown literally
        assert "naïve café Zürich Łódź" in text
        assert "∑" in text and "≤" in text and "√2" in text and "ℝ" in text
        assert "a" * 60 in text.replace(" ", "")  # the long token is there, broken across lines
        assert "\u202e" not in text
        # Each CJK character is drawn (fallback font found) or replaced by a visible □ with a note.
        assert "中文字符" in text or ("\u25a1" in text and "no available font can draw" in text)


def transcript_from(client_json: dict) -> Transcript:
    return Transcript.model_validate(client_json)


async def test_pdf_falls_back_to_core_fonts_when_the_font_is_unusable(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    iid, token = await hostile_transcript(client)
    t = transcript_from((await client.get(f"/api/interviews/{iid}/transcript.json", headers=auth(token))).json())
    monkeypatch.setattr(pdf_fonts, "BODY_REGULAR", pdf_fonts.FONTS_DIR / "missing.ttf")
    text = pdf_text(render_pdf(t))
    assert "naïve café" in text and "no available font can draw" in text and "?" in text


async def test_pdf_survives_a_failing_fallback_font(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    iid, token = await run_interview(client, answers=["中文 answer 😀"] * 4)
    t = transcript_from((await client.get(f"/api/interviews/{iid}/transcript.json", headers=auth(token))).json())
    broken = tmp_path / "NotoSansCJK-Regular.ttc"
    broken.write_bytes(b"not a font")
    monkeypatch.setattr(pdf_fonts, "fallback_font_paths", lambda: [broken])
    assert "answer" in pdf_text(render_pdf(t))


def test_text_safety_units() -> None:
    assert one_line("a | b\nc") == "a \\| b c"
    assert one_line("# title") == "\\# title" and one_line("12. x") == "12\\. x" and one_line("+ x") == "\\+ x"
    assert one_line("<a href=x>") == "&lt;a href=x&gt;" and one_line("&amp;") == "&amp;amp;"
    assert paragraphs("line one\nline two\n\npara") == ["line one\\", "line two", "", "para"]
    assert paragraphs("    indented") == ["indented"]
    assert blockquote("") == ["> *(empty)*"]
    assert code_span("a`b") == "``a`b``" and code_span("`x`") == "`` `x` ``"
    wrapped = paragraphs(" ".join(["w"] * 300))
    assert len(wrapped) > 3 and all(len(x) <= 101 for x in wrapped)
