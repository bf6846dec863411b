// The report: overall and per-topic scores, the summary, every turn, downloads.
import { api, download, tokenFor } from "./api.js";
import { $, h, notice, prose, codeBlock, humanize, score, band, formatDate, formatDuration } from "./dom.js";
import { isOver } from "./status.js";
import { barChart } from "./chart.js";
import { feedbackPanel } from "./feedback.js";
import { answerBody } from "./thread.js";

const TYPE_LABEL = {
  concept: "Concept", derivation: "Derivation", estimate: "Estimate", "code-review": "Code review", design: "System design", behavioural: "Behavioural", code: "Implement",
};

const LEVEL = { 1: "Easy", 2: "Medium", 3: "Hard" };

const id = $("#main").dataset.interviewId;
const statusBox = $("#status");

function list(el, items) {
  el.replaceChildren(...(items || []).map((t) => h("li", {}, t)));
  if (!el.children.length) el.replaceChildren(h("li", { class: "muted" }, "Nothing to note."));
}

/** "Practise <topic>" links for the topics to work on: below the good band, or with questions unanswered. */
function renderPractise(t) {
  const weak = t.topics.filter((tp) => tp.score === null || tp.score < 3.5
    || t.questions.some((q) => q.topic_id === tp.topic_id && q.score === null));
  $("#practise").replaceChildren(...weak.map((tp) =>
    h("a", { class: "btn btn-secondary btn-sm", href: `/?topics=${encodeURIComponent(tp.topic_id)}` }, `Practise ${tp.title}`)));
}

/** A plan from a job description: its summary and the reason for each choice, quoting the posting. */
function renderPlanWhy(explanation) {
  if (!explanation) return;
  $("#plan-why").hidden = false;
  $("#plan-why-summary").textContent = explanation.summary || "";
  const priorities = (explanation.priorities || []).map((p) => h("li", {}, `Role priority: ${p.text} (the posting: \u201c${p.evidence}\u201d)`));
  $("#plan-why-reasons").replaceChildren(...(explanation.reasons || []).map((r) => h("li", {}, r.text)), ...priorities);
}

function renderSummary(summary) {
  if (!summary) return;
  $("#summary").hidden = false;
  $("#summary-text").textContent = summary.text || "";
  list($("#strengths"), summary.strengths);
  list($("#study-next"), summary.study_next);
  const gaps = Object.entries(summary.gaps || {});
  $("#gaps").replaceChildren(...(gaps.length
    ? gaps.map(([topic, points]) => h("div", { class: "gap-topic" }, h("h4", {}, topic), h("ul", { class: "bullets" }, points.map((p) => h("li", {}, p)))))
    : [h("p", { class: "muted" }, "No gaps recorded.")]));
}

function renderQuestion(q, index, titles) {
  const quotes = q.final_grade ? q.final_grade.covered.map((c) => c.quote) : [];
  const turns = q.exchanges.map((ex, i) => h("div", { class: "turn" },
    // The question itself is the card's heading; follow-ups are shown in full.
    i === 0 ? null
      : h("div", { class: "turn-prompt" }, h("span", { class: "turn-label" }, ex.kind === "follow_up" ? "Follow-up" : "Question"), h("p", {}, ex.prompt)),
    // Voice: a spoken answer says so, with its recording's length.
    h("div", { class: "turn-answer" }, h("span", { class: "turn-label" }, ex.spoken ? `Your answer (spoken, ${formatDuration(ex.spoken_seconds || 0)})` : "Your answer"),
      ex.skipped ? h("p", { class: "msg-skipped" }, "Skipped")
        : ex.answer === null ? h("p", { class: "muted" }, "Not answered")
          : answerBody(ex.answer, quotes))));
  const sub = q.submission;
  const submission = sub ? h("div", { class: "turn submission" },
    h("span", { class: "turn-label" }, `Your code · hidden tests ${sub.passed} of ${sub.total} passed`),
    codeBlock(sub.code, "python"),
    sub.problem ? h("p", { class: "muted" }, `The run failed as a whole: ${sub.problem}`) : null,
    h("ul", { class: "test-list" }, sub.tests.map((t) => h("li", { class: t.passed ? "test-pass" : "test-fail" },
      h("span", { class: "test-mark", "aria-hidden": "true" }, t.passed ? "✓" : "✗"),
      h("code", { class: "test-name" }, t.name), h("span", { class: "sr-only" }, t.passed ? " passed" : " failed"),
      t.message ? h("span", { class: "test-message" }, ` ${t.message}`) : null))))
    : q.question_type === "code" ? h("p", { class: "muted" }, "No code was submitted.") : null;
  const scoreText = q.score === null ? "not scored" : `${score(q.score)} / 5`;
  const details = h("details", { class: "question-details" },
    h("summary", {}, "Scores, key points and the model answer"),
    q.final_grade ? feedbackPanel(q.final_grade, { titles, heading: "Grade" }) : null,
    q.expected ? h("div", { class: "expected" }, h("h4", {}, "Expected figure"), h("p", {}, q.expected)) : null,
    q.model_answer ? h("div", { class: "model-answer" }, h("h4", {}, "Model answer"), prose(q.model_answer)) : null);
  return h("li", { class: "card question" },
    h("header", { class: "question-head" },
      h("div", {},
        h("p", { class: "eyebrow" }, `${index + 1}. ${q.topic_title} · ${TYPE_LABEL[q.question_type] || "Concept"} · ${LEVEL[q.difficulty] || `level ${q.difficulty}`}${q.time_spent_seconds ? ` · ${formatDuration(q.time_spent_seconds)}` : ""}${
          q.attempt > 1 || !q.counts ? ` · attempt ${q.attempt}${q.counts ? ", counts" : ", does not count"}` : ""}`),
        h("h3", { class: "question-prompt" }, q.prompt),
        q.code ? codeBlock(q.code) : null),
      h("span", { class: `score-chip band-${band(q.score)}` }, scoreText)),
    ...turns,
    submission,
    details);
}

