// The per-answer feedback panel: scores per criterion, covered points with the candidate's own
// words, missed points, and a button that reveals the model answer once the question is done.
import { h, humanize, score, band, prose } from "./dom.js";

const PARTS_TITLE = { phase: "Design phases", star: "STAR parts", bug: "Bugs found" };
const VERDICT = {
  "within-tolerance": "Within tolerance", "within-10x": "Within 10x: partial credit",
  "off-by-10x-or-more": "Off by 10x or more: correctness capped at 2", "no-figure": "No figure found",
};

/** Type-specific results: the hidden tests, the estimate's figure, the parts covered, red flags. */
function typeResults(grade) {
  const nodes = [];
  const t = grade.tests;
  if (t) {
    const all = t.submitted && t.total > 0 && t.passed === t.total;
    nodes.push(h("div", { class: `tests-check ${all ? "verdict-within-tolerance" : "verdict-off-by-10x-or-more"}` },
      h("h4", {}, "Hidden tests"),
      h("p", {}, !t.submitted ? "No code was submitted" : h("strong", {}, `${t.passed} of ${t.total} passed`),
        t.failing && t.failing.length ? ` · failed: ${t.failing.join(", ")}` : "",
        t.problem ? ` · ${t.problem}` : "",
        ` · the grade can reach ${score(t.ceiling)} at most`)));
  }
  const e = grade.estimate;
  if (e) {
    nodes.push(h("div", { class: `estimate-check verdict-${e.verdict}` },
      h("h4", {}, "Your figure"),
      h("p", {}, e.found ? h("strong", {}, e.found) : "No figure found", " · ", VERDICT[e.verdict] || e.verdict,
        // the expected value, once no follow-up is asking for the arithmetic (null until then)
        e.expected !== null && e.expected !== undefined ? ` · expected about ${Number(e.expected.toPrecision(3))} ${e.unit}` : "")));
  }
  const parts = grade.parts || [];
  if (parts.length) {
    nodes.push(h("div", { class: "parts" }, h("h4", {}, PARTS_TITLE[parts[0].kind] || "Parts"),
      h("ul", { class: "parts-list" }, parts.map((p) =>
        h("li", { class: p.covered ? (p.covered === p.total ? "part-full" : "part-some") : "part-none" },
          h("span", { class: "point-icon", "aria-hidden": "true" }, p.covered ? (p.covered === p.total ? "✓" : "◐") : "○"),
          h("span", {}, p.title, h("span", { class: "muted" }, ` ${p.covered}/${p.total}`)))))));
  }
  if ((grade.red_flags || []).length) {
    nodes.push(h("div", { class: "misconceptions" }, h("h4", {}, "Red flags"),
      h("ul", { class: "points points-wrong" }, grade.red_flags.map((r) =>
        h("li", {}, h("span", { class: "point-icon", "aria-hidden": "true" }, "!"),
          h("div", {}, h("blockquote", { class: "point-quote" }, r.quote), h("span", { class: "point-text" }, r.advice)))))));
  }
  return nodes;
}

let panelCount = 0;

/**
 * grade: Grade JSON. opts.titles: criterion id -> title. opts.loadModelAnswer: async () -> string
 * ("" while the question is still open).
 */
