// The outbox indicator under the top bar, and the list on the outbox page.

import { entries, flush, remove, retry } from "./outbox.js";
import { ready, t, things } from "./words.js";

let sending = false;
// "All sent" only while it is true: set when a round of sending ends, cleared as soon as the
// server refused something (the entry stays as "attention", or the form says why and drops it).
let sentSome = false;
let signedOut = false;

export async function render() {
  const root = document.getElementById("outbox-status");
  if (!root) return;
  await ready;
  const all = await entries();
  const waiting = all.filter((e) => e.status === "waiting");
  const stuck = all.filter((e) => e.status !== "waiting");
  const count = (list, kind) => list.filter((e) => e.kind === kind).length;
  if (stuck.length) sentSome = false;
  let text = "";
  let state = "idle";
  if (sending) {
    text = t("sending");
    state = "sending";
  } else if (waiting.length) {
    const what = things(count(waiting, "answer"), count(waiting, "photo"), count(waiting, "submit"));
    text = signedOut ? t("signedOut") : t(navigator.onLine ? "waitingOnline" : "waitingOffline", { x: what });
    state = "waiting";
  } else if (stuck.length) {
    text = t("attention", { x: things(count(stuck, "answer"), count(stuck, "photo"), count(stuck, "submit")) });
    state = "attention";
  } else if (sentSome) {
    text = t("allSent");
    state = "sent";
  }
  root.dataset.state = state;
  const line = root.querySelector(".outbox-text");
  if (line.textContent !== text) line.textContent = text;
  root.querySelector(".outbox-actions").hidden = !(waiting.length || stuck.length) || sending;
  renderList(all);
}

function button(label, className, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `button ${className}`;
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

function renderList(all) {
  const list = document.querySelector("[data-outbox-list]");
  if (!list) return;
  if (!all.length) {
    const li = document.createElement("li");
    li.className = "card";
    li.textContent = t("empty");
    list.replaceChildren(li);
    return;
  }
  list.replaceChildren(...all.map((entry) => {
    const li = document.createElement("li");
    li.className = `card outbox-entry is-${entry.status}`;
    const text = document.createElement("div");
    const title = document.createElement("strong");
    const kind = { photo: "labelPhoto", submit: "labelSubmit" }[entry.kind] || "labelAnswer";
    title.textContent = `${t(kind)} · ${entry.label || ""}`;
    const status = document.createElement("p");
    status.className = "meta";
    status.textContent = t(`status${entry.status[0].toUpperCase()}${entry.status.slice(1)}`);
    text.append(title, status);
    if (entry.kind === "photo" && entry.blob) {
      const img = document.createElement("img");
      img.className = "photo-preview";
      img.alt = "";
      img.src = URL.createObjectURL(entry.blob);
      text.prepend(img);
    }
    let message = entry.message;
    if (entry.status === "conflict" && entry.stored) message = t("conflict", { s: entry.stored.gap_text || "" });
    if (message) {
      const p = document.createElement("p");
      p.className = "error";
      p.textContent = message;
      text.append(p);
    }
    const actions = document.createElement("div");
    actions.className = "row";
    if (entry.status === "failed") actions.append(button(t("retry"), "", () => retry(entry.uuid)));
    if (entry.status === "conflict" && entry.page) {
      const open = document.createElement("a");
      open.className = "button";
      open.href = entry.page;
      open.textContent = t("openItem");
      actions.append(open);
    }
    actions.append(button(t("delete"), "danger", () => {
      // A submit held back by this entry may go once it is deleted.
      if (window.confirm(t("deleteConfirm"))) remove(entry.uuid).then(() => flush());
    }));
    li.append(text, actions);
    return li;
  }));
}

export function listen(onChange) {
  window.addEventListener("outbox:change", (event) => {
    const detail = event.detail || {};
    if ("sending" in detail) sending = detail.sending;
    if (detail.refused) sentSome = false;
    else if (detail.done) { sentSome = true; signedOut = false; }
    if (detail.stopped === 401) signedOut = true;
    render();
    onChange(detail);
  });
  window.addEventListener("online", render);
  window.addEventListener("offline", render);
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-outbox-send]")) flush();
  });
}
