// Stopwatch for duration items: start / lap / stop; survives a reload (localStorage per run+item);
// fills the answer form's `value` (seconds) and `laps` (comma-separated seconds) fields.
const fmt = (ms) => {
  const s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
};

function setup(box) {
  const form = box.closest("form");
  const $ = (sel) => box.querySelector(sel);
  const field = (sel) => form.querySelector(sel);
  const key = box.dataset.key;
  const time = $("[data-sw-time]"), list = $("[data-sw-laps]");
  const btn = (name) => $(`[data-sw="${name}"]`);
  const value = field("[data-sw-value]"), laps = field("[data-sw-laps-value]");
  const minutes = field("[data-sw-minutes]"), seconds = field("[data-sw-seconds]");
  let state = { start: null, elapsed: 0, laps: [] }, timer = null, typed = false;
  try { state = { ...state, ...JSON.parse(localStorage.getItem(key) || "{}") }; } catch (e) { /* ignore */ }

  const save = () => { try { localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* private mode */ } };
  const now = () => state.elapsed + (state.start ? Date.now() - state.start : 0);
  const running = () => state.start !== null;

  function fill() {
    const total = Math.round(now() / 1000);
    if (!total && !state.laps.length) return;
    value.value = String(total);
    laps.value = state.laps.map((ms) => Math.round(ms / 1000)).join(",");
    if (minutes) minutes.value = String(Math.floor(total / 60));
    if (seconds) seconds.value = String(total % 60);
  }

  function render() {
    time.textContent = fmt(now());
    btn("start").hidden = running();
    btn("stop").hidden = !running();
    btn("lap").disabled = !running();
    btn("start").textContent = state.elapsed ? box.dataset.resumeLabel : box.dataset.startLabel;
    list.replaceChildren(...state.laps.map((ms) => {
      const li = document.createElement("li");
      li.textContent = fmt(ms);
      return li;
    }));
  }

  function tick() {
    clearInterval(timer);
    timer = running() ? setInterval(() => { time.textContent = fmt(now()); }, 250) : null;
    render();
  }

  btn("start").addEventListener("click", () => { state.start = Date.now(); save(); tick(); btn("stop").focus(); });
  btn("stop").addEventListener("click", () => {
    state.elapsed = now(); state.start = null; save(); tick(); fill(); btn("start").focus();
  });
  btn("lap").addEventListener("click", () => { state.laps.push(now()); save(); render(); });
  btn("reset").addEventListener("click", () => {
    state = { start: null, elapsed: 0, laps: [] };
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
    value.value = ""; laps.value = ""; typed = false; tick();
  });
  // Typing the time by hand overrides the stopwatch's value.
  for (const input of [minutes, seconds]) input?.addEventListener("input", () => { typed = true; value.value = ""; });
  // Once the answer is saved, forget the stopwatch (the server keeps the value).
  form.addEventListener("submit", () => {
    if (running()) { state.elapsed = now(); state.start = null; if (!typed) fill(); }
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
  });
  box.hidden = false;
  tick();
  if (!running() && state.elapsed) fill();
}

document.querySelectorAll("[data-stopwatch]").forEach(setup);
