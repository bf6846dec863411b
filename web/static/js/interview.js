// The interview chat: rebuilds the thread from the transcript, streams replies, keeps drafts.
import { api, streamAnswer, tokenFor, loadDraft, saveDraft, clearDrafts, ApiError } from "./api.js";
import { $, h, notice, announce, paragraphs, markQuotes, confirmDialog, formatDuration } from "./dom.js";
import { feedbackPanel } from "./feedback.js";

const main = $("#main");
const id = main.dataset.interviewId;
const thread = $("#thread");
const form = $("#answer-form");
const box = $("#answer");
const sendButton = $("#send-button");
const skipButton = $("#skip-button");
const finishButton = $("#finish-button");
const statusBox = $("#status");
const errorBox = $("#answer-error");
const counter = $("#char-counter");

const state = {
  view: null,
  transcript: null,
  maxChars: 8000,
  busy: false,
  titles: {}, // criterion id -> title
  topicTitles: {}, // topic id -> title
  timerStart: null,
  pollTimer: null,
};

// Rendering ----------------------------------------------------------------------------------

const KIND_LABEL = { question: "Question", follow_up: "Follow-up" };

function interviewerBubble(message, { prompt = null, topicId = null, kind = null, live = false } = {}) {
  const body = h("div", { class: "msg-body" });
  const text = String(message || "");
  if (prompt && text.endsWith(prompt) && text.length > prompt.length) {
    body.append(paragraphs(text.slice(0, text.length - prompt.length)));
    body.append(h("p", { class: "msg-prompt" }, prompt));
  } else if (prompt && text === prompt) {
    body.append(h("p", { class: "msg-prompt" }, prompt));
  } else {
    body.append(paragraphs(text));
  }
  const meta = ["Interviewer", topicId ? state.topicTitles[topicId] : null, kind ? KIND_LABEL[kind] : null].filter(Boolean).join(" · ");
  return h("div", { class: "msg msg-interviewer", dataset: { topic: topicId || "" }, "aria-live": live ? "off" : null },
    h("div", { class: "avatar", "aria-hidden": "true" }, "V"),
    h("div", { class: "msg-content" }, h("div", { class: "msg-meta" }, meta), body));
}

function candidateBubble(text, { skipped = false, questionKey = "", pending = false } = {}) {
  const body = h("div", { class: "msg-body" });
  if (skipped) body.append(h("p", { class: "msg-skipped" }, "Skipped"));
  else body.append(h("p", {}, markQuotes(text, [])));
  return h("div", { class: `msg msg-candidate${pending ? " msg-pending" : ""}`, dataset: { question: questionKey, text: skipped ? "" : text } },
    h("div", { class: "msg-content" }, h("div", { class: "msg-meta" }, "You"), body));
}

function typingBubble() {
  return h("div", { class: "msg msg-interviewer msg-typing", "aria-hidden": "true" },
    h("div", { class: "avatar" }, "V"),
    h("div", { class: "msg-content" }, h("div", { class: "typing" }, h("span", {}), h("span", {}), h("span", {}))));
}

/** Mark the covered quotes inside the candidate's bubbles of one question. */
function highlightQuotes(questionKey, grade) {
  const quotes = (grade.covered || []).map((c) => c.quote).filter(Boolean);
  for (const bubble of thread.querySelectorAll(".msg-candidate")) {
    if (bubble.dataset.question !== questionKey || !bubble.dataset.text) continue;
    bubble.querySelector(".msg-body").replaceChildren(h("p", {}, markQuotes(bubble.dataset.text, quotes)));
  }
}

function modelAnswerLoader(topicId, questionId) {
  return async () => {
    const transcript = await api.transcript(id);
    const q = transcript.questions.find((x) => x.topic_id === topicId && x.question_id === questionId);
    return q ? q.model_answer : "";
  };
}

function addFeedback(grade, topicId, questionId, before = null) {
  const panel = feedbackPanel(grade, { titles: state.titles, loadModelAnswer: modelAnswerLoader(topicId, questionId) });
  if (before) thread.insertBefore(panel, before);
  else thread.append(panel);
  highlightQuotes(`${topicId}/${questionId}`, grade);
}

function learnTitles(transcript) {
  for (const q of transcript.questions) {
    state.topicTitles[q.topic_id] = q.topic_title;
    for (const c of q.criteria || []) state.titles[c.criterion_id] = c.title;
  }
}

