"""Fonts for the PDF transcript, and what to do with characters no font can draw.

The body font is the DejaVu Sans subset shipped in ``app/transcript/fonts`` (Latin, Greek, Cyrillic,
Hebrew, Arabic, math, arrows, symbols, emoticons), so a transcript looks the same on every machine.
Characters outside it (CJK, rarer scripts) are drawn with fallback fonts found on the machine (Noto
CJK, WenQuanYi, Droid Sans Fallback, full DejaVu, ...; ``VIVA_PDF_FONT_DIRS`` adds folders). A
character that no loaded font covers is replaced by a visible ``□`` (or ``?`` with the core-font
fallback, used only if the shipped font cannot be loaded), and the PDF says so on its last page.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

log = logging.getLogger("viva.transcript.pdf")

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
BODY_REGULAR = FONTS_DIR / "DejaVuSans.ttf"
BODY_BOLD = FONTS_DIR / "DejaVuSans-Bold.ttf"
FAMILY = "vivasans"
CORE_FAMILY = "helvetica"

# Fallback font files, best first, looked up by file name in the folders below.
FALLBACK_FILES = (
    "DejaVuSans.ttf",  # the full font: scripts the shipped subset leaves out
    "NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.ttf", "NotoSansSC-Regular.otf",
    "NotoSansJP-Regular.ttf", "NotoSansKR-Regular.ttf", "wqy-microhei.ttc", "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf", "DroidSansFallback.ttf", "ArialUnicode.ttf", "Arial Unicode.ttf",
    "NotoSansSymbols-Regular.ttf", "NotoSansSymbols2-Regular.ttf", "NotoSansMath-Regular.ttf",
    "NotoEmoji-Regular.ttf", "Symbola.ttf", "DejaVuMathTeXGyre.ttf",
)
MAX_FALLBACKS = 4
SYSTEM_FONT_DIRS = (
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
    "/Library/Fonts", "/System/Library/Fonts", "~/Library/Fonts", "C:/Windows/Fonts",
)
PLACEHOLDER = "\u25a1"  # □ WHITE SQUARE
CORE_PLACEHOLDER = "?"
# Zero-width and joiner characters: fine to drop when no font has them (nothing visible is lost).
_INVISIBLE = {"Mn", "Me", "Cf"}


def _search_dirs() -> list[Path]:
    extra = [p for p in os.environ.get("VIVA_PDF_FONT_DIRS", "").split(os.pathsep) if p]
    return [Path(p).expanduser() for p in [*extra, *SYSTEM_FONT_DIRS]]


@lru_cache(maxsize=1)
def _font_index() -> dict[str, Path]:
    """File name -> first path found (searched once per process)."""
    index: dict[str, Path] = {}
    wanted = set(FALLBACK_FILES)
    for directory in _search_dirs():
        if not directory.is_dir():
            continue
        for root, _dirs, files in os.walk(directory):
            for name in files:
                if name in wanted and name not in index:
                    index[name] = Path(root) / name
    return index


def fallback_font_paths() -> list[Path]:
    index = _font_index()
    return [index[name] for name in FALLBACK_FILES if name in index][:MAX_FALLBACKS]


@lru_cache(maxsize=32)
def font_coverage(path: Path) -> frozenset[int]:
    """Code points a font file maps (read once per process; empty if the file is unreadable)."""
    from fontTools.ttLib import TTCollection, TTFont  # noqa: PLC0415

    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            font = TTCollection(str(path), lazy=True).fonts[0]
        else:
            font = TTFont(str(path), lazy=True)
        return frozenset(font.getBestCmap() or {})
    except Exception:  # noqa: BLE001 (any unreadable font is simply not used)
        return frozenset()


def fallbacks_for(text: str) -> list[Path]:
    """The fallback fonts worth loading for ``text``: only those that draw a character the shipped
    font lacks (loading a font costs ~0.3 s, so a plain transcript loads none)."""
    missing = {ord(ch) for ch in set(text)} - font_coverage(BODY_REGULAR) - {10, 13}
    chosen: list[Path] = []
    for path in fallback_font_paths():
        if not missing:
            break
        covers = missing & font_coverage(path)
        if covers:
            chosen.append(path)
            missing -= covers
    return chosen


@dataclass
class FontSet:
    """The fonts registered on one FPDF document and the characters they can draw."""

    family: str
    unicode: bool
    coverage: set[int] = field(default_factory=set)
    replaced: int = 0  # characters replaced by the placeholder so far

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER if self.unicode else CORE_PLACEHOLDER

    def displayable(self, text: str) -> str:
        """``text`` with every character no font can draw replaced by the placeholder."""
        out: list[str] = []
        for ch in text:
            if ch == "\n" or (ord(ch) in self.coverage if self.unicode else ord(ch) < 256):
                out.append(ch)
            elif unicodedata.category(ch) in _INVISIBLE:
                continue
            else:
                self.replaced += 1
                out.append(self.placeholder)
        return "".join(out)


def register_fonts(pdf: FPDF, text: str = "", use_fallbacks: bool = True) -> FontSet:
    """Add the body font to ``pdf``, and the fallbacks needed for ``text`` (all the text the document
    will show); core Helvetica if the shipped font is unusable."""
    try:
        pdf.add_font(FAMILY, "", str(BODY_REGULAR))
        pdf.add_font(FAMILY, "B", str(BODY_BOLD))
    except Exception:  # a damaged install must not stop the export
        log.exception("shipped PDF font unusable; using core Helvetica (Latin-1 only)")
        return FontSet(family=CORE_FAMILY, unicode=False)
    fonts = FontSet(family=FAMILY, unicode=True, coverage=set(pdf.fonts[FAMILY].cmap))
    if use_fallbacks:
        names = []
        for i, path in enumerate(fallbacks_for(text)):
            name = f"fallback{i}"
            try:
                pdf.add_font(name, "", str(path))
            except Exception as exc:  # an unreadable or unsupported font file is skipped
                log.warning("skipping fallback font %s: %s", path, exc)
                continue
            names.append(name)
            fonts.coverage |= set(pdf.fonts[name].cmap)
        if names:
            pdf.set_fallback_fonts(names, exact_match=False)
    return fonts
