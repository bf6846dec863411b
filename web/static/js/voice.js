// Voice on the interview page: record an answer (button or hold Alt+M), see the microphone's level,
// get the server's transcript in the answer box to check and edit, or go hands-free (sent after a pause
// the candidate chooses); the interviewer is read aloud by readaloud.js (the browser's speech synthesis).
// Typing always works: voice only ever fills the box, and every failure says so and keeps the turn.
import { api, ApiError } from "./api.js";
import { $, announce } from "./dom.js";
import { ReadAloud, loadPrefs, savePrefs } from "./readaloud.js";

// A level (0-1 RMS scaled) above this is speech; hands-free counts the pause from the last such moment.
const SPEAKING = 0.08;
const TICK_MS = 100;

function mimeType() {
  for (const type of ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm"]) {
    if (window.MediaRecorder && MediaRecorder.isTypeSupported(type)) return type;
  }
  return "";
}

/** The sentence for a failed getUserMedia: denied, absent, busy, or a page that may not record. */
function micProblem(error) {
  switch (error && error.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Microphone access was denied. Allow the microphone for this site in the browser's settings, or type your answer.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No microphone was found. Connect one and press Record again, or type your answer.";
    case "NotReadableError":
      return "The microphone is in use by another program. Close it and press Record again, or type your answer.";
    default:
      return "The microphone could not be started. Type your answer, or reload the page and try again.";
  }
}

export class Voice {
  /**
   * hooks: box (the answer textarea), current() (the open prompt or null), busy() (a send in flight),
   * setText(text) (fill the box as typing would), send() (send the box), showError(text).
   */
  constructor(id, hooks) {
    this.id = id;
    this.hooks = hooks;
    this.prefs = loadPrefs();
    this.spokenSeconds = 0; // the length of the recordings whose words are in the box
    this.handsFreeSent = false; // the answer in flight was sent hands-free: listen again after the reply
    this.recording = null; // {recorder, stream, chunks, context, timer, started, lastVoice, heard, handsFree, turn}
    this.maxSeconds = 300; // the server's limit (GET /api/speech), stopped at before it refuses
    this.canRecord = Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
    this.readAloud = new ReadAloud();
    this.button = $("#mic-button");
    // Words typed over a transcript: once the box is cleared, what follows is typed, not spoken.
    hooks.box.addEventListener("input", () => { if (!hooks.box.value.trim()) this.spokenSeconds = 0; });
    this.status = $("#voice-status");
  }

  async init() {
    let speech = { available: false };
    try {
      speech = await api.speech();
    } catch {
      /* no speech endpoint reachable: voice stays hidden, typing works */
    }
    const record = speech.available;
    this.maxSeconds = speech.max_audio_seconds || 300;
    $("#voice-record").hidden = !record;
    $("#voice-speak").hidden = !this.readAloud.available;
    $("#voice-hint").hidden = !record;
    $("#voice-bar").hidden = !(record || this.readAloud.available);
    if (record) this.wireRecording();
    if (this.readAloud.available) this.readAloud.wire();
  }

  // Recording ----------------------------------------------------------------------------------

  wireRecording() {
    if (!this.canRecord) {
      this.button.disabled = true;
      this.say(window.isSecureContext
        ? "This browser cannot record audio; type your answers."
        : "Recording needs a secure page (https or localhost); type your answers.");
    }
    const pause = $("#handsfree-pause");
    pause.value = String(this.prefs.pause || 0);
    pause.addEventListener("change", () => { this.prefs = savePrefs({ pause: Number(pause.value) }); });
    this.button.addEventListener("click", () => (this.recording ? this.stop() : this.start()));
    // Push to talk: hold Alt+M; letting go sends the recording for transcription.
    document.addEventListener("keydown", (event) => {
      if (event.code !== "KeyM" || !event.altKey || event.repeat) return;
      event.preventDefault();
      if (!this.recording) this.start({ pushToTalk: true });
    });
    document.addEventListener("keyup", (event) => {
      if (this.recording && this.recording.pushToTalk && (event.code === "KeyM" || event.key === "Alt")) this.stop();
    });
  }

  async start({ pushToTalk = false } = {}) {
    const current = this.hooks.current();
    if (this.recording || !this.canRecord || !current || this.hooks.busy()) return;
    this.readAloud.cancel(); // never record the interviewer's own voice
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch (error) {
      this.fail(micProblem(error));
      return;
    }
    const type = mimeType();
    const recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    const rec = {
      recorder, stream, chunks: [], pushToTalk, turn: current.turn, started: Date.now(), lastVoice: Date.now(),
      heard: false, handsFree: Number(this.prefs.pause) > 0 && !pushToTalk,
    };
    recorder.addEventListener("dataavailable", (event) => { if (event.data && event.data.size) rec.chunks.push(event.data); });
    this.recording = rec;
    this.meter(rec);
    recorder.start(250);
    this.button.setAttribute("aria-pressed", "true");
    $("#mic-label").textContent = "Stop";
    this.say(rec.handsFree
      ? `Listening… it is sent after a ${this.prefs.pause} s pause.`
      : "Recording… press Stop (or let go of Alt+M) when you are done.");
    announce("Recording started");
  }