function renderThread(view, transcript) {
  learnTitles(transcript);
  const perAnswer = view.options.feedback === "per_answer";
  const nodes = [];
  thread.replaceChildren();
  for (const q of transcript.questions) {
    const key = `${q.topic_id}/${q.question_id}`;
    for (const ex of q.exchanges) {
      thread.append(interviewerBubble(ex.message, { prompt: ex.prompt, topicId: q.topic_id, kind: ex.kind }));
      if (ex.skipped) thread.append(candidateBubble("", { skipped: true, questionKey: key }));
      else if (ex.answer !== null && ex.answer !== undefined) thread.append(candidateBubble(ex.answer, { questionKey: key }));
      if (perAnswer && ex.grade) addFeedback(ex.grade, q.topic_id, q.question_id);
    }
  }
  if (transcript.summary && transcript.summary.text && isOver(view.state)) {
    thread.append(interviewerBubble(transcript.summary.text));
  }
  return nodes;
}

function isOver(s) {
  return s === "completed" || s === "abandoned";
}

function promptKey(current) {
  return current ? `${current.question_id}.${current.kind}.${current.asked_at}` : "";
}

function renderProgress(progress, current, status) {
  const topic = $("#progress-topic");
  const question = $("#progress-question");
  if (isOver(status)) {
    topic.textContent = status === "completed" ? "Interview complete" : "Interview closed";
    question.textContent = `${progress.questions_done} of ${progress.questions_total} questions done`;
  } else {
    topic.textContent = `Topic ${progress.topic_number} of ${progress.topic_count}${progress.topic_title ? `: ${progress.topic_title}` : ""}`;
    question.textContent = `Question ${progress.question_number} of ${progress.questions_per_topic}${current && current.kind === "follow_up" ? " · follow-up" : ""}`;
  }
  const bar = $("#progress-bar");
  bar.setAttribute("aria-valuemax", String(progress.questions_total));
  bar.setAttribute("aria-valuenow", String(progress.questions_done));
  bar.setAttribute("aria-valuetext", `${progress.questions_done} of ${progress.questions_total} questions done`);
  $("#progress-fill").style.width = `${progress.questions_total ? (100 * progress.questions_done) / progress.questions_total : 0}%`;
}

function applyView(view) {
  state.view = view;
  renderProgress(view.progress, view.current, view.state);
  const over = isOver(view.state);
  $("#done-panel").hidden = !over;
  form.hidden = over || view.state === "created";
  if (over) {
    clearDrafts(id);
    stopTimer();
    return;
  }
  if (view.current) {
    startTimer(view.current.asked_at);
    if (!box.value) box.value = loadDraft(id, promptKey(view.current));
    updateCounter();
  }
}

// Timer --------------------------------------------------------------------------------------

let timerHandle = null;

function startTimer(askedAt) {
  state.timerStart = Date.parse(askedAt);
  tick();
  if (!timerHandle) timerHandle = setInterval(tick, 1000);
}

function stopTimer() {
  clearInterval(timerHandle);
  timerHandle = null;
  $("#timer").hidden = true;
}

function tick() {
  if (!state.timerStart) return;
  $("#timer").hidden = false;
  $("#timer-value").textContent = formatDuration((Date.now() - state.timerStart) / 1000);
}

// Loading and resync -------------------------------------------------------------------------

async function load({ quiet = false } = {}) {
  if (!tokenFor(id)) {
    notice(statusBox, "This browser does not hold the key for this interview. Interviews can be reopened only in the browser that started them.", "error");
    $("#progress-topic").textContent = "Interview not available";
    stopTimer();
    return false;
  }
  try {
    const [view, transcript] = await Promise.all([api.view(id), api.transcript(id)]);
    renderThread(view, transcript);
    applyView(view);
    if (!quiet) notice(statusBox, "");
    if (view.state === "grading") waitForGrading();
    scrollToEnd();
    state.transcript = transcript;
    return true;
  } catch (e) {
    const text = e instanceof ApiError && e.status === 404
      ? "This interview was not found. It may have been deleted, or the key stored in this browser is wrong."
      : `Could not load the interview: ${e.describe ? e.describe() : e.message}`;
    notice(statusBox, text, "error");
    return false;
  }
}

function waitForGrading() {
  notice(statusBox, "Your last answer is still being graded…", "info");
  setBusy(true);
  clearTimeout(state.pollTimer);
  state.pollTimer = setTimeout(async () => {
    try {
      const view = await api.view(id);
      if (view.state === "grading") return waitForGrading();
      setBusy(false);
      await load();
    } catch {
      waitForGrading();
    }
  }, 2000);
}

/**
 * After an error: reload the thread. Returns "mine" when the text sent for the prompt `sentFor`
 * was stored, "other" when the interview moved on with something else (another tab), or "none".
 */
