"""Grades follow what an answer claims, not the words it uses (authored rubrics, offline examiner).

Every answer here is our own, of the kinds a real candidate gives: right in other words, terse,
partial, confidently wrong with the right terms, a list of terms, an answer to the neighbouring question.
"""

from __future__ import annotations

from app.bank.schema import Exemplar, KeyPoint, Misconception, Question, Topic
from app.examiners.base import Exchange, Grade, GradingRequest
from app.examiners.offline import OfflineExaminer
from tests.test_offline_examiner import CRITERIA


LAYER_NORM = Question(
    id="layer-norm",
    prompt="How does layer normalization differ from batch normalization, and when would you pick it?",
    model_answer=(
        "Batch norm normalizes each feature with statistics computed over the mini-batch, so it depends on the "
        "batch size and keeps running averages for inference. Layer norm computes the mean and variance over the "
        "features of each example, so it does not depend on the batch, behaves the same in training and inference, "
        "and works at batch size 1. That is why transformers and RNNs use layer norm."
    ),
    key_points=(
        KeyPoint(
            id="per-example", weight=3,
            text="Layer norm computes mean and variance over the features of each example.",
            phrasings=(
                "layer norm | layernorm | it + mean | statistics | normalize | average + each example | per example | "
                "single example | per token | across features | over features | over the features | feature dimension",
            ),
            probe="Over which dimension does layer norm compute its statistics?",
        ),
        KeyPoint(
            id="batch-independent", weight=3,
            text="So layer norm does not depend on the batch and works at batch size 1.",
            phrasings=("not depend | independent + batch", "batch size 1 | batch size of one | single example + work | works | fine"),
            probe="What happens to batch norm at batch size 1, and does layer norm have that problem?",
        ),
        KeyPoint(
            id="batch-norm-stats", weight=2,
            text="Batch norm normalizes each feature with mini-batch statistics and keeps running averages for inference.",
            phrasings=("batch norm | batchnorm + statistics | mean | normalize + batch | mini-batch",
                       "running | moving + average | averages | statistics + inference | test time"),
        ),
        KeyPoint(
            id="where-used", weight=1,
            text="Transformers and RNNs use layer norm.",
            phrasings=("transformers | rnns | sequence models + layer norm | layernorm",),
        ),
    ),
    misconceptions=(
        Misconception(
            id="ln-over-batch",
            claim="Layer norm averages each feature over the batch.",
            patterns=("layer norm | layernorm + average | averages | mean | statistics + over the batch | "
                      "across the batch | batch dimension",),
            contradicts="per-example",
            correction="Layer norm averages over the features of one example; averaging over the batch is batch norm.",
            probe="what does layer norm average over, and why does that matter at batch size 1?",
        ),
    ),
    exemplars=(
        Exemplar(kind="partial", grade=2.5, answer="Layer norm normalizes each example over its features.",
                 reason="One core point."),
    ),
)

DROPOUT = Question(
    id="dropout",
    prompt="What is dropout and why does it reduce overfitting?",
    model_answer="Dropout randomly zeroes activations during training so units cannot co-adapt.",
    key_points=(
        KeyPoint(id="zeroing", weight=3, text="Randomly zeroes activations in training.",
                 phrasings=("random | randomly + zero | drop | zeroes + unit | units | activations",)),
    ),
)

TOPIC = Topic(id="norm", title="Normalization", summary="s", probes="p", criteria=CRITERIA, questions=(LAYER_NORM, DROPOUT))
EXAMINER = OfflineExaminer()

EXCELLENT = (
    "Think of a single token's hidden vector: layer norm takes the mean and variance across that vector's own "
    "features, so nothing depends on what else is in the batch. That is why it works fine at batch size 1 and "
    "behaves identically at training and inference time. Batch norm instead normalizes every feature using the "
    "mean and variance of the mini-batch and keeps running averages for inference, which breaks down with tiny "
    "or variable batches. Transformers use layer norm for exactly this reason."
)
TERSE = "Layer norm normalizes per example across features, so unlike batch norm it does not depend on the batch."
PARTIAL = "Layer norm normalizes each example over its own features."
WRONG = (
    "Layer norm averages each feature over the batch, just like batch norm but applied per layer, so it needs "
    "large batches to get stable statistics."
)
SALAD = "Layer norm, per example, features, batch independence, batch size 1, running averages, transformers."
LABELS = "You'd look at layer norm, per-example statistics and batch independence. Also running averages, basically."
NEIGHBOUR = (
    "Dropout randomly zeroes a fraction of the activations during each training step, so units cannot rely on "
    "particular partners; at inference it is switched off and the activations are rescaled."
)


def grade(answer: str, question: Question = LAYER_NORM, *follow_ups: Exchange) -> Grade:
    thread = [Exchange(prompt=question.prompt, answer=answer), *follow_ups]
    return EXAMINER.grade(GradingRequest(topic=TOPIC, question=question, thread=thread))


def test_grades_follow_correctness_across_the_kinds() -> None:
    g = {kind: grade(text).overall for kind, text in (
        ("excellent", EXCELLENT), ("terse", TERSE), ("partial", PARTIAL), ("wrong", WRONG),
        ("salad", SALAD), ("labels", LABELS), ("neighbour", NEIGHBOUR))}
    assert g["excellent"] >= 4.3 and g["terse"] >= 4.0
    assert 1.5 < g["partial"] <= 3.5  # one of the two core claims (the kinds target a mean <= 3.0)
    assert g["wrong"] <= 1.5 and g["salad"] <= 1.0 and g["labels"] <= 1.0 and g["neighbour"] <= 0.6
    assert g["excellent"] >= g["terse"] > g["partial"] > max(g["wrong"], g["salad"], g["labels"], g["neighbour"])


