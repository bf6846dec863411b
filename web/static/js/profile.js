// The practice profile of this browser (issue 14): its key lives in localStorage and travels only in
// the X-Viva-Profile header. The first interview makes it; the progress page moves, exports or deletes it.
// With accounts on (VIVA_ACCOUNTS=on) and signed in, the session cookie opens the profile instead, and
// every change carries the session's CSRF token.
import { request, saveInterview, knownInterviews, forgetInterview, clearDrafts } from "./api.js";

const PROFILE_KEY = "viva.profile";

export function profileKey() {
  try {
    const stored = JSON.parse(localStorage.getItem(PROFILE_KEY) || "null");
    return stored && typeof stored.key === "string" ? stored.key : null;
  } catch {
    return null;
  }
}

export function profileId() {
  const key = profileKey();
  return key ? key.split(".")[0] : null;
}

/** The id of the profile in use: the signed-in account's, else this browser's key's. */
export function currentProfileId() {
  return signedIn() ? signedIn().profile_id : profileId();
}

function keep(created) {
  localStorage.setItem(PROFILE_KEY, JSON.stringify({ key: created.key, saved_at: new Date().toISOString() }));
}

/** This browser's profile key, made now if it has none. */
export async function ensureProfile() {
  const key = profileKey();
  if (key) return key;
  const created = await request("POST", "/api/profiles", { body: {} });
  keep(created);
  return created.key;
}

// Accounts: undefined until asked; then {enabled, session: {username, profile_id, csrf} | null}.
let account;

export async function accountState() {
  if (account === undefined) {
    try {
      const state = await request("GET", "/api/session");
      account = { enabled: state.accounts, session: state.signed_in ? state : null };
    } catch {
      account = { enabled: false, session: null };  // unknown: carry on with the browser's key
    }
  }
  return account;
}

function signedIn() {
  return account && account.session ? account.session : null;
}

// The credentials of a profile request: the session's CSRF token when signed in, else the key.
const withKey = () => (signedIn() ? { "X-Viva-CSRF": signedIn().csrf } : { "X-Viva-Profile": profileKey() || "" });

/** True when this browser can open a profile (a key, or a signed-in account). */
export async function hasProfile() {
  await accountState();
  return Boolean(signedIn() || profileKey());
}

export const accounts = {
  async register(username, password) {
    // The browser's profile, if any, goes to the new account (its key stops working: dropped here).
    const key = profileKey();
    const session = await request("POST", "/api/accounts", { body: { username, password }, extraHeaders: key ? { "X-Viva-Profile": key } : {} });
    localStorage.removeItem(PROFILE_KEY);
    account = { enabled: true, session };
    return session;
  },
  async signIn(username, password) {
    const session = await request("POST", "/api/session", { body: { username, password } });
    account = { enabled: true, session };
    return session;
  },
  async signOut() {
    if (signedIn()) await request("DELETE", "/api/session", { extraHeaders: withKey() });
    account = { enabled: true, session: null };
  },
};

/** POST /api/interviews for this browser's profile (made first when there is none). A key the server no
 * longer knows (the profile was deleted elsewhere) is dropped and a new profile made. */
export async function createInterview(options) {
  await accountState();
  if (signedIn()) return request("POST", "/api/interviews", { body: options, extraHeaders: withKey() });
  await ensureProfile();
  try {
    return await request("POST", "/api/interviews", { body: options, extraHeaders: withKey() });
  } catch (e) {
    if (e.status !== 404 || e.code !== "not_found" || options.review) throw e;
    localStorage.removeItem(PROFILE_KEY);
    await ensureProfile();
    return request("POST", "/api/interviews", { body: options, extraHeaders: withKey() });
  }
}

/** Start an interview (a review, or a topic) and open it. */
export async function startInterview(options) {
  const created = await createInterview(options);
  saveInterview(created.id, created.token, { profile: currentProfileId(), created_at: created.created_at });
  window.location.assign(`/interview/${encodeURIComponent(created.id)}`);
}

export const profileApi = {
  progress: () => request("GET", "/api/profile/progress", { extraHeaders: withKey() }),
  review: () => request("GET", "/api/profile/review", { extraHeaders: withKey() }),
  exportAll: () => request("GET", "/api/profile/export", { extraHeaders: withKey(), timeoutMs: 120000 }),
  deviceCode: () => request("POST", "/api/profile/device-code", { body: {}, extraHeaders: withKey() }),
  async redeem(code) {
    const created = await request("POST", "/api/profiles/redeem", { body: { code } });
    keep(created);
    return created;
  },
  async remove() {
    const id = signedIn() ? signedIn().profile_id : profileId();
    const deleted = await request("DELETE", "/api/profile", { extraHeaders: withKey() });
    forgetProfile(id);
    if (signedIn()) account = { enabled: true, session: null };  // the account went with its profile
    return deleted;
  },
};

/** Drop the profile's key and its interviews' keys from this browser. */
export function forgetProfile(id) {
  localStorage.removeItem(PROFILE_KEY);
  for (const entry of knownInterviews()) {
    if (entry.profile === id) {
      forgetInterview(entry.id);
      clearDrafts(entry.id);
    }
  }
}
