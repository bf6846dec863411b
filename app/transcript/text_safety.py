"""Cleaning and escaping of untrusted text (candidate answers, LLM output) for the Markdown and PDF
renderers. The JSON export keeps the exact text; these functions only shape how it is displayed.

Markdown rules: HTML is entity-escaped, inline markup characters are backslash-escaped, anything that
would start a block (heading, list, quote, setext underline, numbered item) at the start of a line is
escaped, leading indentation is dropped (it would open a code block), trailing spaces are dropped
(they would make hard breaks). Long lines are wrapped at spaces for readability of the raw file;
tokens are never split, so rendering is unchanged.
"""

from __future__ import annotations

import re
import textwrap

from app.sanitize import clean_text

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
_BLOCK_START = re.compile(r"^(#|>|\+|-|=|\d+[.)])")
WRAP_WIDTH = 100


def clean(text: str) -> str:
    """``clean_text`` (stored answers already went through it; rubric and LLM text may not), tabs as spaces."""
    return clean_text(text).replace("\t", "    ")


# A line break inside a paragraph, with the wrapped line's indentation (it means nothing in prose);
# not a blank line or the start of a list item.
_SOFT_BREAK = re.compile(r"(?<!\n)[ \t]*\n(?![ \t]*(\n|[-*+•] |\d+[.)] ))[ \t]*")


def reflow(text: str) -> str:
    """Join hard-wrapped lines (as in YAML block text) into paragraphs; blank lines, list items and
    fenced code stay as they are."""
    parts = [f"```{language}\n{part}\n```" if is_code else _SOFT_BREAK.sub(" ", part.strip())
             for is_code, language, part in split_fences(text.strip())]
    return "\n\n".join(p for p in parts if p)


def escape_inline(text: str) -> str:
    """Escape a fragment that sits inside a line (no line-start rules, no newlines expected)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _INLINE_SPECIAL.sub(r"\\\1", text)


def escape_line(line: str) -> str:
    """Escape one whole line of Markdown source."""
    escaped = escape_inline(line.strip())
    return _BLOCK_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], escaped, count=1)


def one_line(text: str) -> str:
    """Untrusted text for a heading, list item or table cell: one line, escaped."""
    return escape_line(" ".join(clean(text).split()))


_FENCE = re.compile(r"^```[ \t]*([\w+-]*)[ \t]*\n(.*?)(?:^```[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)


def split_fences(text: str) -> list[tuple[bool, str, str]]:
    """(is code, language, text) parts of a text, split at fenced code blocks (an unclosed fence runs to
    the end, as in Markdown)."""
    parts: list[tuple[bool, str, str]] = []
    position = 0
    for match in _FENCE.finditer(text):
        if match.start() > position:
            parts.append((False, "", text[position:match.start()]))
        parts.append((True, match.group(1), match.group(2).rstrip("\n")))
        position = match.end()
    if position < len(text):
        parts.append((False, "", text[position:]))
    return parts


def code_block(code: str, language: str = "") -> list[str]:
    """Code as a fenced block whose fence is longer than any backtick run inside it, so the code cannot
    close it; inside a fence Markdown shows every character as typed."""
    code = clean(code).rstrip()
    run = max((len(m) for m in re.findall(r"`{3,}", code)), default=2)
    fence = "`" * (run + 1)
    language = re.sub(r"[^\w+-]", "", language)
    return [f"{fence}{language}", *code.split("\n"), fence]


def paragraphs(text: str, width: int = WRAP_WIDTH) -> list[str]:
    """Untrusted multi-line text as Markdown source lines. Blank lines separate paragraphs (an empty
    string in the result); a line break the author typed is kept as a hard break (trailing ``\\``);
    fenced code stays a fenced code block."""
    out: list[str] = []
    for is_code, language, part in split_fences(clean(text)):
        if is_code:
            out += ([""] if out else []) + code_block(part, language)
        else:
            lines = _prose(part, width)
            out += ([""] if out and lines else []) + lines
    return out


def _prose(text: str, width: int) -> list[str]:
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [ln for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if out:
            out.append("")
        for i, line in enumerate(lines):
            wrapped = textwrap.wrap(" ".join(line.split()), width=width, break_long_words=False, break_on_hyphens=False)
            escaped = [escape_line(w) for w in wrapped]
            if i < len(lines) - 1:
                escaped[-1] += "\\"
            out += escaped
    return out


def blockquote(text: str, empty: str = "(empty)") -> list[str]:
    lines = paragraphs(text)
    if not lines:
        return [f"> *{empty}*"]
    return [f"> {ln}" if ln else ">" for ln in lines]


def code_span(text: str) -> str:
    """Text as an inline code span, fenced with more backticks than it contains."""
    text = " ".join(clean(text).split()).replace("|", "\\|")
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (run + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
