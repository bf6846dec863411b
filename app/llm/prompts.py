"""Prompt templates: Jinja2 files under ``prompts/``, rendered with ``StrictUndefined``.

A template has a ``system`` block and a ``user`` block; each block becomes one chat message. Blocks
are rendered separately, so nothing the candidate writes can split or merge messages.

Candidate text is untrusted. Templates pass it through the ``untrusted`` filter, which neutralises
anything that looks like one of our delimiter tags, and put it inside ``<candidate_...>`` tags that
the system prompt declares to be data, never instructions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2

from app.config import PROJECT_ROOT
from app.errors import PromptError

DEFAULT_DIR = PROJECT_ROOT / "prompts"
ROLES = ("system", "user")

# "<candidate_answer>", "</ candidate_thread ...", "<interviewer_prompt" ... in candidate text
_TAG = re.compile(r"<(\s*/?\s*)(candidate_\w*|interviewer_\w*|rubric\w*|untrusted\w*|hidden_tests?|system|instructions?)", re.IGNORECASE)


def neutralize(text: str) -> str:
    """Make delimiter-like tags in untrusted text inert: ``<`` becomes the full-width ``＜`` (which NFKC
    folds back to ``<``, so quotes still match the candidate's words after normalisation)."""
    return _TAG.sub(lambda m: "\uff1c" + m.group(1) + m.group(2), text)


class Prompts:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory or DEFAULT_DIR)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.directory),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # prompts are not HTML; untrusted text goes through |untrusted instead
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["untrusted"] = lambda value: neutralize(str(value))

    def render(self, name: str, **variables: Any) -> list[dict[str, str]]:
        """The chat messages of template ``name`` (e.g. ``"grading.md.j2"``): one per block it defines."""
        try:
            template = self.env.get_template(name)
            messages = []
            for role in ROLES:
                block = template.blocks.get(role)
                if block is None:
                    continue
                context = template.new_context(dict(variables))
                text = "".join(block(context)).strip()
                if text:
                    messages.append({"role": role, "content": _tidy(text)})
        except jinja2.UndefinedError as exc:
            raise PromptError(f"prompt template {name!r}: missing variable - {exc.message}") from None
        except jinja2.TemplateNotFound:
            raise PromptError(f"prompt template {name!r} not found in {self.directory}") from None
        except jinja2.TemplateError as exc:
            raise PromptError(f"prompt template {name!r}: {exc}") from None
        if not messages:
            raise PromptError(f"prompt template {name!r} defines no system or user block")
        return messages


_BLANK_RUNS = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    return _BLANK_RUNS.sub("\n\n", text)
