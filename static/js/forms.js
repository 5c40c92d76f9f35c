// Progressive enhancement of the answer and photo forms: what is entered goes to the outbox
// first, then to the API. Without JavaScript (or IndexedDB) the forms post as usual.

import { add, entries, flush, get, remove } from "./outbox.js";
import { downscale } from "./downscale.js";
import { captureInfo } from "./exif.js";
import { ready, t } from "./words.js";

const ANSWER_FORMS = "form[data-answer-form]";
const PHOTO_FORMS = "form[data-photo-upload]";

// The answer form's own fields, as the HTML form would post them; the API reads them with the
// same code as the form (runs/answers.py). A repeated field (ticked "missing" phrases) is a list.
function fields(data) {
  const body = {};
  for (const [name, value] of data.entries()) {
    if (name === "csrf_token" || name === "client_uuid" || typeof value !== "string") continue;
    body[name] = name in body ? [].concat(body[name], value) : value;
  }
  return body;
}

function question() {
  const heading = document.getElementById("question") || document.querySelector("h1");
  return heading ? heading.textContent.trim() : "";
}

function notice(form, className, text) {
  let box = form.previousElementSibling;
  if (!box || !box.classList.contains("outbox-mark")) {
    box = document.createElement("div");
    box.setAttribute("role", "status");
    form.before(box);
  }
  box.className = `outbox-mark ${className}`;
  const p = document.createElement("p");
  p.textContent = text;
  box.replaceChildren(p);
  const next = document.querySelector('a[rel="next"]');
  if (className === "is-waiting" && next) {
    const link = document.createElement("a");
    link.className = "button primary big block";
    link.href = next.href;
    link.textContent = t("next");
    box.append(link);
  }
  return box;
}

function pressed(form, submitter) {
  if (!submitter || !submitter.hasAttribute("aria-pressed")) return;
  for (const button of form.querySelectorAll("button[aria-pressed]")) {
    button.setAttribute("aria-pressed", String(button === submitter));
  }
}

async function submitAnswer(form, submitter) {
  await ready;
  const data = new FormData(form);
  if (submitter && submitter.name) data.append(submitter.name, submitter.value);
  const itemId = Number(form.dataset.itemId);
  // given_at: when it was given, by this phone's clock; it may reach the server much later.
  const body = { ...fields(data), item_id: itemId, given_at: new Date().toISOString() };
  form.setAttribute("aria-busy", "true");
  const entry = await add({ kind: "answer", runId: Number(form.dataset.runId), itemId, body,
                            label: question(), page: location.pathname });
  pressed(form, submitter);
  await flush();
  form.removeAttribute("aria-busy");
  const left = await get(entry.uuid);
  if (!left) {
    // Stored: show the verdict, as the server's redirect after a plain post would.
    location.assign(`${form.action.split("?")[0]}?saved=1`);
  } else if (left.status === "waiting") {
    notice(form, "is-waiting", t("waitingMark")).querySelector("a")?.focus();
  } else {
    // Refused at once (e.g. not a valid value): say why here; nothing stays in the outbox,
    // and the indicator must not say "All sent" about it.
    refused();
    await remove(entry.uuid);
    notice(form, "is-error", left.message || t("server"));
  }
}

