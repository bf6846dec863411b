"""How a posting is read (app/jobs/matcher.py): the rules docs/job-plans.md states, on the shipped bank."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bank.loader import load_bank
from app.jobs.matcher import analyse
from app.jobs.text import Posting

BANK = load_bank(Path(__file__).resolve().parent.parent / "rubrics")


@pytest.mark.parametrize(("text", "level"), [
    ("Staff ML engineer. You will mentor junior engineers and work with senior researchers.", "senior"),
    ("Junior machine learning engineer (new grad). You will work alongside senior engineers.", "junior"),
    ("ML engineer with 3-5 years of experience in PyTorch.", "mid"),
    ("ML engineer, 7+ years building production ML systems.", "senior"),
    ("ML engineer. Build models in PyTorch.", None),
])
def test_the_level_is_the_roles_own(text: str, level: str | None) -> None:
    assert analyse(text, BANK).level() == level


def test_a_phrase_inside_a_longer_one_belongs_to_the_longer() -> None:
    """"testing" in "A/B testing" is the experiment, not unit tests."""
    experiments = analyse("Data scientist running A/B testing for our marketplace.", BANK)
    assert "code-review" not in experiments.types.weights and experiments.topics.weights["evaluation-data"] >= 1
    code = analyse("ML engineer: unit testing and code reviews in Python.", BANK)
    assert code.types.weights["code-review"] >= 1


def test_the_banks_words_alone_are_no_match() -> None:
    """A posting outside ML shares ordinary words with the bank ("plan", "daily"): no topic is chosen
    from them, and good communication skills alone are not an ML role."""
    chef = analyse("Pastry chef: plan the daily bake, order flour, great communication skills.", BANK)
    assert not chef.matched
    assert analyse("Multi-GPU training with FSDP and mixed precision.", BANK).matched


def test_quotes_are_the_postings_own_words_with_no_dangling_ends() -> None:
    posting = Posting.of("What you will do:\n- Scale our multi-GPU training of the ranking models, and more.\n"
                         "- Ship  FSDP jobs for the\nresearch teams")
    start = posting.normalised.index("multi gpu")
    # Four words either side within the clause (the colon, the comma and the line end bound it).
    assert posting.quote(start, start + len("multi-GPU")) == "Scale our multi-GPU training of the ranking"
    start = posting.normalised.index("fsdp")
    assert posting.quote(start, start + 4) == "Ship FSDP jobs"  # not "... jobs for the"
    reading = analyse(posting.original, BANK)
    # One cue (distributed training) found twice: quoted once, at one of its places.
    assert reading.topics.quotes("training-at-scale") in (["Scale our multi-GPU training of the ranking"], ["Ship FSDP jobs"])


def test_a_role_title_alone_reads() -> None:
    reading = analyse("NLP research scientist", BANK)
    assert reading.matched and reading.role() == "research"
    assert reading.topics.ranked()[0][0] == "llm-generative"
