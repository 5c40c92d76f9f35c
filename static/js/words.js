// The words of the outbox, rendered by the server in the user's language (templates/pwa/_outbox_status.html).

const root = () => document.getElementById("outbox-status");

export function t(key, vars = {}) {
  let text = (root() && root().dataset[key]) || "";
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