// Photos: "run 3, item 12" from the form's action /runs/3/items/12/photos.
function photoTarget(form) {
  const m = new URL(form.action, location.href).pathname.match(/\/runs\/(\d+)\/items\/(\d+)\//);
  return m ? { runId: Number(m[1]), itemId: Number(m[2]) } : null;
}

function previews(form, blobs, text, className = "") {
  const status = form.querySelector(".photo-status");
  if (!status) return;
  status.hidden = false;
  status.className = `photo-status ${className}`;
  const nodes = blobs.map((blob) => {
    const img = document.createElement("img");
    img.className = "photo-preview";
    img.alt = "";
    img.src = URL.createObjectURL(blob);
    img.addEventListener("load", () => URL.revokeObjectURL(img.src), { once: true });
    return img;
  });
  const p = document.createElement("p");
  p.textContent = text;
  status.replaceChildren(...nodes, p);
}

// Which button a file came from: the one that opens the camera, or the gallery's.
function picked(input) {
  const source = input.hasAttribute("capture") ? "camera" : "gallery";
  return [...input.files].map((file) => ({ file, source }));
}

async function sendPhotos(form, picks) {
  const target = photoTarget(form);
  if (!target || !picks.length) return;
  await ready;
  form.setAttribute("aria-busy", "true");
  const added = [];
  for (const { file, source } of picks) {
    const { takenAt } = await captureInfo(file, source); // before shrinking drops the EXIF
    const shrunk = await downscale(file);
    added.push(await add({ kind: "photo", ...target, blob: shrunk.blob, filename: shrunk.name,
                           takenAt, source, label: question(), page: location.pathname }));
  }
  previews(form, added.map((e) => e.blob), t("sending"));
  await flush();
  form.removeAttribute("aria-busy");
  const left = (await Promise.all(added.map((e) => get(e.uuid)))).filter(Boolean);
  if (!left.length) {
    location.reload(); // show them in the grid, as after a plain post
    return;
  }
  const turnedDown = left.filter((e) => e.status !== "waiting");
  if (turnedDown.length) refused();
  for (const e of turnedDown) await remove(e.uuid);
  if (turnedDown.length) previews(form, [], turnedDown[0].message || t("server"), "is-error");
  else previews(form, left.map((e) => e.blob), t("photoWaiting"), "is-waiting");
}

// Tell the indicator (static/js/indicator.js) that the server turned something down.
function refused() {
  window.dispatchEvent(new CustomEvent("outbox:change", { detail: { refused: true } }));
}

// Called synchronously at start-up, before the evidence area's photos.js runs: from here on
// this script sends the photo forms (through the outbox), so that one skips them.
export function claimPhotoForms() {
  const forms = [...document.querySelectorAll(`${PHOTO_FORMS}:not([data-photo-ready])`)];
  for (const form of forms) form.dataset.photoReady = "outbox";
  return forms;
}

export function releasePhotoForms(forms) {
  for (const form of forms) delete form.dataset.photoReady;
}

export function enhance(photoForms) {
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches(ANSWER_FORMS)) {
      event.preventDefault();
      submitAnswer(form, event.submitter);
    } else if (form.dataset.photoReady === "outbox") {
      event.preventDefault();
      sendPhotos(form, [...form.querySelectorAll('input[type="file"]')].flatMap(picked));
    }
  });
  for (const form of photoForms) {
    // The "Send the photo" button and its hint: photos go as soon as they are taken.
    form.querySelectorAll("[data-photo-submit], [data-photo-hint]").forEach((el) => { el.hidden = true; });
    for (const input of form.querySelectorAll('input[type="file"]')) {
      const takeFiles = () => {
        const picks = picked(input);
        input.value = "";
        if (picks.length) sendPhotos(form, picks);
      };
      input.addEventListener("change", takeFiles);
      // A photo taken while this page was still starting up: its change event came too early.
      if (input.files.length) takeFiles();
    }
  }
}

// Show on this page what waits in the outbox: answered items and photos not sent yet.
export async function markPage() {
  await ready;
  const waiting = (await entries()).filter((e) => e.status !== "done");
  document.querySelectorAll(".outbox-badge").forEach((el) => el.remove());
  for (const form of document.querySelectorAll(ANSWER_FORMS)) {
    const mine = waiting.filter((e) => e.kind === "answer" && e.runId === Number(form.dataset.runId)
                                       && e.itemId === Number(form.dataset.itemId));
    const box = form.previousElementSibling;
    const last = mine[mine.length - 1];
    if (last && last.status === "waiting") notice(form, "is-waiting", t("waitingMark"));
    else if (last) notice(form, "is-error", `${t(last.status === "conflict" ? "statusConflict" : "statusFailed")}. ${last.message}`);
    else if (box && box.classList.contains("outbox-mark") && box.classList.contains("is-waiting")) box.remove();
  }
  for (const form of document.querySelectorAll(PHOTO_FORMS)) {
    const target = photoTarget(form);
    const mine = waiting.filter((e) => e.kind === "photo" && target && e.runId === target.runId
                                       && e.itemId === target.itemId);
    if (mine.length && !form.hasAttribute("aria-busy")) {
      previews(form, mine.map((e) => e.blob), t("photoWaiting"), "is-waiting");
    }
  }
  const answered = new Set(waiting.filter((e) => e.kind === "answer").map((e) => `/runs/${e.runId}/items/${e.itemId}`));
  for (const link of document.querySelectorAll("a[href]:not(.button)")) {
    if (link.origin !== location.origin || !answered.has(link.pathname)) continue;
    const badge = document.createElement("span");
    badge.className = "badge outbox-badge";
    badge.textContent = t("statusWaiting");
    link.append(" ", badge);
  }
}
