// Past interviews of this browser (ids and tokens from localStorage), to reopen or download.
import { api, download, forgetInterview, knownInterviews } from "./api.js";
import { $, h, notice, formatDate, score, confirmDialog } from "./dom.js";
import { isOver } from "./status.js";

const listEl = $("#history");
const statusBox = $("#status");

const STATE_LABEL = {
  awaiting_answer: "In progress",
  awaiting_follow_up: "In progress",
  grading: "In progress",
  created: "In progress",
  completed: "Completed",
  abandoned: "Closed",
};

let topicTitles = {}; // topic id -> title, from /api/topics

function label(view) {
  // A finished interview that stopped before its plan ran out says so.
  if (view.state === "completed" && view.progress.questions_done < view.progress.questions_total) return "Ended early";
  return STATE_LABEL[view.state] || view.state;
}

function row(entry, view, failure) {
  const item = h("li", { class: "card history-item" });
  listEl.append(item);
  if (!view) {
    item.replaceChildren(
      h("div", { class: "history-main" },
        h("p", { class: "history-title" }, `Interview ${entry.id.slice(0, 8)}`),
        h("p", { class: "muted" }, failure || "No longer on the server.")),
      h("div", { class: "history-actions" }, forgetButton(entry.id, item)));
    return;
  }
  const over = isOver(view.state);
  const p = view.progress;
  const overall = over ? view.overall : null;
  const href = over ? `/report/${encodeURIComponent(view.id)}` : `/interview/${encodeURIComponent(view.id)}`;
  const chosen = view.options.topics || [];
  const topics = chosen.length ? chosen.map((t) => topicTitles[t] || t).join(", ") : "balanced topics";
  item.replaceChildren(
    h("div", { class: "history-main" },
      h("p", { class: "history-title" },
        h("a", { href }, formatDate(view.created_at)),
        h("span", { class: `badge badge-${over ? "done" : "live"}` }, label(view))),
      h("p", { class: "muted" }, [
        `${p.questions_done} of ${p.questions_total} questions done`,
        topics,
        view.options.difficulty,
        view.options.candidate_name ? `for ${view.options.candidate_name}` : null,
      ].filter(Boolean).join(" · "))),
    over ? h("span", { class: "history-score", "aria-label": `overall score ${score(overall)} out of 5` }, score(overall)) : null,
    h("div", { class: "history-actions" },
      h("a", { class: "btn btn-primary btn-sm", href }, over ? "Report" : "Continue"),
      h("button", { type: "button", class: "btn btn-secondary btn-sm", onclick: () => dl(entry.id, "json", view.created_at) }, "JSON"),
      h("button", { type: "button", class: "btn btn-secondary btn-sm", onclick: () => dl(entry.id, "md", view.created_at) }, "Markdown"),
      h("button", { type: "button", class: "btn btn-secondary btn-sm", onclick: () => dl(entry.id, "pdf", view.created_at) }, "PDF"),
      forgetButton(entry.id, item)));
}

function forgetButton(id, item) {
  return h("button", {
    type: "button", class: "btn btn-ghost btn-sm", "aria-label": `Forget interview ${id.slice(0, 8)}`,
    onclick: async () => {
      const ok = await confirmDialog({ title: "Forget this interview?", body: "Its key is removed from this browser; you will not be able to reopen it here.", confirm: "Forget" });
      if (!ok) return;
      forgetInterview(id);
      item.remove();
      if (!listEl.children.length) $("#empty").hidden = false;
    },
  }, "Forget");
}

async function dl(id, format, createdAt) {
  try {
    await download(id, format, createdAt);
  } catch (e) {
    notice(statusBox, `The download failed: ${e.describe ? e.describe() : e.message}`, "error");
  }
}

async function render() {
  const entries = knownInterviews();
  $("#empty").hidden = entries.length > 0;
  if (!entries.length) return;
  let views = [];
  let failure = null;
  try {
    topicTitles = Object.fromEntries((await api.topics()).map((t) => [t.id, t.title]));
  } catch { /* ids are shown instead */ }
  try {
    for (let i = 0; i < entries.length; i += 200) {  // the API takes 200 pairs a request
      views = views.concat(await api.lookup(entries.slice(i, i + 200)));
    }
  } catch (e) {
    failure = `Could not load: ${e.describe ? e.describe() : e.message}`;
  }
  const byId = new Map(views.map((v) => [v.id, v]));
  for (const entry of entries) row(entry, byId.get(entry.id), failure);
}

render();
