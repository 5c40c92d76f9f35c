// The outbox: answers, photos and the run's submit kept in IndexedDB until the server has them,
// sent in order. Every entry carries its own client UUID, so sending it again is harmless: the
// server answers 200 with what it stored the first time. An entry leaves the outbox only once the
// server confirmed it (201/200), or when the person deletes it. A run's submit waits until every
// other entry of that run has left the outbox, so it always goes after them.

const DB_NAME = "checkapp-outbox";
const STORE = "entries";
const TIMEOUT = { answer: 20000, photo: 60000, submit: 20000 };
const PATHS = { answer: "answers", photo: "photos", submit: "submit" };
// A token the server took (or gave) this recently is still good: no need to ask for a new one.
const TOKEN_TRUSTED_MS = 5 * 60 * 1000;
let dbPromise = null;
let lastCreated = 0;
let flushing = null;
let again = false;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      if (!("indexedDB" in window)) throw new Error("no IndexedDB");
      const open = indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore(STORE, { keyPath: "uuid" }).createIndex("created", "created");
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    dbPromise.catch(() => { dbPromise = null; });
  }
  return dbPromise;
}

async function store(mode) {
  return (await openDb()).transaction(STORE, mode).objectStore(STORE);
}

export async function available() {
  try {
    await openDb();
    return true;
  } catch {
    return false;
  }
}

export async function entries() {
  return request((await store("readonly")).index("created").getAll());
}

export async function get(uuid) {
  return request((await store("readonly")).get(uuid));
}

async function put(entry) {
  await request((await store("readwrite")).put(entry));
  changed();
}

export async function remove(uuid) {
  await request((await store("readwrite")).delete(uuid));
  changed();
}

function changed(extra = {}) {
  window.dispatchEvent(new CustomEvent("outbox:change", { detail: extra }));
}

export function newUuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// Keep an answer, a photo or a submit on the phone. `fields`: kind ("answer" | "photo" | "submit"),
// runId, itemId, label, and body (the JSON of an answer or a submit) or blob, takenAt and source
// (a photo). The same uuid again replaces that entry.
export async function add(fields) {
  lastCreated = Math.max(Date.now(), lastCreated + 1);
  const uuid = fields.uuid || newUuid();
  const entry = { ...fields, uuid, created: lastCreated, status: "waiting", message: "", tries: 0 };
  if (entry.body) entry.body = { ...entry.body, client_uuid: uuid };
  await put(entry);
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  return entry;
}

let token = null;
let tokenConfirmed = null; // performance.now() when the server last took or gave the token

function csrfToken() {
  if (token) return token;
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

async function freshToken() {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT.answer);
  try {
    const response = await fetch("/api/v1/csrf-token", { credentials: "same-origin", cache: "no-store",
                                                         signal: abort.signal });
    if (response.ok) {
      token = (await response.json()).csrf_token;
      tokenConfirmed = performance.now();
    }
    return response.status;
  } finally {
    clearTimeout(timer);
  }
}

async function post(entry) {
  const url = `/api/v1/runs/${entry.runId}/${PATHS[entry.kind] || "answers"}`;
  const headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
  let body;
  if (entry.kind === "photo") {
    body = new FormData();
    body.append("client_uuid", entry.uuid);
    body.append("item_id", String(entry.itemId));
    if (entry.takenAt) body.append("taken_at", entry.takenAt);
    if (entry.source) body.append("source", entry.source);
    body.append("photo", entry.blob, entry.filename || "photo.jpg");
  } else {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(entry.body);
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT[entry.kind] || 20000);
  try {
    const response = await fetch(url, { method: "POST", headers, body, credentials: "same-origin",
                                        signal: abort.signal });
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    return { status: response.status, data };
  } catch {
    return { status: 0, data: null };
  } finally {
    clearTimeout(timer);
  }
}

// Transient: keep waiting and stop this round (no network, timeout, server trouble, signed out).
function transient(status) {
  return status === 0 || status === 401 || status === 408 || status === 429 || status >= 500;
}

async function sendOne(entry) {
  let result = await post(entry);
  if (result.status === 400 || result.status === 403) {
    // Most likely an expired CSRF token (the page came from the offline cache): renew it once.
    const renewed = await freshToken().catch(() => 0);
    if (renewed === 200) result = await post(entry);
  }
  // Any other answer from the server means it took the token (it checks it before anything else).
  if (result.status && result.status !== 400 && result.status !== 403) tokenConfirmed = performance.now();
  return result;
}

function tokenTrusted() {
  return tokenConfirmed !== null && performance.now() - tokenConfirmed < TOKEN_TRUSTED_MS;
}

// Send every waiting entry, oldest first. Returns {uuid: result} for what was tried.
// Asked again while sending ("Send now", back online): one more round follows this one.
export function flush() {
  if (flushing) {
    again = true;
    return flushing;
  }
  const run = () => doFlush().finally(() => {
    flushing = null;
    if (again) {
      again = false;
      flush();
    }
  });
  flushing = navigator.locks ? navigator.locks.request("checkapp-outbox", run) : run();
  return flushing;
}

// A submit waits while other entries of its run are in the outbox (waiting, or refused and
// waiting for the person to retry or delete them).
async function blocked(entry) {
  return entry.kind === "submit"
    && (await entries()).some((e) => e.runId === entry.runId && e.kind !== "submit");
}

async function doFlush() {
  const results = {};
  const held = new Set();
  let stopped = null;
  let waiting = await pending(results, held);
  if (!waiting.length) return results;
  changed({ sending: true });
  // The page may come from the offline cache, its CSRF token long expired: renew it first,
  // so the first send after a reconnection is not refused.
  const renewed = tokenTrusted() ? 200 : await freshToken().catch(() => 0);
  if (renewed === 0 || renewed === 401) {
    stopped = renewed;
    waiting = [];
  }
  while (waiting.length && stopped === null) {
    for (const entry of waiting) {
      if (await blocked(entry)) {
        held.add(entry.uuid);
        continue;
      }
      const result = await sendOne(entry);
      results[entry.uuid] = result;
      const fresh = await get(entry.uuid);
      if (!fresh) continue; // deleted meanwhile
      if (result.status === 200 || result.status === 201) {
        await remove(entry.uuid);
        held.clear(); // what it held back may go now
      } else if (transient(result.status)) {
        stopped = result.status;
        await put({ ...fresh, tries: fresh.tries + 1 });
        break;
      } else {
        const error = (result.data && result.data.error) || {};
        const stored = result.data && result.data.answer;
        await put({ ...fresh, status: result.status === 409 && stored ? "conflict" : "failed",
                    message: error.message || "", stored, httpStatus: result.status });
      }
    }
    waiting = await pending(results, held); // entries added while this round was sending
  }
  changed({ sending: false, stopped, done: stopped === null });
  return results;
}

async function pending(tried, held) {
  return (await entries()).filter((e) => e.status === "waiting" && !(e.uuid in tried) && !held.has(e.uuid));
}

// Put a failed entry back in the queue (the "Try again" button).
export async function retry(uuid) {
  const entry = await get(uuid);
  if (entry) await put({ ...entry, status: "waiting", message: "" });
  return flush();
}
