// Links to send (invite links, fix list share links): copy (Clipboard API, else select the text) and the
// phone's share sheet.
// Buttons are hidden in the HTML and shown here only when they can work.

function statusFor(id) {
  return document.querySelector(`[data-status="${id}"]`);
}

async function copyLink(id, messages) {
  const input = document.getElementById(id);
  const status = statusFor(id);
  try {
    if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard");
    await navigator.clipboard.writeText(input.value);
    if (status) status.textContent = messages.copied;
  } catch {
    input.focus();
    input.select();
    input.setSelectionRange(0, input.value.length);
    let copied = false;
    try { copied = document.execCommand("copy"); } catch { copied = false; }
    if (status) status.textContent = copied ? messages.copied : messages.select;
  }
}

async function shareLink(button) {
  const input = document.getElementById(button.dataset.share);
  try {
    await navigator.share({ title: button.dataset.shareTitle, text: button.dataset.shareText, url: input.value });
  } catch (error) {
    // Sharing failed (not cancelled): fall back to copying with the copy button's messages.
    const copy = document.querySelector(`[data-copy="${button.dataset.share}"]`);
    if (error && error.name !== "AbortError" && copy) copyLink(copy.dataset.copy, copy.dataset);
  }
}

for (const button of document.querySelectorAll("[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", () => copyLink(button.dataset.copy, button.dataset));
}

if (typeof navigator.share === "function") {
  for (const button of document.querySelectorAll("[data-share]")) {
    const url = document.getElementById(button.dataset.share).value;
    if (navigator.canShare && !navigator.canShare({ url })) continue;
    button.hidden = false;
    button.addEventListener("click", () => shareLink(button));
  }
}

for (const input of document.querySelectorAll("[data-invite-link], [data-link-field]")) {
  input.addEventListener("focus", () => input.select());
}
