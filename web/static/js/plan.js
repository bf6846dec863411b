// A plan built from a job description, shown with its reasons (issue 14). The reasons quote the
// candidate's posting: everything goes in as text nodes (dom.h), never as markup.
import { h } from "./dom.js";

/** Fill `box` with a plan preview (POST /api/plans/preview). */
export function renderPlan(box, preview) {
  const e = preview.explanation;
  const topics = e.reasons.filter((r) => r.kind === "topic");
  const others = e.reasons.filter((r) => r.kind !== "topic");
  const parts = [
    h("p", { class: "plan-summary" }, h("strong", {}, e.summary)),
    topics.length ? h("ul", { class: "plan-topics" }, topics.map((r) => h("li", { dataset: { topic: r.subject } }, r.text))) : null,
    others.length ? h("ul", { class: "plan-other" }, others.map((r) => h("li", {}, r.text))) : null,
    e.priorities.length
      ? [h("p", {}, h("strong", {}, "The role's priorities")),
        h("ol", { class: "plan-priorities" }, e.priorities.map((p) => h("li", {}, p.text, " \u2014 \u201c", p.evidence, "\u201d")))]
      : null,
    e.priorities_note ? h("p", { class: "plan-note" }, e.priorities_note) : null,
  ];
  box.replaceChildren(...parts.flat().filter(Boolean));
  box.hidden = false;
}
