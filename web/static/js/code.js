// Code questions on the interview page: a code editor (a plain textarea, so screen readers, spell
// checkers off, copy and paste all work as usual; line numbers, Tab and auto-indent added), "Run
// examples" (the visible tests) and "Submit code" (the hidden tests), with each test's result.
// The code is kept as a draft per question; a reload restores the draft, else the last run's code.
import { api, loadDraft, saveDraft } from "./api.js";
import { $, h, notice, announce } from "./dom.js";

const INDENT = "    ";

export class CodePanel {
  constructor(id, { isBusy, setBusy, onError }) {
    this.id = id;
    this.panel = $("#code-panel");
    this.editor = $("#code");
    this.gutter = $("#code-gutter");
    this.results = $("#code-results");
    this.examples = $("#code-examples");
    this.runButton = $("#run-code-button");
    this.submitButton = $("#submit-code-button");
    this.isBusy = isBusy;
    this.setBusy = setBusy;
    this.onError = onError;
    this.current = null;
    this.lastSubmitted = null; // the code of the last submission: sent again with the answer only if changed
    this.tabLeaves = false; // after Escape, Tab moves focus out instead of indenting
    this.editor.addEventListener("keydown", (e) => this.onKey(e));
    this.editor.addEventListener("input", () => this.changed());
    this.editor.addEventListener("scroll", () => { this.gutter.scrollTop = this.editor.scrollTop; });
    this.runButton.addEventListener("click", () => this.run("examples"));
    this.submitButton.addEventListener("click", () => this.run("submission"));
    $("#reset-code-button").addEventListener("click", () => this.reset());
  }

  get active() {
    return Boolean(this.current && this.current.code);
  }

  draftKey(current) {
    return `code:${current.topic_id}/${current.question_id}`;
  }

  /** Show the editor for a code question (or hide it); keeps what the candidate typed for the same one. */
  show(current) {
    const code = current && current.code;
    this.panel.hidden = !code;
    const same = this.current && current && this.draftKey(this.current) === this.draftKey(current);
    this.current = code ? current : null;
    if (!code) return;
    const runsOff = !code.runs_available;
    this.runButton.disabled = runsOff;
    this.submitButton.disabled = runsOff;
    notice($("#code-note"), runsOff ? "Code cannot run on this server right now; explain your approach in words below." : "", "warn");
    if (!same) {
      this.editor.value = loadDraft(this.id, this.draftKey(current)) || code.last_code || code.starter;
      this.lastSubmitted = code.last_run && code.last_run.kind === "submission" ? code.last_code : null;
      this.examples.textContent = code.visible_tests;
      this.results.replaceChildren();
      if (code.last_run) this.showOutcome(code.last_run, true);
    }
    this.numberLines();
  }

  /** The code to send with the answer: only when it differs from what was last submitted. */
  codeForAnswer() {
    if (!this.active) return undefined;
    return this.editor.value === this.lastSubmitted ? undefined : this.editor.value;
  }

  answered() {
    if (this.current) saveDraft(this.id, this.draftKey(this.current), "");
  }

  changed() {
    this.numberLines();
    if (this.current) saveDraft(this.id, this.draftKey(this.current), this.editor.value);
  }

  numberLines() {
    const lines = this.editor.value.split("\n").length;
    this.gutter.textContent = Array.from({ length: lines }, (_, i) => String(i + 1)).join("\n");
    this.gutter.scrollTop = this.editor.scrollTop;
  }

  reset() {
    if (!this.current) return;
    this.editor.value = this.current.code.starter;
    this.changed();
    this.editor.focus();
  }

  onKey(event) {
    const ed = this.editor;
    if (event.key === "Escape") {
      this.tabLeaves = true;
      announce("Tab now moves out of the editor.");
      return;
    }
    if (event.key === "Tab" && !this.tabLeaves && !event.ctrlKey && !event.altKey && !event.metaKey) {
      event.preventDefault();
      const { selectionStart: start, selectionEnd: end, value } = ed;
      const lineStart = value.lastIndexOf("\n", start - 1) + 1;
      if (event.shiftKey || start !== end) {
        // Indent or dedent every line of the selection.
        const block = value.slice(lineStart, end);
        const lines = block.split("\n");
        const changed = lines.map((l) => (event.shiftKey ? l.replace(/^ {1,4}/, "") : INDENT + l)).join("\n");
        ed.setRangeText(changed, lineStart, end, "select");
        if (start === end) ed.selectionStart = ed.selectionEnd = Math.max(lineStart, start + (changed.length - block.length));
      } else {
        ed.setRangeText(INDENT, start, end, "end");
      }
      this.changed();
      return;
    }
    this.tabLeaves = false;
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.isComposing) {
      // Keep the line's indentation, one more level after a colon.
      event.preventDefault();
      const { selectionStart: start, selectionEnd: end, value } = ed;
      const lineStart = value.lastIndexOf("\n", start - 1) + 1;
      const line = value.slice(lineStart, start);
      let indent = line.match(/^\s*/)[0];
      if (/:\s*(#.*)?$/.test(line)) indent += INDENT;
      ed.setRangeText(`\n${indent}`, start, end, "end");
      this.changed();
    }
  }

  async run(kind) {
    if (!this.current || this.isBusy()) return;
    const current = this.current;
    const code = this.editor.value;
    this.setBusy(true);
    const label = kind === "examples" ? "Running the examples…" : "Running the hidden tests…";
    this.results.replaceChildren(h("p", { class: "code-running" }, label));
    try {
      const call = kind === "examples" ? api.runCode : api.submitCode;
      const outcome = await call(this.id, code, current.turn);
      if (kind === "submission") this.lastSubmitted = code;
      this.showOutcome(outcome, false);
    } catch (e) {
      this.results.replaceChildren();
      this.onError(e.describe ? e.describe() : String(e.message || e));
    } finally {
      this.setBusy(false);
    }
  }

  showOutcome(outcome, restored) {
    const submitted = outcome.kind === "submission";
    const head = `${submitted ? "Hidden tests" : "Examples"}: ${outcome.passed} of ${outcome.total} passed`;
    const items = outcome.tests.map((t) => h("li", { class: t.passed ? "test-pass" : "test-fail" },
      h("span", { class: "test-mark", "aria-hidden": "true" }, t.passed ? "✓" : "✗"),
      h("code", { class: "test-name" }, t.name),
      h("span", { class: "sr-only" }, t.passed ? " passed" : " failed"),
      t.message ? h("span", { class: "test-message" }, ` ${t.message}`) : null,
      t.output ? h("pre", { class: "test-output", "aria-label": `What ${t.name} printed` }, t.output) : null));
    const next = submitted
      ? (outcome.passed === outcome.total && !outcome.problem
        ? "Now explain your approach below and send it."
        : "You can fix the code and submit again, or explain your approach below and send it.")
      : "Submit when ready: the hidden tests decide the grade.";
    this.results.replaceChildren(
      h("p", { class: `code-summary ${outcome.passed === outcome.total && !outcome.problem ? "ok" : "bad"}` },
        restored ? `${head} (last run)` : head, outcome.problem ? ` — ${outcome.problem}` : ""),
      h("ul", { class: "test-list" }, items),
      h("p", { class: "field-help" }, next));
    if (!restored) announce(`${head}${outcome.problem ? `: ${outcome.problem}` : ""}`);
  }
}
