// The conversation as bubbles: the interviewer's messages, the candidate's answers, feedback panels.
import { api } from "./api.js";
import { h, paragraphs, markQuotes, splitFences, codeBlock, looksLikeCode } from "./dom.js";
import { feedbackPanel } from "./feedback.js";
import { isOver } from "./status.js";

const KIND_LABEL = { question: "Question", follow_up: "Follow-up" };

/** A candidate's answer: prose with the covered quotes marked, and code (fenced, or an answer that is
 * code) as a code block. */
export function answerBody(text, quotes) {
  const frag = document.createDocumentFragment();
  const parts = splitFences(text);
  if (parts.length === 1 && !parts[0].code && looksLikeCode(text)) {
    frag.append(codeBlock(text));
    return frag;
  }
  for (const part of parts) {
    if (part.code) frag.append(codeBlock(part.text, part.lang));
    else if (part.text.trim()) frag.append(h("p", {}, markQuotes(part.text.replace(/^\n+|\n+$/g, ""), quotes)));
  }
  return frag;
}

export class Thread {
  constructor(element, interviewId) {
    this.el = element;
    this.id = interviewId;
    this.titles = {}; // criterion id -> title
    this.topicTitles = {}; // topic id -> title
  }

  interviewerBubble(message, { prompt = null, topicId = null, kind = null } = {}) {
    const body = h("div", { class: "msg-body" });
    const text = String(message || "");
    if (prompt && text.endsWith(prompt) && text.length > prompt.length) {
      body.append(paragraphs(text.slice(0, text.length - prompt.length)));
      body.append(h("div", { class: "msg-prompt" }, paragraphs(prompt)));
    } else if (prompt && text === prompt) {
      body.append(h("div", { class: "msg-prompt" }, paragraphs(prompt)));
    } else {
      body.append(paragraphs(text));
    }
    const meta = ["Interviewer", topicId ? this.topicTitles[topicId] : null, kind ? KIND_LABEL[kind] : null].filter(Boolean).join(" · ");
    return h("div", { class: "msg msg-interviewer", dataset: { topic: topicId || "" } },
      h("div", { class: "avatar", "aria-hidden": "true" }, "V"),
      h("div", { class: "msg-content" }, h("div", { class: "msg-meta" }, meta), body));
  }

  /** The interviewer's reply to a turn (a TurnReply), as a bubble. */
  replyBubble(reply) {
    const current = reply.current;
    return this.interviewerBubble(reply.message, {
      prompt: current ? current.text : null, topicId: current ? current.topic_id : null, kind: current ? current.kind : null,
    });
  }

  candidateBubble(text, { skipped = false, questionKey = "", pending = false, spoken = false } = {}) {
    const body = h("div", { class: "msg-body" });
    if (skipped) body.append(h("p", { class: "msg-skipped" }, "Skipped"));
    else body.append(answerBody(text, []));
    // Voice: an answer transcribed from a recording says so.
    const meta = spoken ? "You · spoken" : "You";
    return h("div", { class: `msg msg-candidate${pending ? " msg-pending" : ""}`, dataset: { question: questionKey, text: skipped ? "" : text } },
      h("div", { class: "msg-content" }, h("div", { class: "msg-meta" }, meta), body));
  }

  typingBubble() {
    return h("div", { class: "msg msg-interviewer msg-typing", "aria-hidden": "true" },
      h("div", { class: "avatar" }, "V"),
      h("div", { class: "msg-content" }, h("div", { class: "typing" }, h("span", {}), h("span", {}), h("span", {}))));
  }

  /** A bubble that fills with the interviewer's words as they stream in. */
  streamingBubble() {
    return h("div", { class: "msg msg-interviewer msg-streaming", "aria-hidden": "true" },
      h("div", { class: "avatar" }, "V"),
      h("div", { class: "msg-content" }, h("div", { class: "msg-meta" }, "Interviewer"), h("div", { class: "msg-body" })));
  }

  /** Mark the covered quotes inside the candidate's bubbles of one question. */
  highlightQuotes(questionKey, grade) {
    const quotes = (grade.covered || []).map((c) => c.quote).filter(Boolean);
    for (const bubble of this.el.querySelectorAll(".msg-candidate")) {
      if (bubble.dataset.question !== questionKey || !bubble.dataset.text) continue;
      bubble.querySelector(".msg-body").replaceChildren(answerBody(bubble.dataset.text, quotes));
    }
  }

  modelAnswerLoader(topicId, questionId) {
    return async () => {
      const transcript = await api.transcript(this.id);
      const q = transcript.questions.find((x) => x.topic_id === topicId && x.question_id === questionId);
      return q ? q.model_answer : "";
    };
  }

  addFeedback(grade, topicId, questionId, before = null) {
    const panel = feedbackPanel(grade, { titles: this.titles, loadModelAnswer: this.modelAnswerLoader(topicId, questionId) });
    if (before) this.el.insertBefore(panel, before);
    else this.el.append(panel);
    this.highlightQuotes(`${topicId}/${questionId}`, grade);
  }

  learnTitles(transcript) {
    for (const q of transcript.questions) {
      this.topicTitles[q.topic_id] = q.topic_title;
      for (const c of q.criteria || []) this.titles[c.criterion_id] = c.title;
    }
  }

  /** Rebuild the whole conversation from the transcript. */
  render(view, transcript) {
    this.learnTitles(transcript);
    const perAnswer = view.options.feedback === "per_answer";
    this.el.replaceChildren();
    for (const q of transcript.questions) {
      const key = `${q.topic_id}/${q.question_id}`;
      for (const ex of q.exchanges) {
        this.el.append(this.interviewerBubble(ex.message, { prompt: ex.prompt, topicId: q.topic_id, kind: ex.kind }));
        if (ex.skipped) this.el.append(this.candidateBubble("", { skipped: true, questionKey: key }));
        else if (ex.answer !== null && ex.answer !== undefined) this.el.append(this.candidateBubble(ex.answer, { questionKey: key, spoken: Boolean(ex.spoken) }));
        if (perAnswer && ex.grade) this.addFeedback(ex.grade, q.topic_id, q.question_id);
      }
    }
    if (transcript.summary && transcript.summary.text && isOver(view.state)) {
      this.el.append(this.interviewerBubble(transcript.summary.text));
    }
  }

  append(...nodes) {
    this.el.append(...nodes);
  }

  /**
   * Bring the newest message into view above the answer box, which sticks to the bottom of the window
   * and would otherwise cover it: the page goes to its end (the box follows the thread), or, for a
   * message taller than the room above the box, to the message's start.
   */
  scrollToEnd() {
    const last = this.el.lastElementChild;
    if (!last) return;
    const composer = document.querySelector(".composer:not([hidden])");
    const covered = composer ? composer.offsetHeight : 0;
    const header = document.querySelector(".site-header");
    const room = window.innerHeight - covered - (header ? header.offsetHeight : 0) - 64;
    const behavior = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
    if (last.offsetHeight > room) last.scrollIntoView({ block: "start", behavior });
    else window.scrollTo({ top: document.documentElement.scrollHeight, behavior });
  }
}
