// The progress page (issue 14): figures and the score-per-topic chart of this browser's practice profile,
// the review buttons, and the profile's export, move to another device and deletion.
import { ApiError } from "./api.js";
import { $, h, notice, score, band, formatDate, confirmDialog } from "./dom.js";
import { accountState, accounts, hasProfile, profileApi, profileKey, startInterview } from "./profile.js";

const statusBox = $("#status");
let progress = null;

const describe = (e) => (e.describe ? e.describe() : String(e.message || e));

/** One row per topic: its scores as columns (oldest first), then the latest score. HTML, like chart.js. */
function topicChart(topics) {
  if (!topics.length) return h("p", { class: "muted" }, "No question finished yet.");
  return h("ul", { class: "trend-list" }, topics.map((topic) => {
    const columns = topic.sessions.map((s) => {
      const fill = h("span", { class: `trend-fill band-${band(s.score)}` });
      fill.style.height = `${(100 * Math.min(5, Math.max(0, s.score))) / 5}%`;
      return h("li", { class: "trend-col", title: `${formatDate(s.at)}: ${score(s.score)} / 5` },
        fill, h("span", { class: "sr-only" }, `${formatDate(s.at)}: ${score(s.score)} out of 5`));
    });
    const change = topic.sessions.length > 1 ? topic.latest - topic.first : null;
    return h("li", { class: "trend-row", "data-topic": topic.topic_id },
      h("span", { class: "trend-label" }, topic.title),
      h("ol", { class: "trend-cols", "aria-label": `${topic.title}, score per interview` }, columns),
      h("span", { class: "trend-value" }, `${score(topic.latest)}`,
        change === null ? null : h("span", { class: `trend-change ${change >= 0 ? "up" : "down"}` },
          ` (${change >= 0 ? "+" : "−"}${score(Math.abs(change))})`)));
  }));
}

function weakList(queue, titles) {
  const items = [...queue.due, ...queue.later].filter((i) => i.weak);
  if (!items.length) return [h("li", { class: "muted" }, "Nothing: every point you missed has been met since.")];
  return items.map((i) => h("li", { "data-point": i.point_id },
    h("strong", {}, titles[i.topic_id] || i.topic_id), " · ", i.text,
    h("span", { class: "muted" }, i.last_verdict === "contradicted" ? " (you stated a misconception)" : ""),
    h("span", { class: "muted" }, queue.due.includes(i) ? " · due now" : ` · due ${formatDate(i.due)}`)));
}

function render(p, queue) {
  $("#progress").hidden = false;
  $("#profile-actions").hidden = false;
  $("#stat-interviews").textContent = String(p.interviews);
  $("#stat-seen").textContent = String(p.questions_seen);
  $("#stat-seen-label").textContent = `questions seen of ${p.questions_in_bank}`;
  $("#stat-mastered").textContent = String(p.key_points.mastered);
  $("#stat-missed").textContent = String(p.key_points.still_missed);
  $("#stat-streak").textContent = String(p.streaks.current);
  $("#stat-streak-label").textContent = `days in a row (longest ${p.streaks.longest}, ${p.streaks.days_practised} in all)`;
  $("#topic-chart").replaceChildren(topicChart(p.topics));
  const titles = Object.fromEntries(p.topics.map((t) => [t.topic_id, t.title]));
  $("#weak-points").replaceChildren(...weakList(queue, titles));
  const reviewButton = $("#review-button");
  reviewButton.disabled = p.due_now === 0;
  reviewButton.textContent = p.due_now ? `Review due points (${p.due_now})` : "Review due points";
  $("#review-text").textContent = p.due_now
    ? `${p.due_now} key point${p.due_now === 1 ? " is" : "s are"} due for review.`
    : p.next_due ? `Nothing is due now; the next point is due ${formatDate(p.next_due)}.` : "Nothing to review yet.";
  const weakest = p.weakest_topic;
  const weakestButton = $("#weakest-button");
  weakestButton.hidden = !weakest;
  if (weakest) weakestButton.textContent = `Practise weakest topic: ${weakest.title} (${score(weakest.score)})`;
}

async function renderAccount() {
  const state = await accountState();
  $("#account").hidden = !state.enabled;
  if (!state.enabled) return;
  const session = state.session;
  $("#account-form").hidden = Boolean(session);
  $("#sign-out-button").hidden = !session;
  $("#account-status").textContent = session
    ? `Signed in as ${session.username}: your profile is kept with your account.`
    : profileKey()
      ? "Create an account to keep this browser's profile with a username and password, or sign in to yours."
      : "Sign in to reach your profile from any browser.";
  // Moving by code is for profiles without an account: an account moves by signing in.
  $("#code-button").hidden = Boolean(session);
}

