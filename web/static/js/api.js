// The JSON API as seen from the browser: tokens kept in localStorage, errors as ApiError,
// the streamed answer read from Server-Sent Events over fetch, and authenticated downloads.

const STORE_KEY = "viva.interviews";

export class ApiError extends Error {
  constructor(status, code, message, hint, extra = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.hint = hint || null;
    this.extra = extra;
  }
  /** A sentence for the candidate. */
  describe() {
    if (this.status === 0) return "The server could not be reached. Check your connection and try again.";
    if (this.status === 413) return `Your answer is too long: ${this.message}. Shorten it and send again.`;
    if (this.status === 429) {
      const wait = this.extra.retry_after ? ` Try again in ${this.extra.retry_after} s.` : " Wait a moment and try again.";
      return "Too many requests." + wait;
    }
    if (this.status >= 500) return `The server had a problem (${this.message}). Your text is kept; try again.`;
    return this.message + (this.hint ? ` (${this.hint})` : "");
  }
}

// Tokens -------------------------------------------------------------------------------------

function readStore() {
  try {
    const data = JSON.parse(localStorage.getItem(STORE_KEY) || "{}");
    return data && typeof data === "object" ? data : {};
  } catch {
    return {};
  }
}

function writeStore(data) {
  localStorage.setItem(STORE_KEY, JSON.stringify(data));
}

export function saveInterview(id, token, meta = {}) {
  const data = readStore();
  data[id] = { token, saved_at: new Date().toISOString(), ...meta };
  writeStore(data);
}

export function tokenFor(id) {
  const entry = readStore()[id];
  return entry ? entry.token : null;
}

export function knownInterviews() {
  return Object.entries(readStore())
    .map(([id, entry]) => ({ id, ...entry }))
    .sort((a, b) => String(b.saved_at).localeCompare(String(a.saved_at)));
}

export function forgetInterview(id) {
  const data = readStore();
  delete data[id];
  writeStore(data);
}

// Drafts: whatever is typed survives a reload, per interview and prompt.

function draftKey(id, promptKey) {
  return `viva.draft.${id}.${promptKey}`;
}

export function loadDraft(id, promptKey) {
  try {
    return localStorage.getItem(draftKey(id, promptKey)) || "";
  } catch {
    return "";
  }
}

export function saveDraft(id, promptKey, text) {
  try {
    if (text) localStorage.setItem(draftKey(id, promptKey), text);
    else localStorage.removeItem(draftKey(id, promptKey));
  } catch {
    /* storage full or disabled: the text stays in the box */
  }
}

export function clearDrafts(id) {
  const prefix = `viva.draft.${id}.`;
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const key = localStorage.key(i);
    if (key && key.startsWith(prefix)) localStorage.removeItem(key);
  }
}

// Requests -----------------------------------------------------------------------------------

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    /* not JSON: a proxy's page, or an empty body */
  }
  const err = body && body.error ? body.error : {};
  const { code, message, hint, ...extra } = err;
  return new ApiError(response.status, code || `http_${response.status}`, message || response.statusText || "request failed", hint, extra);
}

function headers(id, extra = {}) {
  const h = { Accept: "application/json", ...extra };
  const token = id ? tokenFor(id) : null;
  if (token) h.Authorization = `Bearer ${token}`;
  return h;
}

function unreachable(controller) {
  return controller.signal.aborted
    ? new ApiError(0, "timeout", "the server took too long to answer")
    : new ApiError(0, "network", "network error");
}

/**
 * The one way the pages call the server: fetch() with an optional timeout (or the caller's
 * controller); a network fault, a timeout or an error status becomes an ApiError.
 */
