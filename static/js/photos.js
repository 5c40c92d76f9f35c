// Photo upload while performing a run: as soon as a photo is taken (or chosen), show it
// with a progress bar and send it, with when it was taken and from which button; the page then
// reloads to show it in the grid. Without this script the form still works: choose, then tap
// "Send the photo" (the server then reads the capture time from the file itself).

import { captureInfo } from "./exif.js";

const forms = document.querySelectorAll("form[data-photo-upload]:not([data-photo-ready])");

for (const form of forms) {
  form.dataset.photoReady = "1";
  const status = form.querySelector(".photo-status");
  const submit = form.querySelector("[data-photo-submit]");
  if (submit) submit.hidden = true;
  const hint = form.querySelector("[data-photo-hint]");
  if (hint) hint.hidden = true;

  for (const input of form.querySelectorAll('input[type="file"]')) {
    input.addEventListener("change", () => {
      if (input.files.length) send(form, input, status);
    });
  }
}

async function send(form, input, status) {
  const data = new FormData(form);
  // Only the input that was used: the other one is empty anyway.
  data.delete("photo");
  const source = input.hasAttribute("capture") ? "camera" : "gallery";
  data.append("source", source);
  for (const file of input.files) {
    data.append("photo", file);
    data.append("taken_at", (await captureInfo(file, source)).takenAt); // one per photo, in order
  }

  status.hidden = false;
  status.replaceChildren();
  for (const file of input.files) {
    const img = document.createElement("img");
    img.className = "photo-preview";
    img.alt = "";
    img.src = URL.createObjectURL(file);
    img.addEventListener("load", () => URL.revokeObjectURL(img.src), { once: true });
    status.append(img);
  }
  const label = document.createElement("p");
  label.textContent = form.dataset.uploading;
  const bar = document.createElement("progress");
  bar.max = 100;
  status.append(label, bar);
  form.querySelectorAll("label.photo-pick").forEach((el) => el.classList.add("is-busy"));

  const xhr = new XMLHttpRequest();
  xhr.open("POST", form.action);
  xhr.setRequestHeader("Accept", "application/json");
  xhr.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
  });
  xhr.addEventListener("load", () => {
    if (xhr.status >= 200 && xhr.status < 300) {
      window.location.reload();
      return;
    }
    let message = form.dataset.failed;
    try {
      message = JSON.parse(xhr.responseText).error.message || message;
    } catch {
      // not JSON (e.g. a proxy's error page): keep the generic message
    }
    fail(form, input, status, message);
  });
  xhr.addEventListener("error", () => fail(form, input, status, form.dataset.failed));
  xhr.send(data);
}

function fail(form, input, status, message) {
  const p = document.createElement("p");
  p.className = "error";
  p.textContent = message;
  status.replaceChildren(p);
  input.value = "";
  form.querySelectorAll("label.photo-pick").forEach((el) => el.classList.remove("is-busy"));
}
