// Start-up on every page: the service worker, the outbox (forms, indicator, replays).

import { available, flush } from "./outbox.js";
import { claimPhotoForms, enhance, markPage, releasePhotoForms } from "./forms.js";
import { listen, render } from "./indicator.js";
import { enhanceSubmit, markSubmit } from "./submit.js";

const photoForms = claimPhotoForms(); // synchronously, before any other script sees them
let retryDelay = 1000;
let retryTimer = null;

function scheduleRetry(detail) {
  clearTimeout(retryTimer);
  if (detail.done) retryDelay = 1000;
  const stopped = detail.stopped ?? null; // 0 = no network: falsy, but a failure all the same
  if (stopped !== null && stopped !== 401 && navigator.onLine) {
    retryTimer = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }
}

function currentRunId() {
  const m = location.pathname.match(/^\/runs\/(\d+)\//);
  const form = document.querySelector("[data-run-id]");
  return m ? m[1] : form && form.dataset.runId;
}

// The photos this page links to: their viewer pages and files, so they open offline too.
function photoPages() {
  const urls = [];
  for (const link of document.querySelectorAll("a[data-photo-viewer]")) {
    urls.push(new URL(link.href).pathname);
    if (link.dataset.photoFile) urls.push(link.dataset.photoFile);
  }
  return urls;
}

// The pages of this run (every item, the list, the brief), the outbox and the photos shown, so the
// run can be performed offline.
async function runPages(runId) {
  const urls = new Set([location.pathname, "/outbox", ...photoPages()]);
  try {
    const response = await fetch(`/api/v1/runs/${runId}`, { credentials: "same-origin" });
    if (response.ok) {
      const run = await response.json();
      for (const item of run.items) if (item.url) urls.add(item.url);
      for (const url of Object.values(run.urls)) if (url) urls.add(url);
    }
  } catch {
    // offline: the worker keeps what it already has
  }
  return [...urls];
}

function warm(worker, urls) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    worker.postMessage({ type: "warm", urls }, [channel.port2]);
    setTimeout(resolve, 20000);
  });
}

// The active worker, also before it controls this page: `ready` resolves before clients.claim().
let activeWorker = null;

async function startWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    const registration = await navigator.serviceWorker.ready;
    activeWorker = registration.active;
    const runId = currentRunId();
    if (navigator.onLine && registration.active) {
      await warm(registration.active, runId ? await runPages(runId) : [location.pathname]);
    }
    document.documentElement.dataset.offlineReady = "1";
  } catch {
    // no service worker (private mode, old browser): pages simply need the network
  }
}

// On the offline page: the runs this phone can still show.
async function listOfflineRuns() {
  const list = document.querySelector("[data-offline-runs]");
  if (!list || !("caches" in window)) return;
  const items = [];
  for (const name of (await caches.keys()).filter((key) => key.startsWith("checkapp-pages-"))) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (!/^\/runs\/\d+\/perform$|^\/tester$/.test(path)) continue;
      const html = await (await cache.match(request)).text();
      const title = (html.match(/<h1[^>]*>([^<]*)<\/h1>/) || [])[1] || path;
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.className = "button block";
      link.href = path;
      link.textContent = new DOMParser().parseFromString(title, "text/html").body.textContent.trim();
      li.append(link);
      items.push(li);
    }
  }
  list.replaceChildren(...items);
}

async function start() {
  listOfflineRuns();
  if (!(await available())) {
    releasePhotoForms(photoForms); // the plain forms work without the outbox
    return;
  }
  enhance(photoForms);
  enhanceSubmit();
  listen((detail) => {
    markPage();
    markSubmit();
    scheduleRetry(detail);
  });
  window.addEventListener("online", () => flush());
  await Promise.all([render(), markPage(), markSubmit()]);
  if (navigator.onLine) flush();
}

// Logging out: the run pages kept for offline use go too (the outbox keeps what is not sent yet).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const worker = (navigator.serviceWorker && navigator.serviceWorker.controller) || activeWorker;
  if (worker && new URL(form.action, location.href).pathname === "/logout") {
    worker.postMessage({ type: "forget" });
  }
});

// Menus made of a <details data-menu> (the main menu's "More", the fix list's tools) also close with
// Escape or a tap elsewhere.
function closeMenus(except) {
  for (const menu of document.querySelectorAll("details[data-menu][open]")) {
    if (menu !== except) menu.open = false;
  }
}
document.addEventListener("click", (event) => closeMenus(event.target.closest("details[data-menu]")));
document.addEventListener("keydown", (event) => {
  const menu = event.key === "Escape" && document.querySelector("details[data-menu][open]");
  if (menu) {
    event.preventDefault(); // handled: other Escape listeners (the photo viewer) leave it alone
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});

start();
startWorker();