async function fetchOrThrow(path, init, { timeoutMs = null, controller = new AbortController() } = {}) {
  const timer = timeoutMs ? setTimeout(() => controller.abort(), timeoutMs) : null;
  let response;
  try {
    response = await fetch(path, { cache: "no-store", ...init, signal: controller.signal });
  } catch {
    throw unreachable(controller);
  } finally {
    if (timer) clearTimeout(timer);
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

// `extraHeaders`: profiles (issue 14) send their key as X-Viva-Profile (profile.js).
export async function request(method, path, { id = null, body, timeoutMs = 30000, extraHeaders = {} } = {}) {
  const response = await fetchOrThrow(path, {
    method,
    headers: headers(id, { ...extraHeaders, ...(body === undefined ? {} : { "Content-Type": "application/json" }) }),
    body: body === undefined ? undefined : JSON.stringify(body),
  }, { timeoutMs });
  return response.status === 204 ? null : response.json();
}

export const api = {
  info: () => request("GET", "/api/info"),
  topics: () => request("GET", "/api/topics"),
  create: (options) => request("POST", "/api/interviews", { body: options }),
  // The plan a job description gives, with its reasons; no interview is created.
  previewPlan: (options) => request("POST", "/api/plans/preview", { body: options }),
  view: (id) => request("GET", `/api/interviews/${encodeURIComponent(id)}`, { id }),
  transcript: (id) => request("GET", `/api/interviews/${encodeURIComponent(id)}/transcript.json`, { id }),
  // Several interviews in one call: [{id, token}] -> views with their overall score (unknown ids left out).
  lookup: (entries) => request("POST", "/api/interviews/lookup", { body: { interviews: entries.map(({ id, token }) => ({ id, token })) } }),
  // `turn`: the prompt this tab shows; the server refuses (409) a skip or finish for one it has moved past.
  skip: (id, turn) => request("POST", `/api/interviews/${encodeURIComponent(id)}/skip`, { id, body: { turn }, timeoutMs: 120000 }),
  finish: (id, turn) => request("POST", `/api/interviews/${encodeURIComponent(id)}/finish`, { id, body: { turn }, timeoutMs: 120000 }),
  // Practice mode, after a question's feedback: the same question again, or the next one.
  retry: (id) => request("POST", `/api/interviews/${encodeURIComponent(id)}/retry`, { id, body: {}, timeoutMs: 30000 }),
  next: (id) => request("POST", `/api/interviews/${encodeURIComponent(id)}/next`, { id, body: {}, timeoutMs: 30000 }),
  // Code questions: run the examples, or submit to the hidden tests (runs queue on a busy server).
  runCode: (id, code, turn) => request("POST", `/api/interviews/${encodeURIComponent(id)}/code/run`, { id, body: { code, turn }, timeoutMs: 180000 }),
  submitCode: (id, code, turn) => request("POST", `/api/interviews/${encodeURIComponent(id)}/code/submit`, { id, body: { code, turn }, timeoutMs: 180000 }),
  // Voice: whether the server transcribes recordings, and a recording's transcript (not submitted).
  speech: () => request("GET", "/api/speech"),
  transcribe: async (id, blob, turn) => {
    const response = await fetchOrThrow(`/api/interviews/${encodeURIComponent(id)}/speech?turn=${encodeURIComponent(turn)}`, {
      method: "POST", headers: headers(id, { "Content-Type": blob.type || "audio/webm" }), body: blob,
    }, { timeoutMs: 120000 });
    return response.json();
  },
};

/**
 * POST an answer to the streaming endpoint and read its Server-Sent Events.
 * Calls onDelta(text) for each chunk; resolves with the TurnReply; rejects with ApiError.
 * EventSource cannot POST or send headers, so the stream is parsed from fetch's body.
 */
export async function streamAnswer(id, text, { onDelta = () => {}, idleTimeoutMs = 90000, turn, code, spoken } = {}) {
  const controller = new AbortController();
  let idle = setTimeout(() => controller.abort(), idleTimeoutMs);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(), idleTimeoutMs);
  };
  let response;
  try {
    response = await fetchOrThrow(`/api/interviews/${encodeURIComponent(id)}/answers/stream`, {
      method: "POST",
      headers: headers(id, { "Content-Type": "application/json", Accept: "text/event-stream" }),
      // The turn this tab is showing: the server refuses (409) an answer for a prompt that has moved on.
      // `code` (code questions): run against the hidden tests before the explanation is graded;
      // `spoken` (voice): {seconds} when the answer's words came from a recording.
      body: JSON.stringify({ text, ...(turn === undefined ? {} : { turn }), ...(code === undefined ? {} : { code }), ...(spoken ? { spoken } : {}) }),
    }, { controller });
  } catch (e) {
    clearTimeout(idle);
    throw e;
  }
  // Read the body itself (no pipe): a pipe can cancel its source once its own end is read, which
  // the browser reports as an aborted request.
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let reply = null;
  let ended = false;
  try {
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch {
        if (reply) return reply; // the reply is whole; only the stream's end went missing
        throw new ApiError(0, controller.signal.aborted ? "timeout" : "network",
          controller.signal.aborted ? "the reply stopped arriving" : "the connection dropped mid-reply");
      }
      // The server ends the stream right after the reply: read to its end rather than cancel the
      // request, which the browser would report as a failed (aborted) request.
      if (chunk.done) {
        ended = true;
        if (reply) return reply;
        break;
      }
      touch();
      buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n");
      let split;
      while ((split = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, split);
        buffer = buffer.slice(split + 2);
        const event = parseEvent(block);
        if (!event) continue;
        if (event.type === "delta") onDelta(JSON.parse(event.data).text || "");
        else if (event.type === "reply") {
          reply = JSON.parse(event.data);
          clearTimeout(idle);
          idle = setTimeout(() => controller.abort(), 3000);
        }
        else if (event.type === "error") {
          const err = JSON.parse(event.data).error || {};
          const { code, message, hint, status, ...extra } = err;
          throw new ApiError(status || 500, code || "error", message || "the reply failed", hint, extra);
        }
      }
    }
  } finally {
    clearTimeout(idle);
    if (!ended) reader.cancel().catch(() => {}); // leaving early: stop the download
    else reader.releaseLock();
  }
  throw new ApiError(0, "incomplete", "the reply ended before it was complete");
}

function parseEvent(block) {
  let type = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") type = value;
    else if (field === "data") data.push(value);
  }
  if (!data.length) return null;
  return { type, data: data.join("\n") };
}

// Downloads ----------------------------------------------------------------------------------

const FORMATS = {
  json: { path: "transcript.json", ext: "json" },
  md: { path: "transcript.md", ext: "md" },
  pdf: { path: "transcript.pdf", ext: "pdf" },
};

export function downloadName(id, format, createdAt) {
  const day = (createdAt || new Date().toISOString()).slice(0, 10);
  return `viva-interview-${day}-${id.slice(0, 8)}.${FORMATS[format].ext}`;
}

/** Fetch a transcript with the token and hand it to the browser as a file. */
export async function download(id, format, createdAt) {
  const spec = FORMATS[format];
  const response = await fetchOrThrow(`/api/interviews/${encodeURIComponent(id)}/${spec.path}`, { headers: headers(id, { Accept: "*/*" }) });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = downloadName(id, format, createdAt);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
