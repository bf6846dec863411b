"""Shared helpers for the transcript tests: a real interview run through the API, hostile text."""

from __future__ import annotations

import httpx

from app.bank.loader import load_bank
from tests.conftest import FIXTURE_RUBRICS, auth

BANK = load_bank(FIXTURE_RUBRICS)

HOSTILE = "\n".join([
    "<script>alert('x')</script> <img src=x onerror=alert(1)> <!-- comment --> &lt;b&gt;",
    "# Heading injection",
    "- list item",
    "1. numbered",
    "=====",
    "> quoted | a | b |",
    "[click](javascript:alert(1)) ![img](http://evil.example/x.png) **bold** _it_ ~~del~~ $x^2$",
    "```python",
    "print('fenced')  `inline` ``double``",
    "```",
    "    indented code",
    "CJK 中文字符 日本語 한국어; emoji 😀🚀👍🏽; RTL \u202eevil\u202c שלום עולם مرحبا بالعالم",
    "math ∑ᵢ xᵢ² ≤ ∫₀^∞ e^{−x} dx, ∇θ L, α→β ⇒ γ, √2 ≈ 1.414, ∞ ∈ ℝ",
    "accents: naïve café Zürich Łódź Ærøskøbing ñ",
    "long:" + "a" * 600,
    " ".join(["word"] * 400),
    "tab\there | pipe \\ backslash",
])


async def run_interview(client: httpx.AsyncClient, answers: list[str] | None = None, **options: object) -> tuple[str, str]:
    """Create an interview and answer every prompt (the model answer by default); returns (id, token)."""
    opts = {"topics": ["optimisation", "regularisation"], "questions_per_topic": 1, "difficulty": "easy",
            "max_follow_ups": 1, **options}
    r = await client.post("/api/interviews", json=opts)
    assert r.status_code == 201, r.text
    created = r.json()
    iid, token = created["id"], created["token"]
    current, i = created["current"], 0
    while current is not None:
        if answers is not None and i < len(answers):
            text = answers[i]
        elif current["kind"] == "question":
            text = BANK.question(current["topic_id"], current["question_id"]).model_answer
        else:
            text = "Because the update follows the negative gradient with a sensible learning rate."
        r = await client.post(f"/api/interviews/{iid}/answers", json={"text": text}, headers=auth(token))
        assert r.status_code == 200, r.text
        current, i = r.json()["current"], i + 1
    return iid, token
