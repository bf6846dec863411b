"""Each question type is validated at load and graded its own way: an estimate by its number, a code
review by bugs found (where, symptom, fix), a design by its phases, a story by STAR parts and red flags."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.bank.loader import load_bank, load_topic_file
from app.bank.schema import Question, Topic
from app.bank.units import dimension_of, estimate_of
from app.errors import RubricError
from app.examiners.base import Exchange, Grade, GradingRequest
from app.examiners.llm import LLMExaminer
from app.examiners.offline import OfflineExaminer
from tests.fakes.fake_llm import FakeLLM

ROOT = Path(__file__).resolve().parent.parent
PRACTICE = Path(__file__).parent / "data" / "types" / "practice.yaml"
TOPIC = load_topic_file(PRACTICE, load_bank(Path(__file__).parent / "data" / "rubrics").topic("optimisation").criteria)
EXAMINER = OfflineExaminer()


def grade(question_id: str, *answers: str, topic: Topic = TOPIC) -> Grade:
    question = topic.question(question_id)
    thread = [Exchange(prompt=question.prompt if i == 0 else "Go on?", answer=a) for i, a in enumerate(answers)]
    return EXAMINER.grade(GradingRequest(topic=topic, question=question, thread=thread))


# Numbers as engineers write them ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "unit", "value"), [
    ("about 112 GB", "GB", 112), ("1.1e11 bytes", "GB", 110), ("~110 gigs", "GB", 110), ("112GB", "GB", 112),
    ("roughly 1.2 x 10^11 bytes", "GB", 120), ("0.11 TB", "GB", 110), ("104 GiB", "GB", 111.7),
    ("it takes 4.8 days", "h", 115.2), ("about 115 hours", "days", 4.79), ("8.4e22 FLOPs", "FLOP", 8.4e22),
    ("7B params", "params", 7e9), ("7 billion parameters", "params", 7e9), ("$1.2M", "usd", 1.2e6),
    ("~190 tokens/s", "tokens/s", 190), ("about 25 tokens per second", "tokens/s", 25), ("30 ms", "s", 0.03),
])
def test_figures_are_read_in_the_unit_asked_for(text: str, unit: str, value: float) -> None:
    from app.bank.units import to_base

    found = estimate_of(text, dimension_of(unit) or "")
    assert found is not None and found.value / to_base(1.0, unit) == pytest.approx(value, rel=0.01)


def test_a_figure_per_unit_the_question_asks_for_is_the_answer() -> None:
    from app.bank.units import asked_per

    per = asked_per("Estimate the serving cost per day of this fleet.")
    found = estimate_of("The GPUs cost $400 an hour each... in all about $7,600 per day.", "usd", per)
    assert found is not None and found.value == 7600


def test_the_figure_of_an_answer_is_its_conclusion_not_an_intermediate_or_a_rate() -> None:
    answer = "Weights take 14 GB and Adam 84 GB at 16 bytes per parameter. In total about 112 GB. Add activations, say 20 GB."
    found = estimate_of(answer, "bytes")
    assert found is not None and found.text == "about 112 GB"
    assert estimate_of("At 16 bytes per parameter that is 112 GB in all, or 16 bytes per parameter.", "bytes").text == "112 GB"  # type: ignore[union-attr]
    per_pass = estimate_of("With k = 4 drafts that is about 3.4 tokens per target pass.", "tokens")  # asked per pass
    assert per_pass is not None and per_pass.value == pytest.approx(3.4)


# Estimates -----------------------------------------------------------------------------------------

def test_an_estimate_is_graded_by_how_far_off_its_figure_is() -> None:
    method = "bf16 weights and gradients are 2 bytes each, the fp32 master copy and two Adam moments 12 bytes, so 16 bytes per parameter; "
    right, near, far = (grade("adam-memory", method + f"times 7 billion parameters is {v}.") for v in ("about 112 GB", "about 40 GB", "about 1.5 TB"))
    assert right.estimate and right.estimate.verdict == "within-tolerance" and right.estimate.credit == 1.0
    assert near.estimate and near.estimate.verdict == "within-10x" and 0 < near.estimate.credit < 1
    assert far.estimate and far.estimate.verdict == "off-by-10x-or-more" and far.estimate.credit == 0
    assert right.overall >= 4.5 > near.overall > far.overall
    assert far.overall <= 2.0 and far.scores["correctness"] <= 2 and "estimate_off" in far.flags
    assert "1.5 TB" in far.feedback and "capped at 2" in far.feedback
    assert far.follow_up and "1.5 TB" in far.follow_up  # the probe goes to the arithmetic


def test_an_estimate_without_a_figure_is_capped_and_asked_for_one() -> None:
    result = grade("adam-memory", "The weights and gradients are in bf16 and the master copy and both moments in fp32; multiply by the parameter count.")
    assert result.estimate and result.estimate.verdict == "no-figure"
    assert result.overall <= 2.0 and "no_estimate" in result.flags
    assert result.follow_up and "What figure do you arrive at" in result.follow_up


def test_a_follow_up_that_corrects_the_figure_counts() -> None:
    first = "16 bytes per parameter for weights, gradients and Adam state, so about 1.5 TB."
    assert grade("adam-memory", first).overall <= 2.0
    assert grade("adam-memory", first, "Sorry, 7e9 times 16 bytes is about 112 GB.").estimate.verdict == "within-tolerance"  # type: ignore[union-attr]


def _off_by(answer: str, question: Question, factor: float) -> str:
    assert question.estimate is not None
    found = estimate_of(answer, dimension_of(question.estimate.unit) or "")
    assert found is not None, question.id
    number = re.search(r"\d[\d,]*(?:\.\d+)?(?:\s*(?:e|E)\s*[+-]?\d+|\s*(?:x|×|\*)\s*10\s*(?:\^|\*\*)\s*[+-]?\d+)?", found.text)
    assert number is not None
    literal = number.group(0)
    mantissa = re.match(r"\d[\d,]*(?:\.\d+)?", literal).group(0)  # type: ignore[union-attr]
    scaled = f"{float(mantissa.replace(',', '')) * factor:g}" + literal[len(mantissa):]
    start = found.start + found.text.index(literal)
    return answer[:start] + scaled + answer[start + len(literal):]


BANK = load_bank(ROOT / "rubrics")
ESTIMATES = [(t, q) for t in BANK.topics.values() for q in t.questions if q.type == "estimate"]


@pytest.mark.parametrize(("topic", "question"), ESTIMATES, ids=[f"{t.id}/{q.id}" for t, q in ESTIMATES])
def test_every_estimate_question_grades_its_model_answer_full_and_a_tenfold_error_at_most_two(topic: Topic, question: Question) -> None:
    model = grade(question.id, question.model_answer, topic=topic)
    assert model.estimate and model.estimate.verdict == "within-tolerance", model.estimate
    assert model.overall >= 4.5
    for factor in (10, 0.1):
        wrong = grade(question.id, _off_by(question.model_answer, question, factor), topic=topic)
        assert wrong.estimate and wrong.estimate.verdict == "off-by-10x-or-more", (factor, wrong.estimate)
        assert wrong.overall <= 2.0 and wrong.scores.get("correctness", 0) <= 2


# Code review, design, behavioural ---------------------------------------------------------------------

def test_each_bug_is_credited_on_where_symptom_and_fix_separately() -> None:
    only_where = grade("loop-review", "Line 4 looks suspicious, and so does line 6.")
    one_bug = grade("loop-review", "Line 4: the softmax before CrossEntropyLoss squashes the gradients so training stalls; pass the raw logits to the criterion.")
    both = grade("loop-review", TOPIC.question("loop-review").model_answer)
    bugs = {p.id: p for p in one_bug.parts}
    assert bugs["softmax-before-ce"].covered == 3 and bugs["no-zero-grad"].covered == 0
    assert {p.id: p.covered for p in only_where.parts} == {"softmax-before-ce": 1, "no-zero-grad": 1}
    assert only_where.overall < one_bug.overall < both.overall
    assert 2.0 <= one_bug.overall <= 3.0 and both.overall >= 4.5
    assert "Bugs found: 1 of 2" in one_bug.feedback


def test_a_code_review_is_shown_with_its_snippet_as_code() -> None:
    question = TOPIC.question("loop-review")
    assert question.asked.startswith(question.prompt) and "```python\nmodel.train()\n" in question.asked
    assert [kp.id for kp in question.key_points][:3] == ["softmax-before-ce-where", "softmax-before-ce-symptom", "softmax-before-ce-fix"]


def test_a_design_answer_reports_the_phases_it_covers() -> None:
    partial = grade("spam-filter-design", TOPIC.question("spam-filter-design").exemplars[1].answer)
    phases = {p.id: p.covered for p in partial.parts}
    assert set(phases) == {"requirements", "data", "baseline", "evaluation", "serving", "monitoring"}
    assert phases["requirements"] and phases["data"] and not phases["serving"]
    assert "Phases covered: 2 of 6" in partial.feedback and partial.overall <= 3.0


def test_a_red_flag_caps_a_behavioural_answer_and_says_why() -> None:
    story = TOPIC.question("failed-bet").model_answer
    clean = grade("failed-bet", story)
    flagged = grade("failed-bet", story + " Honestly it failed because of the other team, it was their fault.")
    assert clean.overall >= 4.5 and not clean.red_flags
    assert flagged.overall <= 2.0 and [r.red_flag_id for r in flagged.red_flags] == ["blames-others"]
    assert "ownership" in flagged.feedback
    assert {p.id: p.covered for p in grade("failed-bet", "Our model plateaued and I built a new pipeline.").parts} == {
        "situation": 1, "actions": 1, "result": 0, "reflection": 0}


# Validation at load ---------------------------------------------------------------------------------------

def _load_with(tmp_path: Path, question_id: str, **changes: Any) -> None:
    data = yaml.safe_load(PRACTICE.read_text(encoding="utf-8"))
    for q in data["questions"]:
        if q["id"] == question_id:
            for key, value in changes.items():
                if value is None:
                    q.pop(key, None)
                else:
                    q[key] = value
    path = tmp_path / "practice.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    load_topic_file(path, TOPIC.criteria)


@pytest.mark.parametrize(("question_id", "changes", "message"), [
    ("adam-memory", {"estimate": None}, "a estimate question needs 'estimate'"),
    ("adam-memory", {"estimate": {"value": 112, "unit": "furlongs", "assumptions": "x"}}, "unknown unit 'furlongs'"),
    ("loop-review", {"code": "model.train()\n"}, "past the snippet's 1 lines"),
    ("loop-review", {"type": "concept"}, "'code' belongs to another question type"),
    ("spam-filter-design", {"type": "concept"}, "'phase' is for key points of design questions"),
    ("failed-bet", {"red_flags": None}, "a behavioural question needs 'red_flags'"),
])
def test_type_fields_are_checked_at_load_naming_file_and_question(tmp_path: Path, question_id: str, changes: dict[str, Any], message: str) -> None:
    with pytest.raises(RubricError) as err:
        _load_with(tmp_path, question_id, **changes)
    assert "practice.yaml" in str(err.value) and f'"{question_id}"' in str(err.value) and message in str(err.value)


def test_a_design_question_must_cover_every_phase(tmp_path: Path) -> None:
    data = yaml.safe_load(PRACTICE.read_text(encoding="utf-8"))
    design = next(q for q in data["questions"] if q["id"] == "spam-filter-design")
    design["key_points"] = [kp for kp in design["key_points"] if kp["phase"] != "monitoring"]
    path = tmp_path / "practice.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(RubricError, match=r"missing: \['monitoring'\]"):
        load_topic_file(path, TOPIC.criteria)


# The LLM examiner applies the same number check ---------------------------------------------------------

@pytest.mark.anyio
async def test_the_llm_examiner_cannot_pass_a_figure_ten_times_off() -> None:
    question = TOPIC.question("adam-memory")
    answer = "bf16 weights and gradients are 2 bytes each, the fp32 master copy and moments 12 bytes, so 16 bytes per parameter: about 1.5 TB."
    reply = {
        "scores": {c.id: 5 for c in TOPIC.criteria}, "overall": 5.0,
        "evidence": {"bytes-weights-grads": "bf16 weights and gradients are 2 bytes each",
                     "adam-state": "the fp32 master copy and moments 12 bytes", "per-parameter-total": "so 16 bytes per parameter"},
        "feedback": "Excellent.", "follow_up_warranted": False, "follow_up": "", "follow_up_point": "",
    }
    fake = FakeLLM().enqueue(reply).enqueue(reply)
    examiner = LLMExaminer(fake.client())
    request = GradingRequest(topic=TOPIC, question=question, thread=[Exchange(prompt=question.asked, answer=answer)])
    capped = await examiner.grade_answer(request)
    assert capped.overall <= 2.0 and capped.scores["correctness"] <= 2 and "estimate_off" in capped.flags
    assert capped.estimate and capped.estimate.found == "about 1.5 TB" and "capped at 2" in capped.feedback
    fine = await examiner.grade_answer(request.model_copy(update={"thread": [Exchange(prompt=question.asked, answer=answer.replace("1.5 TB", "112 GB"))]}))
    assert fine.overall == 5.0 and fine.estimate and fine.estimate.verdict == "within-tolerance"
    system, user = (m["content"] for m in fake.chat_requests[0]["messages"])
    assert "This is an estimate" in system + user and "112" in user


def test_while_a_follow_up_is_open_the_expected_figure_and_bugs_not_found_stay_hidden() -> None:
    from app.turns import visible_grade

    review = visible_grade(grade("loop-review", "Line 4: the softmax before CrossEntropyLoss squashes the gradients; pass the raw logits to the criterion."), True)
    assert review is not None
    titles = {p.id: p.title for p in review.parts}
    assert "squashes" in titles["softmax-before-ce"] and titles["no-zero-grad"] == "Line 6: (shown after the follow-up)"
    assert all("zero_grad" not in kp.text for kp in TOPIC.question("loop-review").key_points)  # neutral point texts
    estimate = visible_grade(grade("adam-memory", "16 bytes per parameter, so about 40 GB."), True)
    assert estimate is not None and estimate.estimate is not None and estimate.estimate.expected is None
    assert "112" not in estimate.feedback and "112" not in estimate.model_dump_json()


def test_a_factor_is_not_read_as_a_share_and_the_transcript_names_the_expected_value() -> None:
    assert estimate_of("Roughly 10 times too much.", dimension_of("%") or "") is None
    assert estimate_of("The bubble is about 18% of the step.", dimension_of("%") or "").value == pytest.approx(0.18)  # type: ignore[union-attr]
    far = grade("adam-memory", "16 bytes per parameter for weights, gradients and Adam state, so about 1.5 TB.")
    assert far.estimate is not None
    summary = far.estimate.summary()
    assert "about 1.5 TB" in summary and "expected about 112 GB" in summary and "off by 13.4x" in summary
    assert summary not in far.feedback  # the feedback says it without the expected value
