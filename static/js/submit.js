// Sending the run goes through the outbox like the answers: without network it is kept on this
// phone and sent when the network is back, after the run's answers and photos, exactly once
// (one outbox entry per run, one client UUID the server recognises when it is sent again).
// Without JavaScript (or IndexedDB) the form posts as usual.

import { add, entries, flush, get, remove } from "./outbox.js";

const FORMS = "form[data-submit-form]";

function say(form, text, className) {
  let box = form.previousElementSibling;
  if (!box || !box.classList.contains("submit-mark")) {
    box = document.createElement("div");
    box.setAttribute("role", "status");
    form.before(box);
  }
  box.className = `outbox-mark submit-mark ${className}`;
  const p = document.createElement("p");
  p.textContent = text;
  box.replaceChildren(p);
  return box;
}

// Sent (now, or since this page was shown): the page says so, as the run's page does after a plain post.
function sent(form) {
  form.dataset.state = "sent";
  form.hidden = true;
  const problems = document.querySelector("[data-submit-problems]");
  if (problems) problems.hidden = true;
  const link = document.createElement("a");
  link.className = "button primary block";
  link.href = form.dataset.done;
  link.textContent = form.dataset.doneLabel;
  say(form, form.dataset.sent, "is-sent").append(link);
}

async function queued(runId) {
  return (await entries()).find((e) => e.kind === "submit" && e.runId === runId);
}

function show(form, entry) {
  form.hidden = entry.status === "waiting";
  form.dataset.state = entry.status;
  if (entry.status === "waiting") say(form, form.dataset.queued, "is-waiting");
  else say(form, `${form.dataset.failed} ${entry.message || ""}`.trim(), "is-error");
}

async function send(form, submitter) {
  const runId = Number(form.dataset.runId);
  const data = new FormData(form);
  const score = String(data.get("recommend_score") ?? "");
  const feelings = {};
  for (const [name, value] of data.entries()) {
    if (name.startsWith("feeling_") && /^[1-5]$/.test(String(value))) feelings[name.slice(8)] = Number(value);
  }
  const body = { recommend_score: /^(10|[0-9])$/.test(score) ? Number(score) : null,
                 comment: String(data.get("comment") || "").trim(), feelings,
                 annoyance: String(data.get("annoyance") || "").trim(),
                 annoyance_stage: String(data.get("annoyance_stage") || "") || null };
  const earlier = await queued(runId); // tapping "Send" again replaces it: still one submit
  if (submitter) submitter.disabled = true;
  form.setAttribute("aria-busy", "true");
  const entry = await add({ kind: "submit", uuid: earlier && earlier.uuid, runId, body,
                            label: form.dataset.title, page: location.pathname });
  await flush();
  form.removeAttribute("aria-busy");
  if (submitter) submitter.disabled = false;
  const left = await get(entry.uuid);
  if (!left) {
    sent(form);
  } else if (left.status === "waiting") {
    show(form, left);
  } else {
    // Refused at once (e.g. an item still needs an answer): say why here; nothing stays queued.
    window.dispatchEvent(new CustomEvent("outbox:change", { detail: { refused: true } }));
    await remove(entry.uuid);
    show(form, left);
  }
}

export function enhanceSubmit() {
  document.addEventListener("submit", (event) => {
    if (!event.target.matches(FORMS)) return;
    event.preventDefault();
    send(event.target, event.submitter);
  });
}

// The copy of the page kept for offline use may list items as unanswered that were answered on
// this phone since (their answer or photo waits in the outbox): those are done. Returns how many
// are left.
function openProblems(runId, all) {
  const section = document.querySelector("[data-submit-problems]");
  if (!section) return 0;
  let left = 0;
  for (const problem of section.querySelectorAll("[data-item-id]")) {
    const kind = problem.dataset.problem === "photo_missing" ? "photo" : "answer";
    problem.hidden = all.some((e) => e.kind === kind && e.runId === runId && e.status === "waiting"
                                     && e.itemId === Number(problem.dataset.itemId));
    if (!problem.hidden) left += 1;
  }
  section.hidden = left === 0;
  return left;
}

// What the outbox holds for this page's run: kept, refused, or sent since the page was shown.
export async function markSubmit() {
  const all = await entries();
  for (const form of document.querySelectorAll(FORMS)) {
    if (form.hasAttribute("aria-busy") || form.dataset.state === "sent") continue;
    const runId = Number(form.dataset.runId);
    const left = openProblems(runId, all);
    const entry = all.find((e) => e.kind === "submit" && e.runId === runId);
    if (entry) {
      show(form, entry);
    } else if (form.dataset.state === "waiting") {
      sent(form);
    } else if (!form.dataset.state) {
      form.hidden = left > 0;
    }
  }
}