export function feedbackPanel(grade, { titles = {}, loadModelAnswer = null, heading = "Feedback on your answer" } = {}) {
  const n = ++panelCount;
  const overall = Number(grade.overall);
  const scores = h("ul", { class: "criteria" },
    Object.entries(grade.scores || {}).map(([id, value]) =>
      h("li", { class: "criterion" },
        h("span", { class: "criterion-name" }, titles[id] || humanize(id)),
        meter(value, 5, `${titles[id] || humanize(id)}: ${value} out of 5`),
        h("span", { class: "criterion-score" }, `${value}/5`))));

  const covered = (grade.covered || []).length
    ? h("ul", { class: "points points-covered" }, grade.covered.map((p) =>
      h("li", {},
        h("span", { class: "point-icon", "aria-hidden": "true" }, "✓"),
        h("div", {}, h("span", { class: "point-text" }, p.text),
          p.quote ? h("blockquote", { class: "point-quote" }, h("span", { class: "sr-only" }, "Your words: "), h("mark", {}, p.quote)) : null))))
    : h("p", { class: "muted" }, "No key point fully covered yet.");

  const missed = (grade.missed || []).length
    ? h("ul", { class: "points points-missed" }, grade.missed.map((p) =>
      h("li", {}, h("span", { class: "point-icon", "aria-hidden": "true" }, "○"), h("span", { class: "point-text" }, p.text))))
    : h("p", { class: "muted" }, "Nothing important missed.");

  // Misconceptions the answer stated, in the candidate's words, with the correction (held back while
  // a follow-up asks about it).
  const wrong = (grade.misconceptions || []).length
    ? h("div", { class: "misconceptions" }, h("h4", {}, "What was not right"),
      h("ul", { class: "points points-wrong" }, grade.misconceptions.map((m) =>
        h("li", {},
          h("span", { class: "point-icon", "aria-hidden": "true" }, m.corrected ? "↻" : "✗"),
          h("div", {},
            h("blockquote", { class: "point-quote" }, h("span", { class: "sr-only" }, "You said: "), m.quote),
            h("span", { class: "point-text" }, m.corrected ? `You put this right later. ${m.correction}` : m.correction))))))
    : null;

  const fallback = (grade.flags || []).find((f) => f.startsWith("fallback:"));
  const modelId = `model-answer-${n}`;
  const modelBox = h("div", { class: "model-answer", id: modelId, hidden: true });
  let button = null;
  // While a follow-up asks about this question, its model answer would hand over the answer.
  if (loadModelAnswer && !(grade.flags || []).includes("follow_up_pending")) {
    button = h("button", { type: "button", class: "btn btn-secondary btn-sm", "aria-expanded": "false", "aria-controls": modelId }, "Show model answer");
    button.addEventListener("click", async () => {
      if (button.getAttribute("aria-expanded") === "true") {
        modelBox.hidden = true;
        button.setAttribute("aria-expanded", "false");
        button.textContent = "Show model answer";
        return;
      }
      button.disabled = true;
      modelBox.replaceChildren(h("p", { class: "muted" }, "Loading…"));
      modelBox.hidden = false;
      try {
        const text = await loadModelAnswer();
        modelBox.replaceChildren(text
          ? h("div", {}, h("h4", {}, "Model answer"), prose(String(text).trim()))
          : h("p", { class: "muted" }, "The model answer is shown once this question is finished: answer or skip the follow-up first."));
        button.setAttribute("aria-expanded", "true");
        button.textContent = "Hide model answer";
      } catch (e) {
        modelBox.replaceChildren(h("p", { class: "notice notice-error" }, `Could not load the model answer: ${e.describe ? e.describe() : e.message}`));
      } finally {
        button.disabled = false;
      }
    });
  }

  return h("section", { class: "feedback", "aria-label": heading },
    h("header", { class: "feedback-head" },
      h("h3", {}, heading),
      h("span", { class: `score-chip band-${band(overall)}` }, h("strong", {}, score(overall)), " / 5")),
    grade.feedback ? h("p", { class: "feedback-text" }, grade.feedback) : null,
    scores,
    ...typeResults(grade),
    wrong,
    h("div", { class: "feedback-cols" },
      h("div", {}, h("h4", {}, "Key points covered"), covered),
      h("div", {}, h("h4", {}, "Key points missed"), missed)),
    fallback ? h("p", { class: "muted small" }, "The LLM examiner failed on this answer, so the offline examiner graded it.") : null,
    button ? h("div", { class: "feedback-actions" }, button) : null,
    modelBox);
}

export function meter(value, max, label) {
  const fill = h("span", { class: `meter-fill band-${band((value / max) * 5)}` });
  fill.style.width = `${Math.max(0, Math.min(1, value / max)) * 100}%`;
  return h("span", { class: "meter", role: "img", "aria-label": label }, fill);
}