async function load() {
  await renderAccount();
  const held = await hasProfile();
  $("#no-profile").hidden = held;
  if (!held) {
    $("#progress").hidden = true;
    $("#profile-actions").hidden = true;
    return;
  }
  try {
    const [p, queue] = await Promise.all([profileApi.progress(), profileApi.review()]);
    progress = p;
    render(p, queue);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      notice(statusBox, "This browser's profile is no longer on the server (it was deleted, perhaps on another device).", "warn");
      $("#no-profile").hidden = false;
      return;
    }
    notice(statusBox, `Could not load your progress: ${describe(e)}`, "error");
  }
}

async function start(options, button) {
  button.disabled = true;
  try {
    await startInterview({ max_follow_ups: 1, feedback: "per_answer", ...options });
  } catch (e) {
    // A topic with nothing left to review is practised as a fresh interview on that topic.
    if (e instanceof ApiError && e.status === 422 && options.topics) {
      await startInterview({ topics: options.topics, questions_per_topic: 2 }).catch((again) => notice(statusBox, describe(again), "error"));
    } else {
      notice(statusBox, describe(e), "error");
    }
    button.disabled = false;
  }
}

$("#review-button").addEventListener("click", (ev) => start({ review: true }, ev.currentTarget));
$("#weakest-button").addEventListener("click", (ev) => {
  if (progress && progress.weakest_topic) start({ review: true, topics: [progress.weakest_topic.topic_id] }, ev.currentTarget);
});

$("#export-button").addEventListener("click", async () => {
  try {
    const data = await profileApi.exportAll();
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
    const a = h("a", { href: url, download: `viva-profile-${new Date().toISOString().slice(0, 10)}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) {
    notice(statusBox, `The export failed: ${describe(e)}`, "error");
  }
});

$("#code-button").addEventListener("click", async () => {
  try {
    const made = await profileApi.deviceCode();
    const box = $("#device-code");
    box.replaceChildren("On the other device, open Progress and enter ", h("strong", { class: "code", id: "device-code-value" }, made.code),
      ` before ${new Date(made.expires_at).toLocaleTimeString()}. It works once.`);
    box.hidden = false;
  } catch (e) {
    notice(statusBox, describe(e), "error");
  }
});

$("#redeem-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const code = $("#redeem-code").value.trim();
  if (!code) {
    notice(statusBox, "Enter the code shown on the other device.", "error");
    return;
  }
  if (profileKey()) {
    const ok = await confirmDialog({ title: "Replace this browser's profile?", body: "This browser then follows the other device's profile. Its own profile stays on the server; export it first if you want to keep a copy.", confirm: "Use the code" });
    if (!ok) return;
  }
  try {
    await profileApi.redeem(code);
    $("#redeem-code").value = "";
    notice(statusBox, "This browser now holds the profile.", "info");
    await load();
  } catch (e) {
    notice(statusBox, describe(e), "error");
  }
});

$("#delete-button").addEventListener("click", async () => {
  const ok = await confirmDialog({ title: "Delete your profile?", body: "Every interview, answer, grade and review point it holds is deleted from the server, on every device. This cannot be undone.", confirm: "Delete everything" });
  if (!ok) return;
  try {
    const deleted = await profileApi.remove();
    notice(statusBox, `Deleted the profile and its ${deleted.interviews} interview${deleted.interviews === 1 ? "" : "s"}.`, "info");
    $("#device-code").hidden = true;
    await load();
  } catch (e) {
    notice(statusBox, `The deletion failed: ${describe(e)}`, "error");
  }
});

$("#account-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const register = event.submitter && event.submitter.value === "register";
  const username = $("#account-username").value.trim();
  const password = $("#account-password").value;
  try {
    if (register) await accounts.register(username, password);
    else await accounts.signIn(username, password);
    $("#account-password").value = "";
    notice(statusBox, register ? "Account created; your profile is kept with it." : "Signed in.", "info");
    await load();
  } catch (e) {
    notice(statusBox, describe(e), "error");
  }
});

$("#sign-out-button").addEventListener("click", async () => {
  try {
    await accounts.signOut();
    notice(statusBox, "Signed out.", "info");
    await load();
  } catch (e) {
    notice(statusBox, describe(e), "error");
  }
});

load();