async function resync(sentFor, text) {
  const ok = await load({ quiet: true });
  if (!ok || !state.view) return "none";
  const moved = promptKey(state.view.current) !== sentFor || state.view.state === "grading" || isOver(state.view.state);
  if (!moved) return "none";
  const stored = (state.transcript ? state.transcript.questions : []).flatMap((q) =>
    q.exchanges.filter((ex) => `${q.question_id}.${ex.kind}.${ex.asked_at}` === sentFor));
  const same = stored.some((ex) => (ex.answer || "").trim() === String(text || "").trim());
  return same ? "mine" : "other";
}

function scrollToEnd() {
  const last = thread.lastElementChild;
  if (last) last.scrollIntoView({ block: "end", behavior: "smooth" });
}

// Sending ------------------------------------------------------------------------------------

function setBusy(busy) {
  state.busy = busy;
  sendButton.disabled = busy;
  skipButton.disabled = busy;
  finishButton.disabled = busy;
  box.readOnly = busy;
  form.setAttribute("aria-busy", busy ? "true" : "false");
  sendButton.textContent = busy ? "Sending…" : "Send";
}

function updateCounter() {
  const n = box.value.length;
  const near = n >= state.maxChars * 0.8;
  counter.hidden = !near;
  counter.classList.toggle("over", n > state.maxChars);
  counter.textContent = n > state.maxChars
    ? `${n.toLocaleString()} / ${state.maxChars.toLocaleString()} characters: too long`
    : `${n.toLocaleString()} / ${state.maxChars.toLocaleString()} characters`;
}

function showError(text) {
  notice(errorBox, text, "error");
  announce(text);
}

async function send() {
  if (state.busy || !state.view || !state.view.current) return;
  const text = box.value;
  if (!text.trim()) {
    showError("Write an answer first, or use “Skip question”.");
    box.focus();
    return;
  }
  const current = state.view.current;
  const sentFor = promptKey(current);
  const questionKey = `${current.topic_id}/${current.question_id}`;
  notice(errorBox, "");
  saveDraft(id, sentFor, text);
  setBusy(true);

  // A stale tab must not answer a question it is not showing: refresh first; the answer also names its turn.
  try {
    const fresh = await api.view(id);
    if (promptKey(fresh.current) !== sentFor) {
      await load({ quiet: true });
      box.value = text;
      updateCounter();
      notice(statusBox, "This interview moved on in another tab, so this answer was not sent. The conversation is refreshed and your text is kept in the box.", "warn");
      if (state.view && state.view.state !== "grading") setBusy(false);
      return;
    }
  } catch {
    /* the answer request below reports the problem */
  }

  const mine = candidateBubble(text, { questionKey, pending: true });
  const typing = typingBubble();
  thread.append(mine, typing);
  scrollToEnd();

  let streaming = null;
  let streamed = "";
  // Say so when the reply is slow (an LLM examiner can take a while); the answer is safe meanwhile.
  const slow = setTimeout(() => {
    if (!streamed) notice(statusBox, "The interviewer is taking longer than usual. Your answer is kept; please wait…", "info");
  }, 8000);
  try {
    const reply = await streamAnswer(id, text, {
      turn: state.view && state.view.current ? state.view.current.turn : undefined,
      onDelta: (chunk) => {
        streamed += chunk;
        if (!streaming) {
          streaming = h("div", { class: "msg msg-interviewer msg-streaming", "aria-hidden": "true" },
            h("div", { class: "avatar" }, "V"),
            h("div", { class: "msg-content" }, h("div", { class: "msg-meta" }, "Interviewer"), h("div", { class: "msg-body" })));
          typing.replaceWith(streaming);
        }
        streaming.querySelector(".msg-body").replaceChildren(paragraphs(streamed));
        scrollToEnd();
      },
    });
    clearTimeout(slow);
    if (statusBox.textContent.startsWith("The interviewer is taking longer")) notice(statusBox, "");
    mine.classList.remove("msg-pending");
    saveDraft(id, sentFor, "");
    box.value = "";
    updateCounter();
    const final = interviewerBubble(reply.message, { prompt: reply.current ? reply.current.text : null, topicId: reply.current ? reply.current.topic_id : null, kind: reply.current ? reply.current.kind : null });
    (streaming || typing).replaceWith(final);
    if (reply.grade) addFeedback(reply.grade, current.topic_id, current.question_id, final);
    applyTurn(reply);
    announce(`Interviewer: ${reply.message}`);
  } catch (e) {
    clearTimeout(slow);
    if (statusBox.textContent.startsWith("The interviewer is taking longer")) notice(statusBox, "");
    (streaming || typing).remove();
    mine.remove();
    await failed(e, sentFor, text);
  } finally {
    if (!(state.view && state.view.state === "grading")) setBusy(false);
    scrollToEnd();
    if (!form.hidden) box.focus();
  }
}

