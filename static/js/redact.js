// Hiding parts of a photo (templates/evidence/redact.html). Each area is a row of four fields in % of
// the photo (left, top, width, height): the form the server reads, and what a page without this script
// shows. This script draws the areas over the photo: drag across it to draw one, drag an area to move it;
// with a keyboard, "Add an area" puts one in the middle, the arrow keys move the focused area, Shift +
// arrows resize it, Delete removes it. The fields and the drawn areas follow each other.

const form = document.querySelector("[data-redact]");
if (form) setUp(form);

function setUp(form) {
  const layer = form.querySelector("[data-redact-layer]");
  const rows = form.querySelector("[data-redact-rows]");
  const tools = form.querySelector("[data-redact-tools]");
  const add = form.querySelector("[data-redact-add]");
  const template = rows.querySelector("[data-redact-row]").cloneNode(true);
  const areas = new Map(); // row -> box
  layer.hidden = false;
  tools.hidden = false;

  const say = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key]);
  const round = (value) => Math.round(value * 10) / 10;
  const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

  const fields = (row) => ["left", "top", "width", "height"].map((name) => row.querySelector(`[name=${name}]`));
  const read = (row) => fields(row).map((input) => parseFloat(input.value.replace(",", ".")));
  const complete = (values) => values.every((value) => Number.isFinite(value)) && values[2] > 0 && values[3] > 0;

  function write(row, [left, top, width, height]) {
    left = clamp(left, 0, 99);
    top = clamp(top, 0, 99);
    const place = [left, top, clamp(width, 1, 100 - left), clamp(height, 1, 100 - top)].map(round);
    fields(row).forEach((input, i) => { input.value = place[i]; });
    show(row);
  }

  function number(row) {
    return [...rows.querySelectorAll("[data-redact-row]")].indexOf(row) + 1;
  }

  function show(row) {
    const values = read(row);
    let box = areas.get(row);
    if (!complete(values)) {
      if (box) box.remove();
      areas.delete(row);
      return;
    }
    if (!box) box = newBox(row);
    const [left, top, width, height] = values;
    Object.assign(box.style, { left: `${left}%`, top: `${top}%`, width: `${width}%`, height: `${height}%` });
    box.setAttribute("aria-label", say(form.dataset.areaPlace, { n: number(row), left, top, width, height }));
  }

  function newBox(row) {
    const box = document.createElement("div");
    box.className = "redact-box";
    box.tabIndex = 0;
    box.setAttribute("role", "group");
    box.setAttribute("aria-describedby", "redact-keys");
    box.addEventListener("keydown", (event) => onKey(event, row));
    box.addEventListener("pointerdown", (event) => startMove(event, row));
    layer.append(box);
    areas.set(row, box);
    return box;
  }

  function freeRow() {
    const empty = [...rows.querySelectorAll("[data-redact-row]")].find((row) => read(row).every(Number.isNaN));
    if (empty) return empty;
    const row = template.cloneNode(true);
    fields(row).forEach((input) => { input.value = ""; });
    row.querySelector("legend").textContent = say(form.dataset.area, { n: rows.querySelectorAll("[data-redact-row]").length + 1 });
    row.addEventListener("input", () => show(row));
    rows.append(row);
    return row;
  }

  function remove(row) {
    fields(row).forEach((input) => { input.value = ""; });
    show(row);
    add.focus();
  }

  function onKey(event, row) {
    const step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
    if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      remove(row);
      return;
    }
    if (!step) return;
    event.preventDefault();
    const [left, top, width, height] = read(row);
    const [dx, dy] = step;
    write(row, event.shiftKey ? [left, top, width + dx, height + dy] : [left + dx, top + dy, width, height]);
    areas.get(row).focus();
  }

  // Pointer positions in % of the photo.
  function at(event) {
    const frame = layer.getBoundingClientRect();
    return [clamp(((event.clientX - frame.left) / frame.width) * 100, 0, 100),
            clamp(((event.clientY - frame.top) / frame.height) * 100, 0, 100)];
  }

  function follow(event, target, move, done) {
    target.setPointerCapture(event.pointerId);
    const onMove = (moved) => move(at(moved));
    const onEnd = () => {
      target.removeEventListener("pointermove", onMove);
      target.removeEventListener("pointerup", onEnd);
      target.removeEventListener("pointercancel", onEnd);
      done();
    };
    target.addEventListener("pointermove", onMove);
    target.addEventListener("pointerup", onEnd);
    target.addEventListener("pointercancel", onEnd);
  }

  function startMove(event, row) {
    event.preventDefault();
    event.stopPropagation();
    const [x0, y0] = at(event);
    const [left, top, width, height] = read(row);
    const box = areas.get(row);
    box.focus();
    follow(event, box, ([x, y]) => write(row, [clamp(left + x - x0, 0, 100 - width), clamp(top + y - y0, 0, 100 - height), width, height]),
      () => box.focus());
  }

  layer.addEventListener("pointerdown", (event) => {
    if (event.target !== layer || event.button > 0) return;
    event.preventDefault();
    const [x0, y0] = at(event);
    const row = freeRow();
    follow(event, layer, ([x, y]) => write(row, [Math.min(x0, x), Math.min(y0, y), Math.abs(x - x0), Math.abs(y - y0)]),
      () => {
        const values = read(row);
        // A tap, not a drag: no area.
        if (!complete(values) || (values[2] <= 1 && values[3] <= 1)) remove(row);
        else areas.get(row).focus();
      });
  });

  add.addEventListener("click", () => {
    const row = freeRow();
    write(row, [35, 40, 30, 20]);
    areas.get(row).focus();
  });

  for (const row of rows.querySelectorAll("[data-redact-row]")) {
    row.addEventListener("input", () => show(row));
    show(row);
  }
}
