// The interviewer read aloud with the browser's own speech synthesis (nothing leaves the browser):
// a toggle, a voice and a rate, remembered with the other voice choices in localStorage.
import { $ } from "./dom.js";

const PREFS = "viva.voice";
const DEFAULTS = { tts: false, voice: "", rate: 1, pause: 0 };

export function loadPrefs() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(PREFS) || "{}") };
  } catch {
    return { ...DEFAULTS };
  }
}

/** Remember a change to the voice choices; returns them all. */
export function savePrefs(change) {
  const prefs = { ...loadPrefs(), ...change };
  try {
    localStorage.setItem(PREFS, JSON.stringify(prefs));
  } catch {
    /* storage disabled: the choice lasts for this page */
  }
  return prefs;
}

export class ReadAloud {
  constructor() {
    this.available = "speechSynthesis" in window && "SpeechSynthesisUtterance" in window;
  }

  wire() {
    const toggle = $("#tts-toggle");
    const rate = $("#tts-rate");
    const voices = $("#tts-voice");
    toggle.checked = Boolean(loadPrefs().tts);
    rate.value = String(loadPrefs().rate || 1);
    toggle.addEventListener("change", () => {
      savePrefs({ tts: toggle.checked });
      if (toggle.checked) this.speakLatest();
      else this.cancel();
    });
    rate.addEventListener("change", () => savePrefs({ rate: Number(rate.value) }));
    voices.addEventListener("change", () => savePrefs({ voice: voices.value }));
    const fill = () => {
      const list = speechSynthesis.getVoices();
      voices.replaceChildren(...list.map((v) => {
        const option = document.createElement("option");
        option.value = v.voiceURI;
        option.textContent = `${v.name} (${v.lang})`;
        option.selected = v.voiceURI === loadPrefs().voice;
        return option;
      }));
      $("#tts-voice-label").hidden = list.length < 2;
    };
    fill();
    speechSynthesis.addEventListener("voiceschanged", fill);
  }

  /** Read the interviewer's words aloud when the candidate asked for it; resolves when done. */
  speak(text) {
    if (!this.available || !loadPrefs().tts || !text) return Promise.resolve();
    this.cancel();
    const utterance = new SpeechSynthesisUtterance(text.replace(/```[\s\S]*?```/g, " (code shown on screen) "));
    const prefs = loadPrefs();
    const chosen = speechSynthesis.getVoices().find((v) => v.voiceURI === prefs.voice);
    if (chosen) utterance.voice = chosen;
    utterance.rate = Number(prefs.rate) || 1;
    return new Promise((resolve) => {
      utterance.addEventListener("end", resolve);
      utterance.addEventListener("error", resolve);
      // Some engines never say "end" (no voice installed): go on after the time reading could take.
      setTimeout(resolve, 2000 + (text.length * 90) / utterance.rate);
      speechSynthesis.speak(utterance);
    });
  }

  /** Read the interviewer's latest message (the question now open). On page load a browser may refuse
   * speech until the candidate has interacted with the page; the toggle or the next reply reads then. */
  speakLatest() {
    const bodies = document.querySelectorAll("#thread .msg-interviewer:not(.msg-typing) .msg-body");
    const latest = bodies.length ? bodies[bodies.length - 1].textContent : "";
    return this.speak(latest);
  }

  cancel() {
    if (this.available) speechSynthesis.cancel();
  }
}