function applyTurn(reply) {
  const view = { ...state.view, state: reply.state, progress: reply.progress, current: reply.current };
  applyView(view);
  if (isOver(reply.state)) {
    announce("The interview is complete. Your report is ready.");
    $("#report-link").focus();
  }
}

async function failed(error, sentFor, text) {
  const refused = error instanceof ApiError && [400, 401, 413, 422, 429].includes(error.status);
  if (refused) {
    box.value = text;
    updateCounter();
    showError(error.describe());
    return;
  }
  const outcome = await resync(sentFor, text);
  if (outcome === "mine") {
    box.value = "";
    saveDraft(id, sentFor, "");
    updateCounter();
    notice(statusBox, error.status === 409
      ? "Your answer was already being stored (a double send). The conversation is refreshed; it was stored once."
      : "Your answer was stored, but the reply did not arrive in full. The conversation is refreshed.", "info");
    if (state.view.state === "grading") waitForGrading();
  } else if (outcome === "other") {
    box.value = text;
    updateCounter();
    notice(statusBox, "This interview moved on in another tab, so this answer was not stored. The conversation is refreshed and your text is kept in the box.", "warn");
    if (state.view.state === "grading") waitForGrading();
  } else {
    box.value = text;
    updateCounter();
    showError(error.describe ? error.describe() : String(error.message || error));
  }
}

async function act(kind) {
  if (state.busy || !state.view) return;
  const skip = kind === "skip";
  const ok = await confirmDialog(skip
    ? { title: "Skip this question?", body: "A skipped question scores 0. You move on to the next question.", confirm: "Skip question" }
    : { title: "Finish the interview now?", body: "Questions not reached are left out of the scores. You cannot continue afterwards.", confirm: "Finish interview" });
  if (!ok) return;
  const current = state.view.current;
  const sentFor = promptKey(current);
  setBusy(true);
  notice(errorBox, "");
  const typing = typingBubble();
  const mine = skip && current ? candidateBubble("", { skipped: true, questionKey: `${current.topic_id}/${current.question_id}` }) : null;
  if (mine) thread.append(mine);
  thread.append(typing);
  scrollToEnd();
  try {
    const reply = skip ? await api.skip(id) : await api.finish(id);
    if (skip) saveDraft(id, sentFor, "");
    const final = interviewerBubble(reply.message, { prompt: reply.current ? reply.current.text : null, topicId: reply.current ? reply.current.topic_id : null, kind: reply.current ? reply.current.kind : null });
    typing.replaceWith(final);
    if (skip) box.value = loadDraft(id, promptKey(reply.current));
    applyTurn(reply);
    announce(`Interviewer: ${reply.message}`);
  } catch (e) {
    typing.remove();
    if (mine) mine.remove();
    await resync(sentFor, "");
    showError(e.describe ? e.describe() : String(e.message || e));
  } finally {
    setBusy(false);
    if (!form.hidden) box.focus();
  }
}

// Wiring -------------------------------------------------------------------------------------

form.addEventListener("submit", (event) => {
  event.preventDefault();
  send();
});

box.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    send();
  }
});

box.addEventListener("input", () => {
  updateCounter();
  if (state.view && state.view.current && !state.busy) saveDraft(id, promptKey(state.view.current), box.value);
  if (!errorBox.hidden && box.value.length <= state.maxChars) notice(errorBox, "");
});

skipButton.addEventListener("click", () => act("skip"));
finishButton.addEventListener("click", () => act("finish"));

// Another tab may have moved the interview on: check when this one comes back into view.
document.addEventListener("visibilitychange", async () => {
  if (document.visibilityState !== "visible" || state.busy || !state.view || isOver(state.view.state)) return;
  try {
    const view = await api.view(id);
    if (promptKey(view.current) !== promptKey(state.view.current) || view.state !== state.view.state) {
      await load({ quiet: true });
      notice(statusBox, "This interview moved on in another tab; the conversation is refreshed.", "info");
    }
  } catch { /* offline: the next action reports it */ }
});

api.info().then((info) => {
  state.maxChars = info.max_answer_chars;
  updateCounter();
}).catch(() => {});

load().then((ok) => {
  if (ok && !form.hidden) box.focus();
});
