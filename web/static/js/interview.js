// The interview page: wires the answer box, skip and finish to the thread (thread.js) and keeps the
// page in step with the server (sync.js). Drafts survive reloads; a stale tab is refused by the server
// (the answer names its turn), so a send is one request.
import { api, streamAnswer, loadDraft, saveDraft, clearDrafts, ApiError } from "./api.js";
import { $, notice, announce, paragraphs, confirmDialog, formatDuration, looksLikeCode } from "./dom.js";
import { isOver } from "./status.js";
import { Sync, promptKey } from "./sync.js";
import { Thread } from "./thread.js";
import { CodePanel } from "./code.js";
import { Voice } from "./voice.js";

const main = $("#main");
const id = main.dataset.interviewId;
const form = $("#answer-form");
const box = $("#answer");
const sendButton = $("#send-button");
const skipButton = $("#skip-button");
const finishButton = $("#finish-button");
const statusBox = $("#status");
const errorBox = $("#answer-error");
const counter = $("#char-counter");

const thread = new Thread($("#thread"), id);
const page = { maxChars: 8000, busy: false };
// The limit of the prompt being answered (design answers may be longer), else the server's default.
const limit = () => (sync.view && sync.view.current && sync.view.current.max_answer_chars) || page.maxChars;
// An answer with code in it (a fence, or lines of code): Enter makes a new line, Ctrl+Enter sends.
const inCode = () => looksLikeCode(box.value) || (box.value.match(/^```/gm) || []).length % 2 === 1;
const SLOW_NOTICE = "The interviewer is taking longer than usual. Your answer is kept; please wait…";

const codePanel = new CodePanel(id, { isBusy: () => page.busy, setBusy: (busy) => setBusy(busy), onError: (text) => showError(text) });
// Voice: fills the box from a recording, sends hands-free, reads replies aloud (voice.js).
const voice = new Voice(id, {
  box,
  current: () => (sync.view && sync.view.current) || null,
  busy: () => page.busy,
  setText(text) {
    keepText(text);
    if (sync.view && sync.view.current) saveDraft(id, promptKey(sync.view.current), text);
  },
  send: () => send(),
  showError: (text) => showError(text),
});

const sync = new Sync(id, {
  show(view, transcript) {
    thread.render(view, transcript);
    applyView(view);
    thread.scrollToEnd();
  },
  status: (text, kind = "info") => notice(statusBox, text, kind),
  setBusy,
  unavailable(text) {
    notice(statusBox, text, "error");
    $("#progress-topic").textContent = "Interview not available";
    stopTimer();
  },
});

// Progress and state ---------------------------------------------------------------------------

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
  sync.view = view;
  renderProgress(view.progress, view.current, view.state);
  const over = isOver(view.state);
  $("#done-panel").hidden = !over;
  const reviewing = view.state === "reviewing";
  form.hidden = over || view.state === "created" || reviewing;
  $("#review-panel").hidden = !reviewing;
  if (over) {
    clearDrafts(id);
    stopTimer();
    return;
  }
  codePanel.show(reviewing ? null : view.current);
  form.classList.toggle("composer-code", codePanel.active);
  box.placeholder = codePanel.active ? "Explain your approach: the idea, its cost, and the cases it must handle…" : "Type your answer…";
  $("#answer-label").textContent = codePanel.active ? "Explain your approach" : "Your answer";
  if (view.current) {
    startTimer(view.current.asked_at);
    if (!box.value) box.value = loadDraft(id, promptKey(view.current));
    updateCounter();
  }
}

function applyTurn(reply) {
  applyView({ ...sync.view, state: reply.state, progress: reply.progress, current: reply.current });
  if (isOver(reply.state)) {
    announce("The interview is complete. Your report is ready.");
    $("#done-panel").scrollIntoView({ block: "center" });
    $("#report-link").focus({ preventScroll: true });
  }
}

// Timer ----------------------------------------------------------------------------------------

let timerStart = null;
let timerHandle = null;

let timeUpShownFor = null;

function startTimer(askedAt) {
  timerStart = Date.parse(askedAt);
  tick();
  if (!timerHandle) timerHandle = setInterval(tick, 1000);
}

const TIME_UP = "Time is up for this question. Finish your thought and send when you are ready; nothing is cut off.";

function stopTimer() {
  clearInterval(timerHandle);
  timerHandle = null;
  $("#timer").hidden = true;
}

function tick() {
  if (!timerStart) return;
  const timer = $("#timer");
  timer.hidden = false;
  const elapsed = Math.max(0, (Date.now() - timerStart) / 1000);
  const limit = sync.view && sync.view.options && sync.view.options.time_limit_seconds;
  if (!limit) {
    $("#timer-value").textContent = formatDuration(elapsed);
    return;
  }
  // A count-down with a gentle warning: amber in the last fifth, then "over" and a notice - never a cut.
  const left = limit - elapsed;
  timer.classList.toggle("timer-warn", left > 0 && left <= limit / 5);
  timer.classList.toggle("timer-over", left <= 0);
  $("#timer-value").textContent = left > 0 ? `${formatDuration(left)} left` : `${formatDuration(-left)} over`;
  const key = sync.view.current ? promptKey(sync.view.current) : null;
  if (left <= 0 && key && timeUpShownFor !== key) {
    timeUpShownFor = key;
    notice(statusBox, TIME_UP, "warn");
    announce("Time is up for this question. You can still finish your answer.");
  } else if (left > 0 && statusBox.textContent === TIME_UP) {
    notice(statusBox, "");
  }
}

// The answer box -------------------------------------------------------------------------------

function setBusy(busy) {
  page.busy = busy;
  sendButton.disabled = busy;
  skipButton.disabled = busy;
  finishButton.disabled = busy;
  for (const b of document.querySelectorAll("#review-panel button, .code-actions button, #reset-code-button")) b.disabled = busy;
  if (!busy && codePanel.current && !codePanel.current.code.runs_available) {
    for (const b of document.querySelectorAll(".code-actions button")) b.disabled = true;
  }
  box.readOnly = busy;
  form.setAttribute("aria-busy", busy ? "true" : "false");
  sendButton.textContent = busy ? "Sending…" : "Send";
}

function updateCounter() {
  const n = box.value.length;
  counter.hidden = n < limit() * 0.8;
  counter.classList.toggle("over", n > limit());
  counter.textContent = n > limit()
    ? `${n.toLocaleString()} / ${limit().toLocaleString()} characters: too long`
    : `${n.toLocaleString()} / ${limit().toLocaleString()} characters`;
}

function keepText(text) {
  box.value = text;
  updateCounter();
}

function showError(text) {
  notice(errorBox, text, "error");
  announce(text);
}

// Sending --------------------------------------------------------------------------------------

async function send() {
  const view = sync.view;
  if (page.busy || !view || !view.current) return;
  const text = box.value;
  if (!text.trim()) {
    showError(codePanel.active ? "Explain your approach in a few sentences first (the code is sent with it), or use “Skip question”."
      : "Write an answer first, or use “Skip question”.");
    box.focus();
    return;
  }
  const current = view.current;
  const sentFor = promptKey(current);
  notice(errorBox, "");
  saveDraft(id, sentFor, text);
  setBusy(true);

  const spoken = voice.spoken();
  const mine = thread.candidateBubble(text, { questionKey: `${current.topic_id}/${current.question_id}`, pending: true, spoken: Boolean(spoken) });
  const typing = thread.typingBubble();
  thread.append(mine, typing);
  thread.scrollToEnd();

  let streaming = null;
  let streamed = "";
  // Say so when the reply is slow (an LLM examiner can take a while); the answer is safe meanwhile.
  const slow = setTimeout(() => {
    if (!streamed) notice(statusBox, SLOW_NOTICE, "info");
  }, 8000);
  const clearSlow = () => {
    clearTimeout(slow);
    if (statusBox.textContent === SLOW_NOTICE) notice(statusBox, "");
  };
  const code = codePanel.codeForAnswer();
  if (code !== undefined) notice(statusBox, "Running your code against the hidden tests, then grading…", "info");
  try {
    const reply = await streamAnswer(id, text, {
      turn: current.turn,
      code,
      spoken,
      onDelta: (chunk) => {
        streamed += chunk;
        if (!streaming) {
          streaming = thread.streamingBubble();
          typing.replaceWith(streaming);
        }
        streaming.querySelector(".msg-body").replaceChildren(paragraphs(streamed));
        thread.scrollToEnd();
      },
    });
    clearSlow();
    if (code !== undefined) {
      notice(statusBox, "");
      codePanel.lastSubmitted = code;
    }
    mine.classList.remove("msg-pending");
    saveDraft(id, sentFor, "");
    keepText("");
    const final = thread.replyBubble(reply);
    (streaming || typing).replaceWith(final);
    if (reply.grade) thread.addFeedback(reply.grade, current.topic_id, current.question_id, final);
    voice.reset();
    applyTurn(reply);
    announce(`Interviewer: ${reply.message}`);
    voice.replied(reply.message);
  } catch (e) {
    clearSlow();
    if (code !== undefined) notice(statusBox, "");
    (streaming || typing).remove();
    mine.remove();
    await failed(e, sentFor, text);
  } finally {
    if (!(sync.view && sync.view.state === "grading")) setBusy(false);
    thread.scrollToEnd();
    if (!form.hidden) box.focus({ preventScroll: true });
  }
}

async function failed(error, sentFor, text) {
  const refused = error instanceof ApiError && [400, 401, 413, 422, 429].includes(error.status);
  if (refused) {
    keepText(text);
    showError(error.describe());
    return;
  }
  const outcome = await sync.resync(sentFor, text);
  if (outcome === "mine") {
    keepText("");
    saveDraft(id, sentFor, "");
    notice(statusBox, error.status === 409
      ? "Your answer was already being stored (a double send). The conversation is refreshed; it was stored once."
      : "Your answer was stored, but the reply did not arrive in full. The conversation is refreshed.", "info");
    if (sync.view.state === "grading") sync.waitForGrading();
  } else if (outcome === "other") {
    keepText(text);
    notice(statusBox, "This interview moved on in another tab, so this answer was not sent. The conversation is refreshed and your text is kept in the box.", "warn");
    if (sync.view.state === "grading") sync.waitForGrading();
  } else {
    keepText(text);
    showError(error.describe ? error.describe() : String(error.message || error));
  }
}

/**
 * One step the interviewer answers without an answer of ours (skip, finish, retry, next): a typing
 * bubble while `call()` runs, then the reply; on failure the page resyncs and says what went wrong.
 * `mine`: a bubble of ours shown meanwhile (a skip); `sentFor`: the prompt whose draft is cleared.
 */
async function interviewerStep(call, { mine = null, sentFor = null } = {}) {
  setBusy(true);
  notice(errorBox, "");
  const typing = thread.typingBubble();
  if (mine) thread.append(mine);
  thread.append(typing);
  thread.scrollToEnd();
  try {
    const reply = await call();
    if (sentFor) saveDraft(id, sentFor, "");
    typing.replaceWith(thread.replyBubble(reply));
    if (reply.current) box.value = loadDraft(id, promptKey(reply.current));
    voice.reset();
    applyTurn(reply);
    announce(`Interviewer: ${reply.message}`);
    voice.replied(reply.message);
  } catch (e) {
    typing.remove();
    if (mine) mine.remove();
    await sync.resync(sentFor, "");
    showError(e.describe ? e.describe() : String(e.message || e));
  } finally {
    setBusy(false);
    thread.scrollToEnd();
    if (!form.hidden) box.focus({ preventScroll: true });
  }
}

async function act(kind) {
  if (page.busy || !sync.view) return;
  const skip = kind === "skip";
  const ok = await confirmDialog(skip
    ? { title: "Skip this question?", body: "A skipped question scores 0. You move on to the next question.", confirm: "Skip question" }
    : { title: "Finish the interview now?", body: "Questions not reached are left out of the scores. You cannot continue afterwards.", confirm: "Finish interview" });
  if (!ok) return;
  const current = sync.view.current;
  const turn = current ? current.turn : undefined;
  await interviewerStep(() => (skip ? api.skip(id, turn) : api.finish(id, turn)), {
    mine: skip && current ? thread.candidateBubble("", { skipped: true, questionKey: `${current.topic_id}/${current.question_id}` }) : null,
    sentFor: skip ? promptKey(current) : null,
  });
}

// Practice mode: after a question's feedback, the same question again or the next one.
async function review(again) {
  if (page.busy || !sync.view) return;
  await interviewerStep(() => (again ? api.retry(id) : api.next(id)));
}

// Wiring ---------------------------------------------------------------------------------------

form.addEventListener("submit", (event) => {
  event.preventDefault();
  send();
});

box.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.isComposing || event.altKey) return;
  if (event.ctrlKey || event.metaKey || (!event.shiftKey && !inCode())) {
    event.preventDefault();
    send();
  }
});

box.addEventListener("input", () => {
  updateCounter();
  box.classList.toggle("code-input", inCode());
  if (sync.view && sync.view.current && !page.busy) saveDraft(id, promptKey(sync.view.current), box.value);
  if (!errorBox.hidden && box.value.length <= limit()) notice(errorBox, "");
});

skipButton.addEventListener("click", () => act("skip"));
$("#retry-button").addEventListener("click", () => review(true));
$("#next-button").addEventListener("click", () => review(false));
$("#review-finish").addEventListener("click", () => act("finish"));
finishButton.addEventListener("click", () => act("finish"));
sync.watchOtherTabs(() => page.busy);

// The sticky answer box can grow after the page has scrolled (the voice bar appears once the server
// says voice is on; a notice or a long draft): it then covers more of the conversation from below, so
// the conversation moves up by as much and the newest prompt stays in view. (A code question's box is
// not sticky: nothing to do.)
let composerHeight = form.offsetHeight;
new ResizeObserver(() => {
  const grown = form.offsetHeight - composerHeight;
  composerHeight = form.offsetHeight;
  if (grown > 0 && !form.hidden && !form.classList.contains("composer-code")) window.scrollBy(0, grown);
}).observe(form);

api.info().then((info) => {
  page.maxChars = info.max_answer_chars;
  updateCounter();
}).catch(() => {});

voice.init();

sync.load().then((ok) => {
  if (ok && !form.hidden) box.focus({ preventScroll: true });
  if (ok && !form.hidden) voice.speakLatest();
});
