// The photo viewer (templates/evidence/viewer.html): ← and → step through the photos, Escape closes.
// Stepping replaces the history entry, so Close (and the phone's back) return to the page the viewer
// was opened from, at the same place; opened from elsewhere, Close follows its link.

const OPENED_FROM_APP = "checkapp.viewer.opened-from-app";
const VIEWER = /^\/runs\/\d+\/(items\/\d+\/)?photos\/\d+$/;

function cameFrom() {
  try {
    const from = new URL(document.referrer);
    return from.origin === location.origin ? from.pathname : null;
  } catch {
    return null;
  }
}

const from = cameFrom();
if (from && !VIEWER.test(from)) sessionStorage.setItem(OPENED_FROM_APP, "1");
else if (!from) sessionStorage.removeItem(OPENED_FROM_APP);

for (const step of document.querySelectorAll("[data-viewer-step]")) {
  step.addEventListener("click", (event) => {
    event.preventDefault();
    location.replace(step.href);
  });
}

const close = document.querySelector("[data-viewer-close]");
close.addEventListener("click", (event) => {
  if (sessionStorage.getItem(OPENED_FROM_APP) && history.length > 1) {
    event.preventDefault();
    sessionStorage.removeItem(OPENED_FROM_APP);
    history.back();
  }
});

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const target = { ArrowLeft: "[rel=prev]", ArrowRight: "[rel=next]", Escape: "[data-viewer-close]" }[event.key];
  const link = target && document.querySelector(`.viewer-nav ${target}`);
  if (link) {
    event.preventDefault();
    link.click();
  }
});
