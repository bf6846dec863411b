"""A posting's text for matching: normalised one character for one character, so every match found in
the normalised text is also a span of the original, and a reason can quote the candidate's own words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Separators inside terms ("multi-GPU", "A/B", "CI/CD", "Ph.D.", "e-commerce") read as spaces.
_SEPARATORS = set("-_/.,:;()[]{}|\"'`*•·–—!?<>=&@")
_SEPARATOR_TABLE = {ord(ch): " " for ch in _SEPARATORS}
_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")
_CLAUSE_END = re.compile(r"[\n.;:!?•,()]")

# Function words, and the boilerplate of postings (benefits, the employer) that says nothing of the role.
STOPWORDS = frozenset("""
a about above across after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either etc few for from further
had has have having he her here hers him his how i if in into is it its itself just may me might more
most must my no nor not now of off on once only or other our ours out over own per same she should so
some such than that the their them then there these they this those through to too under until up upon
us very via was we were what when where which while who whom why will with within without would you
your yours yourself e g i e ie eg
able ability abilities strong excellent great good solid deep proven demonstrated familiarity familiar
experience experienced expertise knowledge understanding skills skill plus bonus preferred required
requirements qualifications responsibilities role position job team teams work working company mission
join looking seeking ideal candidate candidates opportunity opportunities world class fast paced
environment years year degree bachelor bachelors master masters equivalent field related including
benefits salary compensation equity bonus insurance dental vision medical health 401k pto vacation
holidays leave parental remote hybrid onsite office location locations relocation visa sponsorship
employer equal diversity inclusive inclusion gender race religion disability veteran status applicants
apply application apply today us usa uk eu based hiring we're you'll you're we've our're
new using use used make build building help across within well highly etc like best closely
""".split())


@dataclass(frozen=True, slots=True)
class Posting:
    """The cleaned posting and its normalised twin (same length: offsets are shared)."""

    original: str
    normalised: str

    @classmethod
    def of(cls, text: str) -> "Posting":
        return cls(text, normalise(text))

    def quote(self, start: int, end: int, context_words: int = 4) -> str:
        """The matched words with a few of their neighbours, within their clause or bullet, in the
        candidate's own spelling (runs of white space as one space)."""
        left = max((m.end() for m in _CLAUSE_END.finditer(self.original, 0, start)), default=0)
        right_match = _CLAUSE_END.search(self.original, end)
        right = right_match.start() if right_match else len(self.original)
        before = [m for m in re.finditer(r"\S+", self.original[left:start])][-context_words:]
        after = [m for m in re.finditer(r"\S+", self.original[end:right])][:context_words]
        # No dangling "and", "of", "the" at either edge of the context.
        while before and _is_filler(before[0].group()):
            before.pop(0)
        while after and _is_filler(after[-1].group()):
            after.pop()
        begin = left + before[0].start() if before else start
        finish = end + after[-1].end() if after else end
        return " ".join(self.original[begin:finish].split()).strip(" ,:-–—*")


def _is_filler(word: str) -> bool:
    return word.strip(".,;:!?()\"'").lower() in _FILLERS


_FILLERS = frozenset("a an and or of the to with for in on at by as from into every our your their is are be we you".split())


def normalise(text: str) -> str:
    """Lower case with separators as spaces, one character for one (characters whose lower case is
    longer, such as 'İ', stay as they are)."""
    spaced = text.translate(_SEPARATOR_TABLE)
    lowered = spaced.lower()
    if len(lowered) == len(spaced):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in spaced)


def fold(text: str) -> str:
    """For comparing quotes: NFKC, lower case, separators and runs of spaces as one space."""
    return " ".join(normalise(unicodedata.normalize("NFKC", text)).split())


def stem(word: str) -> str:
    """A light stem, enough to meet "GPUs" with "GPU" and "models" with "model"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(normalised: str) -> list[str]:
    """Content words (stemmed) and the bigrams of neighbouring content words."""
    out: list[str] = []
    previous: str | None = None
    for raw in _WORD.findall(normalised):
        word = stem(raw)
        if raw in STOPWORDS or word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            previous = None
            continue
        out.append(word)
        if previous is not None:
            out.append(f"{previous} {word}")
        previous = word
    return out
