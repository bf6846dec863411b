"""Making untrusted text safe to store and to show: one definition used by every path."""

from __future__ import annotations

import unicodedata

# Bidi embeddings, overrides and isolates can reorder how surrounding text is displayed ("Trojan
# Source"); natural RTL text (Arabic, Hebrew) needs none of them.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def clean_text(text: str) -> str:
    """NFC, newlines normalised, bidi overrides and control characters other than newline and tab
    removed."""
    text = unicodedata.normalize("NFC", str(text).replace("\r\n", "\n").replace("\r", "\n"))
    text = text.translate(BIDI_CONTROLS)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