  /** The level meter, and hands-free's pause detection, from the recording's own samples. */
  meter(rec) {
    const level = $("#mic-level");
    const fill = $("#mic-level-fill");
    level.hidden = false;
    try {
      rec.context = new AudioContext();
      const source = rec.context.createMediaStreamSource(rec.stream);
      const analyser = rec.context.createAnalyser();
      analyser.fftSize = 1024;
      source.connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      rec.timer = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const s of samples) sum += s * s;
        const value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
        fill.style.width = `${Math.round(value * 100)}%`;
        level.setAttribute("aria-valuenow", String(Math.round(value * 100)));
        if (value > SPEAKING) {
          rec.lastVoice = Date.now();
          rec.heard = true;
        }
        // Hands-free: send only after words and then the chosen pause, so nobody is cut off mid-thought.
        if (rec.handsFree && rec.heard && Date.now() - rec.lastVoice > this.prefs.pause * 1000) this.stop();
        // At the server's length limit, stop and transcribe what there is rather than have it refused.
        if (Date.now() - rec.started > (this.maxSeconds - 1) * 1000) this.stop();
      }, TICK_MS);
    } catch {
      /* no Web Audio: record without a meter (hands-free then needs the Stop button) */
    }
  }

  async stop() {
    const rec = this.recording;
    if (!rec) return;
    this.recording = null;
    clearInterval(rec.timer);
    if (rec.recorder.state !== "inactive") {
      const stopped = new Promise((resolve) => rec.recorder.addEventListener("stop", resolve, { once: true }));
      rec.recorder.stop();
      await stopped;
    }
    for (const track of rec.stream.getTracks()) track.stop();
    if (rec.context) rec.context.close().catch(() => {});
    $("#mic-level").hidden = true;
    this.button.setAttribute("aria-pressed", "false");
    $("#mic-label").textContent = "Record";
    const blob = new Blob(rec.chunks, { type: rec.recorder.mimeType || "audio/webm" });
    await this.transcribe(blob, rec);
  }

  async transcribe(blob, rec) {
    this.say("Transcribing…");
    this.button.disabled = true;
    try {
      const heard = await api.transcribe(this.id, blob, rec.turn);
      const current = this.hooks.current();
      if (!current || current.turn !== heard.turn) {
        this.say("The interview moved on while this was transcribed; nothing was sent.");
        return;
      }
      const before = this.hooks.box.value.trim();
      this.hooks.setText(before ? `${before} ${heard.text}` : heard.text);
      this.spokenSeconds += heard.duration_seconds;
      if (rec.handsFree) {
        this.say("Sending…");
        this.handsFreeSent = true;
        this.hooks.send();
      } else {
        this.say("Check the words in the box, edit them if needed, then send.");
        this.hooks.box.focus({ preventScroll: true });
      }
    } catch (error) {
      // The turn is still open: nothing was stored. Say what happened; record again or type.
      const why = error instanceof ApiError && error.status === 413
        ? `The recording is too long: ${error.message}. Record a shorter answer, or type.`
        : error instanceof ApiError && error.status !== 0 && error.status < 500
          ? `${error.message}. ${error.hint || "Record again, or type your answer."}`
          : `The recording could not be transcribed (${error.message || error}). Record again, or type your answer.`;
      this.fail(why);
    } finally {
      this.button.disabled = !this.canRecord;
    }
  }

  /** What to send with the answer in the box: {seconds} when its words were spoken, else undefined. */
  spoken() {
    return this.spokenSeconds > 0 ? { seconds: Math.round(this.spokenSeconds * 100) / 100 } : undefined;
  }

  /** The answer was sent (or the prompt changed): what comes next starts afresh. */
  reset() {
    this.spokenSeconds = 0;
    if (this.status.textContent !== "") this.say("");
  }

  /** The interviewer replied: read it aloud; after a hands-free answer, listen for the next one once
   * the reply has been read (never while it is read: the microphone would hear it). */
  async replied(message) {
    const again = this.handsFreeSent;
    this.handsFreeSent = false;
    await this.readAloud.speak(message);
    if (again && this.hooks.current() && !this.hooks.busy()) this.start();
  }

  speakLatest() {
    return this.readAloud.speakLatest();
  }

  // Helpers ------------------------------------------------------------------------------------

  say(text) {
    this.status.textContent = text;
  }

  fail(text) {
    this.say("");
    this.hooks.showError(text);
  }
}
