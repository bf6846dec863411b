// Small DOM helpers. Text always goes in through textContent / text nodes, never innerHTML.

/** h("p", {class: "x", onclick: fn}, "text", child) -> element */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export const $ = (selector, root = document) => root.querySelector(selector);

export function show(el, visible = true) {
  el.hidden = !visible;
}

/** Set a notice element's text and kind ("info" | "error" | "warn"); empty text hides it. */
export function notice(el, text, kind = "info") {
  el.classList.remove("notice-info", "notice-error", "notice-warn");
  el.classList.add(`notice-${kind}`);
  el.textContent = text || "";
  el.hidden = !text;
}

/** Announce a sentence to screen readers through the page's polite live region. */
export function announce(text) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  setTimeout(() => { region.textContent = text; }, 50);
}

/** Split text at fenced code blocks (```lang ... ```): [{code, lang, text}] in order. An unclosed fence
 * runs to the end, as it would in Markdown. */
export function splitFences(text) {
  const parts = [];
  const fence = /^```[ \t]*([\w+-]*)[ \t]*\n([\s\S]*?)(?:^```[ \t]*$|(?![\s\S]))/gm;
  let pos = 0;
  for (const m of String(text || "").matchAll(fence)) {
    if (m.index > pos) parts.push({ code: false, text: text.slice(pos, m.index) });
    parts.push({ code: true, lang: m[1] || "", text: m[2].replace(/\n$/, "") });
    pos = m.index + m[0].length;
  }
  if (pos < String(text || "").length) parts.push({ code: false, text: String(text).slice(pos) });
  return parts;
}

/** A code block: monospace, indentation kept, one numbered line per source line (numbers are CSS, so
 * copying the code copies no numbers). Text goes in through textContent: nothing is interpreted. */
export function codeBlock(code, lang = "") {
  const block = document.createElement("pre");
  block.className = "code";
  if (lang) block.dataset.lang = lang;
  const inner = document.createElement("code");
  for (const line of String(code).split("\n")) {
    const span = document.createElement("span");
    span.className = "code-line";
    span.textContent = line || "\u200b";
    inner.append(span, "\n");
  }
  block.append(inner);
  return block;
}

/** A line's `code spans` as <code> elements, the rest as text (never markup). */
function inlineCode(line) {
  return line.split(/`([^`\n]+)`/).map((piece, i) => (i % 2 ? h("code", { class: "inline-code" }, piece) : document.createTextNode(piece)));
}

/** Paragraphs from plain text (blank lines split paragraphs, single newlines become <br>); fenced
 * code blocks become code blocks, `code spans` inline code. */
export function paragraphs(text) {
  const frag = document.createDocumentFragment();
  for (const part of splitFences(text)) {
    if (part.code) {
      frag.append(codeBlock(part.text, part.lang));
      continue;
    }
    for (const para of part.text.split(/\n{2,}/)) {
      if (!para.trim()) continue;
      const p = document.createElement("p");
      para.replace(/^\n+|\n+$/g, "").split("\n").forEach((line, i) => {
        if (i) p.append(document.createElement("br"));
        p.append(...inlineCode(line));
      });
      frag.append(p);
    }
  }
  return frag;
}

/** Rubric text wrapped at a fixed width (a model answer): single line breaks in prose are spaces;
 * blank lines, list items and fenced code are kept. */
export function prose(text) {
  const joined = splitFences(text).map((part) => part.code
    ? "```" + part.lang + "\n" + part.text + "\n```"
    : part.text.trim().replace(/([^\n])\n(?![\n]|\s*(?:[-*•]|\d+[.)])\s)/g, "$1 ")).filter(Boolean).join("\n\n");
  return paragraphs(joined);
}

/** True when an answer looks like code: a fence, or several indented or code-like lines. */
export function looksLikeCode(text) {
  const value = String(text || "");
  if (/^```/m.test(value)) return true;
  const lines = value.split("\n").filter((l) => l.trim());
  const codeLike = lines.filter((l) => /^( {4}|\t)|[;{}]\s*$|^\s*(def|class|for|if|return|import|from)\b.*[:(]/.test(l));
  return lines.length >= 2 && codeLike.length * 2 >= lines.length;
}

export function markQuotes(text, quotes) {
  text = String(text || "");
  const ranges = [];
  for (const quote of quotes || []) {
    if (!quote) continue;
    let at = text.indexOf(quote);
    if (at < 0) {
      at = text.toLowerCase().indexOf(quote.toLowerCase());
    }
    if (at >= 0) ranges.push([at, at + quote.length]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  const frag = document.createDocumentFragment();
  let pos = 0;
  const addText = (s) => {
    s.split("\n").forEach((line, i) => {
      if (i) frag.append(document.createElement("br"));
      if (line) frag.append(document.createTextNode(line));
    });
  };
  for (const [start, end] of merged) {
    addText(text.slice(pos, start));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    frag.append(mark);
    pos = end;
  }
  addText(text.slice(pos));
  return frag;
}

export function humanize(id) {
  const s = String(id || "").replace(/[-_]+/g, " ").trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function score(value, digits = 1) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

/** Colour band of a 0-5 score, for CSS classes. */
export function band(value) {
  if (value === null || value === undefined) return "none";
  if (value >= 3.5) return "good";
  if (value >= 2) return "fair";
  return "weak";
}

export function formatDate(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return "";
  seconds = Math.max(0, Math.round(seconds));
  const m = Math.floor(seconds / 60);
  const s = String(seconds % 60).padStart(2, "0");
  if (m >= 60) return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}:${s}`;
  return `${m}:${s}`;
}

/** Open the page's confirm <dialog>; resolves true when confirmed. */
export function confirmDialog({ title, body, confirm = "Confirm", danger = true }) {
  const dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return Promise.resolve(window.confirm(`${title}\n\n${body}`));
  dialog.querySelector("#confirm-title").textContent = title;
  dialog.querySelector("#confirm-body").textContent = body;
  const ok = dialog.querySelector("#confirm-ok");
  ok.textContent = confirm;
  ok.className = `btn ${danger ? "btn-danger" : "btn-primary"}`;
  const opener = document.activeElement;
  return new Promise((resolve) => {
    dialog.returnValue = "cancel";
    dialog.addEventListener("close", () => {
      if (opener && typeof opener.focus === "function") opener.focus();
      resolve(dialog.returnValue === "ok");
    }, { once: true });
    dialog.showModal();
    dialog.querySelector("#confirm-cancel").focus();
  });
}
