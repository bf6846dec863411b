// Keeping the page in step with the server: loading, waiting out grading, resyncing after an error,
// and noticing when another tab moved the interview on.
import { api, tokenFor, ApiError } from "./api.js";
import { isOver } from "./status.js";

/** A prompt's identity: which question, which kind of turn, asked when. */
export function promptKey(current) {
  return current ? `${current.question_id}.${current.kind}.${current.asked_at}` : "";
}

export class Sync {
  /**
   * page: { show(view, transcript), status(text, kind), setBusy(busy), unavailable(text) }
   */
  constructor(interviewId, page) {
    this.id = interviewId;
    this.page = page;
    this.view = null;
    this.transcript = null;
    this.pollTimer = null;
  }

  /** Load the interview and its transcript and show them; false (with a message shown) on failure. */
  async load({ quiet = false } = {}) {
    if (!tokenFor(this.id)) {
      this.page.unavailable("This browser does not hold the key for this interview. Interviews can be reopened only in the browser that started them.");
      return false;
    }
    try {
      const [view, transcript] = await Promise.all([api.view(this.id), api.transcript(this.id)]);
      this.view = view;
      this.transcript = transcript;
      this.page.show(view, transcript);
      if (!quiet) this.page.status("");
      if (view.state === "grading") this.waitForGrading();
      return true;
    } catch (e) {
      const text = e instanceof ApiError && e.status === 404
        ? "This interview was not found. It may have been deleted, or the key stored in this browser is wrong."
        : `Could not load the interview: ${e.describe ? e.describe() : e.message}`;
      this.page.status(text, "error");
      return false;
    }
  }

  /** The last answer is being graded (by another request, or after a restart): poll until it is done. */
  waitForGrading() {
    this.page.status("Your last answer is still being graded…", "info");
    this.page.setBusy(true);
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(async () => {
      try {
        const view = await api.view(this.id);
        if (view.state === "grading") return this.waitForGrading();
        this.page.setBusy(false);
        await this.load();
      } catch {
        this.waitForGrading();
      }
    }, 2000);
  }

  /**
   * After an error: reload the thread. Returns "mine" when the text sent for the prompt `sentFor`
   * was stored, "other" when the interview moved on with something else (another tab), or "none".
   */
  async resync(sentFor, text) {
    const ok = await this.load({ quiet: true });
    if (!ok || !this.view) return "none";
    const moved = promptKey(this.view.current) !== sentFor || this.view.state === "grading" || isOver(this.view.state);
    if (!moved) return "none";
    const stored = (this.transcript ? this.transcript.questions : []).flatMap((q) =>
      q.exchanges.filter((ex) => `${q.question_id}.${ex.kind}.${ex.asked_at}` === sentFor));
    const same = stored.some((ex) => (ex.answer || "").trim() === String(text || "").trim());
    return same ? "mine" : "other";
  }

  /** When this tab comes back into view, reload if another tab moved the interview on. */
  watchOtherTabs(isBusy) {
    document.addEventListener("visibilitychange", async () => {
      if (document.visibilityState !== "visible" || isBusy() || !this.view || isOver(this.view.state)) return;
      try {
        const view = await api.view(this.id);
        if (promptKey(view.current) !== promptKey(this.view.current) || view.state !== this.view.state) {
          await this.load({ quiet: true });
          this.page.status("This interview moved on in another tab; the conversation is refreshed.", "info");
        }
      } catch { /* offline: the next action reports it */ }
    });
  }
}
