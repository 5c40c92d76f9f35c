// The words of the outbox in the page's language: a JSON file per language (checkapp/pwa/words.py)
// that the service worker keeps with the app shell, named by the indicator's data-words.
// Await `ready` before the first t(): until the file is read, every word is "".

let words = {};

export const ready = (async () => {
  const url = document.getElementById("outbox-status")?.dataset.words;
  if (!url) return;
  try {
    const response = await fetch(url);
    if (response.ok) words = await response.json();
  } catch (error) {
    // Offline before the service worker kept the file: the indicator stays silent.
  }
})();

export function t(key, vars = {}) {
  let text = words[key] || "";
  for (const [name, value] of Object.entries(vars)) text = text.replace(`{${name}}`, value);
  return text;
}

export function counted(n, key) {
  const rule = new Intl.PluralRules(document.documentElement.lang || "fr").select(n);
  return t(`${key}${rule === "one" ? "One" : "Other"}`, { n });
}

// "3 answers and 2 photos", "1 photo", "2 answers, 1 photo and 1 run".
export function things(answers, photos, runs = 0) {
  const parts = [];
  if (answers) parts.push(counted(answers, "answers"));
  if (photos) parts.push(counted(photos, "photos"));
  if (runs) parts.push(counted(runs, "runs"));
  const last = parts.pop() || "";
  return parts.length ? t("and", { a: parts.join(", "), b: last }) : last;
}