async function main() {
  if (!tokenFor(id)) {
    notice(statusBox, "This browser does not hold the key for this interview, so its report cannot be shown here.", "error");
    return;
  }
  let t;
  try {
    t = await api.transcript(id);
  } catch (e) {
    notice(statusBox, `Could not load the report: ${e.describe ? e.describe() : e.message}`, "error");
    return;
  }
  const titles = {};
  for (const q of t.questions) for (const c of q.criteria || []) titles[c.criterion_id] = c.title;
  const over = isOver(t.status);
  if (over) notice(statusBox, "");
  else {
    statusBox.replaceChildren(
      document.createTextNode("This interview is still in progress; the scores so far are shown. "),
      h("a", { href: `/interview/${encodeURIComponent(id)}` }, "Continue the interview"));
    statusBox.className = "notice notice-warn";
    statusBox.hidden = false;
  }
  $("#report").hidden = false;
  const name = t.options.candidate_name;
  $("#report-title").textContent = name ? `Interview report: ${name}` : "Interview report";
  $("#report-date").textContent = formatDate(t.created_at);
  // The same count as the interview page and the history: questions done (answered or skipped) of
  // those planned; then how many of them were answered and skipped.
  const skipped = t.questions.filter((q) => q.exchanges.some((ex) => ex.skipped) && !q.exchanges.some((ex) => ex.answer)).length;
  const answered = t.questions.filter((q) => q.exchanges.some((ex) => ex.answer && ex.answer.trim())).length;
  const planned = t.questions_planned || t.questions.length;
  $("#report-meta").textContent = [
    `${answered + skipped} of ${planned} questions done` + (skipped ? ` (${skipped} skipped)` : ""),
    `difficulty ${t.options.difficulty}`,
    `examiner: ${t.examiner}`,
  ].join(" · ");
  const overall = $("#overall-value");
  overall.textContent = score(t.overall);
  overall.classList.add(`band-${band(t.overall)}`);
  $("#chart").append(barChart(t.topics.map((tp) => ({ label: tp.title, value: tp.score }))));
  renderSummary(t.summary);
  renderPlanWhy(t.plan_explanation);
  renderPractise(t);
  $("#questions").replaceChildren(...t.questions.map((q, i) => renderQuestion(q, i, titles)));

  for (const button of document.querySelectorAll("[data-download]")) {
    button.addEventListener("click", async () => {
      const label = button.textContent;
      button.disabled = true;
      button.textContent = "Downloading…";
      try {
        await download(id, button.dataset.download, t.created_at);
      } catch (e) {
        notice(statusBox, `The download failed: ${e.describe ? e.describe() : e.message}`, "error");
      } finally {
        button.disabled = false;
        button.textContent = label;
      }
    });
  }
  // Which formats the server offers comes from /api/info (no probe request per format).
  const info = await api.info().catch(() => null);
  if (info && (info.transcript_formats || []).includes("pdf")) $('[data-download="pdf"]').hidden = false;
  document.title = `Report ${score(t.overall)}/5 · Viva mock interviews`;
}

main();