def test_a_key_point_needs_its_terms_bound_in_one_clause() -> None:
    spread = "Layer norm is a normalization layer. Each example is a row of the batch. Features are columns."
    assert "per-example" not in {c.key_point_id for c in grade(spread).covered}
    bound = grade("Layer norm computes its statistics over the features of each example.")
    assert "per-example" in {c.key_point_id for c in bound.covered}


def test_the_quote_is_the_clause_that_makes_the_claim() -> None:
    result = grade("I have used it a lot. Layer norm computes statistics per example; batch norm needs large batches.")
    quote = next(c.quote for c in result.covered if c.key_point_id == "per-example")
    assert quote == "Layer norm computes statistics per example"


def test_negation_is_read_on_both_sides() -> None:
    # The key point itself says "does not depend": saying so makes it, never contradicts it.
    assert "batch-independent" in {c.key_point_id for c in grade("Layer norm does not depend on the batch.").covered}
    denied = grade("Layer norm depends on the batch like batch norm does.")
    assert "batch-independent" not in {c.key_point_id for c in denied.covered}
    assert "contradicts_key_point" in denied.flags
    # A positive claim stated negatively is not made.
    assert "per-example" not in {c.key_point_id for c in grade("Layer norm does not normalize per example.").covered}


def test_a_stated_misconception_removes_credit_caps_correctness_and_is_corrected() -> None:
    result = grade(WRONG)
    assert [m.misconception_id for m in result.misconceptions] == ["ln-over-batch"]
    stated = result.misconceptions[0]
    assert stated.quote in WRONG and "averages each feature over the batch" in stated.quote
    assert result.scores["correctness"] <= 2
    assert "per-example" not in {c.key_point_id for c in result.covered}
    # the follow-up quotes the candidate and probes the misconception
    assert result.follow_up is not None and result.follow_up.startswith("You said \u201c")
    assert "what does layer norm average over" in result.follow_up
    # the feedback never confirms it as a point made
    assert "Points you made: layer norm computes mean and variance" not in result.feedback


def test_feedback_corrects_a_misconception_when_no_follow_up_probes_it() -> None:
    unprobed = LAYER_NORM.model_copy(update={"misconceptions": (LAYER_NORM.misconceptions[0].model_copy(update={"probe": None}),)})
    topic = TOPIC.model_copy(update={"questions": (unprobed, DROPOUT)})
    result = EXAMINER.grade(GradingRequest(topic=topic, question=unprobed, thread=[Exchange(prompt=unprobed.prompt, answer=WRONG)]))
    assert "You said \u201c" in result.feedback and "averaging over the batch is batch norm" in result.feedback


def test_lists_of_terms_earn_nothing_and_feedback_says_why() -> None:
    for text in (SALAD, LABELS, "Per-example statistics + layer norm + batch independence + batch size 1."):
        result = grade(text)
        assert not result.covered, text
        assert result.overall <= 1.0
    assert "Naming the right terms is not explaining them" in grade(SALAD).feedback


def test_feedback_lists_only_points_made_as_claims() -> None:
    result = grade(PARTIAL + " Batch norm is also a thing, and so are transformers.")
    made = {c.key_point_id for c in result.covered}
    assert made == {"per-example"}
    assert result.feedback.startswith("Points you made: layer norm computes mean and variance over the features")


def test_an_answer_to_the_neighbouring_question_is_capped() -> None:
    result = grade(NEIGHBOUR)
    assert result.overall <= 0.6 and "off_question" in result.flags


def test_a_follow_up_answer_that_makes_the_point_counts_for_the_question() -> None:
    first = grade(PARTIAL)
    probe = Exchange(prompt="What happens at batch size 1?", answer="It is fine at batch size 1, since it does not depend on the batch.")
    both = grade(PARTIAL, LAYER_NORM, probe)
    assert "batch-independent" in {c.key_point_id for c in both.covered}
    assert both.overall > first.overall


def test_a_formula_is_matched_with_its_operators_in_order() -> None:
    from app.examiners.offline.claims import find_claim, units_of
    from app.examiners.offline.text import split_sentences

    def made(pattern: str, text: str) -> bool:
        return find_claim((pattern,), units_of(split_sentences(text), 0))[0] is not None

    gradient = "gradient | derivative + p - y | softmax(z) - y"
    assert made(gradient, "The gradient with respect to the logits is p - y.")
    assert made(gradient, "Its derivative is p-y for one-hot targets.")  # a minus between symbols, unspaced
    assert not made(gradient, "The gradient with respect to the logits is y - p.")  # the sign error
    assert not made(gradient, "The gradient is p + y.")
    jacobian = r"jacobian + diag(s) - s s^T | diag(s) \+ s s^T"  # "\+" is a plus inside a formula
    assert made(jacobian, "The Jacobian is diag(s) + s s^T here.") and made(jacobian, "The Jacobian is diag(s) - s s^T.")
    assert made("mixed precision + loss scaling", "Mixed-precision training needs loss scaling.")  # a hyphen in a word is no minus
    assert made(r"scale + sqrt(d_k)", "We scale the scores by √d_k.")  # a root sign reads as sqrt
    kl = r"penalty + KL(q \|\| p)"  # "\|" is a bar inside a formula
    assert made(kl, "The penalty is KL(q || p).") and not made(kl, "The penalty is KL(p || q).")
