"""`viva eval`: the statistics against hand-computable cases, and a run on a sample of the SAF data."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from app.evaluation import format_report, run_eval
from app.stats import pearson, quadratic_weighted_kappa, qwk_scores, ranks, spearman, to_level

SAMPLE = Path(__file__).parent / "data" / "saf-sample.jsonl"


def test_pearson_hand_cases() -> None:
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    # x = 1..4, y = 1,3,2,4: cov = 4/4... r = 0.8 (sxy = 4, sxx = syy = 5)
    assert pearson([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    assert pearson([1, 1, 1], [1, 2, 3]) is None
    assert pearson([1], [1]) is None


def test_ranks_average_ties() -> None:
    assert ranks([10, 20, 20, 30]) == [1.0, 2.5, 2.5, 4.0]


def test_spearman_hand_cases() -> None:
    assert spearman([1, 2, 3, 4], [10, 100, 1000, 10000]) == pytest.approx(1.0)  # monotone, not linear
    # d = (0, 1, -1, 0): rho = 1 - 6*2 / (4*15) = 0.8
    assert spearman([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    # with ties: ranks x = 1, 2.5, 2.5, 4 against 1..4 -> Pearson of the ranks
    expected = pearson([1, 2.5, 2.5, 4], [1, 2, 3, 4])
    assert spearman([0, 5, 5, 9], [1, 2, 3, 4]) == pytest.approx(expected)


def test_qwk_hand_cases() -> None:
    assert quadratic_weighted_kappa([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]) == pytest.approx(1.0)
    # two levels, ratings a = 0,0,1,1 and b = 0,1,1,1: observed disagreement 1 (weight 1),
    # expected = sum w * hist_a * hist_b / n = (2*3 + 2*1) / 4 = 2 -> kappa = 1 - 1/2
    assert quadratic_weighted_kappa([0, 0, 1, 1], [0, 1, 1, 1], levels=2) == pytest.approx(0.5)
    assert quadratic_weighted_kappa([0, 4], [4, 0]) == pytest.approx(-1.0)
    assert quadratic_weighted_kappa([2, 2], [2, 2]) is None


def test_qwk_bins_to_quarters() -> None:
    assert [to_level(v) for v in (0.0, 0.1, 0.13, 0.5, 0.74, 0.9, 1.0, 1.7)] == [0, 0, 1, 2, 3, 4, 4, 4]
    assert qwk_scores([0.0, 0.5, 1.0], [0.05, 0.45, 0.95]) == pytest.approx(1.0)


def test_run_eval_on_the_sample() -> None:
    report = run_eval(SAMPLE)
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    assert report.overall.n == len(rows) == 60
    assert set(report.by_split) == {"training", "unseen_answers", "unseen_questions"}
    assert set(report.by_question) == {r["question_id"] for r in rows}
    # the figures are the statistics of the rows' own predictions
    human = [r.human for r in report.rows]
    predicted = [r.predicted for r in report.rows]
    assert report.overall.spearman == pytest.approx(spearman(human, predicted))
    assert report.overall.pearson == pytest.approx(pearson(human, predicted))
    assert report.overall.qwk == pytest.approx(qwk_scores(human, predicted))
    # the grader agrees with the humans far better than chance on this sample
    assert report.overall.spearman is not None and report.overall.spearman > 0.4
    assert all(0.0 <= p <= 1.0 for p in predicted)


def test_json_output_has_every_row_id() -> None:
    report = run_eval(SAMPLE)
    payload = json.loads(json.dumps(report.to_json()))
    ids = [json.loads(line)["id"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in payload["rows"]] == ids
    assert {"pearson", "spearman", "qwk", "n"} <= set(payload["overall"])
    assert all(math.isfinite(r["predicted"]) for r in payload["rows"])


def test_max_score_scales_prediction_and_human(tmp_path: Path) -> None:
    row = json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[0])
    scaled = dict(row, score=row["score"] * 4, max_score=4, id="scaled")
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps(row) + "\n" + json.dumps(scaled) + "\n", encoding="utf-8")
    report = run_eval(path)
    first, second = report.rows
    assert first.human == second.human and first.predicted == second.predicted
    predictions = {r["id"]: r["predicted"] for r in report.to_json()["rows"]}
    assert predictions["scaled"] == pytest.approx(4 * predictions[row["id"]], abs=1e-3)


def test_format_report_names_every_split_and_question() -> None:
    text = format_report(run_eval(SAMPLE))
    for label in ("overall", "training", "unseen_questions", "11.1", "Spearman", "QWK"):
        assert label in text


DATA = Path(__file__).parent / "data"


def test_bank_rows_are_graded_with_the_authored_rubric(tmp_path: Path) -> None:
    from app.bank.loader import load_bank

    bank = load_bank(DATA / "rubrics")
    question = bank.question("optimisation", "gradient-descent")
    rows = [{"id": f"row-{e.kind}", "topic": "optimisation", "question_id": "gradient-descent", "kind": e.kind,
             "answer": e.answer, "score": e.grade, "max_score": 5} for e in question.exemplars]
    path = tmp_path / "bank.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = run_eval(path, bank)
    predicted = {r["id"]: r["predicted"] for r in report.to_json()["rows"]}
    assert set(predicted) == {r["id"] for r in rows}
    assert all(0 <= p <= 5 for p in predicted.values())  # on the row's own scale (max_score 5)
    assert predicted["row-excellent"] > predicted["row-partial"] > predicted["row-wrong"]
    assert set(report.by_kind) == {e.kind for e in question.exemplars}
    assert report.ordered_pairs is not None and report.ordered_pairs >= 0.8
    assert "by kind" in format_report(report)


def test_an_unknown_bank_question_is_a_clear_error(tmp_path: Path) -> None:
    from app.bank.loader import load_bank

    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"topic": "optimisation", "question_id": "nope", "answer": "x", "score": 1}) + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: no shipped question optimisation/nope"):
        run_eval(path, load_bank(DATA / "rubrics"))


def test_a_reference_row_needs_no_question_text(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in (DATA / "stita-sample.jsonl").read_text().splitlines()]
    for row in rows:
        row.pop("question")
    path = tmp_path / "stita.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = run_eval(path)
    assert report.overall.n == len(rows) == 12
    # each question's weaker answer (by its human grade) is predicted lower than its stronger one
    by_question: dict[str, list] = {}
    for r in report.rows:
        by_question.setdefault(r.question_key, []).append(r)
    agree = sum((a.human - b.human) * (a.predicted - b.predicted) > 0 for a, b in by_question.values())
    assert agree >= 4, f"{agree} of {len(by_question)} questions ordered"


@pytest.mark.parametrize("name", ["semeval2013-beetle", "semeval2013-scientsbank"])
def test_other_domains_are_graded_better_than_chance(name: str) -> None:
    report = run_eval(DATA / f"{name}-sample.jsonl")
    assert report.overall.n == 30
    assert report.overall.spearman is not None and report.overall.spearman > 0.2
