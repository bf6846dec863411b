// Start page: read the options, create the interview, keep its token, open the chat.
import { api, saveInterview } from "./api.js";
import { createInterview, currentProfileId } from "./profile.js";
import { $, notice } from "./dom.js";
import { renderPlan } from "./plan.js";

const form = $("#start-form");
const errorBox = $("#start-error");
const button = $("#start-button");
const boxes = () => [...form.querySelectorAll('input[name="topics"]')];

// "Practise this topic" links from a report arrive as /?topics=a,b: those topics come pre-ticked.
const wanted = new Set((new URLSearchParams(window.location.search).get("topics") || "").split(",").filter(Boolean));
for (const box of boxes()) if (wanted.has(box.value)) box.checked = true;

$("#select-all").addEventListener("click", () => boxes().forEach((b) => { b.checked = true; }));
$("#select-none").addEventListener("click", () => boxes().forEach((b) => { b.checked = false; }));

// Keep the examiner line current (the page was rendered from the same settings; this covers a
// long-open tab after a restart with another configuration).
api.info().then((info) => {
  const ex = info.examiner;
  $("#examiner-name").textContent = ex.kind === "llm" ? `${ex.model} at ${ex.host}` : "Rubric matching, no model";
  $("#examiner-desc").textContent = ex.description;
}).catch(() => {});

function readOptions() {
  const data = new FormData(form);
  const perTopic = Number(data.get("questions_per_topic"));
  const topics = data.getAll("topics").map(String);
  const name = String(data.get("candidate_name") || "").trim();
  if (!Number.isInteger(perTopic) || perTopic < 1 || perTopic > 10) {
    throw new Error("Questions per topic must be a whole number from 1 to 10.");
  }
  const types = data.getAll("question_types").map(String);
  const available = (box) => {
    const counts = JSON.parse(box.dataset.types || "{}");
    return types.length ? types.reduce((n, t) => n + (counts[t] || 0), 0) : Number(box.dataset.questions);
  };
  const short = boxes().filter((b) => b.checked && available(b) < perTopic);
  if (short.length) {
    const names = short.map((b) => b.closest("label").querySelector(".topic-title").textContent).join(", ");
    const kinds = types.length ? " of the chosen types" : "";
    throw new Error(`Not enough questions${kinds} for ${perTopic} per topic in: ${names}. Lower the number, allow more types or untick those topics.`);
  }
  const role = String(data.get("focus_role") || "");
  const seniority = String(data.get("focus_seniority") || "");
  return {
    question_types: types,
    focus: { roles: role ? [role] : [], seniority: seniority || null },
    max_follow_ups: Number(data.get("max_follow_ups")),
    time_limit_seconds: data.get("time_limit") ? Number(data.get("time_limit")) : null,
    practice: data.get("practice") === "on",
    topics,
    questions_per_topic: perTopic,
    difficulty: String(data.get("difficulty")),
    feedback: String(data.get("feedback")),
    candidate_name: name || null,
    job_description: String(data.get("job_description") || "").trim() || null,
  };
}

/** The form's options, or null after saying what is wrong with them. */
function checkedOptions() {
  notice(errorBox, "");
  try {
    return readOptions();
  } catch (e) {
    notice(errorBox, e.message, "error");
    return null;
  }
}

// A job description as the plan: preview it (topics, counts and why) before starting.
const planBox = $("#plan-preview");
const previewButton = $("#preview-plan");
previewButton.addEventListener("click", async () => {
  const options = checkedOptions();
  if (!options) return;
  if (!options.job_description) {
    notice(errorBox, "Paste a job description or a role title first.", "error");
    $("#job_description").focus();
    return;
  }
  previewButton.disabled = true;
  try {
    renderPlan(planBox, await api.previewPlan(options));
  } catch (e) {
    notice(errorBox, e.describe ? e.describe() : String(e.message || e), "error");
  } finally {
    previewButton.disabled = false;
  }
});
// A preview describes the posting it was made from: an edit makes it stale.
$("#job_description").addEventListener("input", () => { planBox.hidden = true; });

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const options = checkedOptions();
  if (!options) return;
  button.disabled = true;
  button.textContent = "Starting…";
  try {
    // Profiles (issue 14): the interview belongs to this browser's practice profile (made on the first one).
    const created = await createInterview(options);
    saveInterview(created.id, created.token, {
      profile: currentProfileId(),
      created_at: created.created_at,
      topics: [...new Set([created.progress.topic_title].filter(Boolean))],
    });
    window.location.assign(`/interview/${encodeURIComponent(created.id)}`);
  } catch (e) {
    notice(errorBox, e.describe ? e.describe() : String(e.message || e), "error");
    button.disabled = false;
    button.textContent = "Start interview";
  }
});
