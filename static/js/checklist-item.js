// Item editor: show only the expected-value fields of the chosen kind, at once.
// Without JavaScript the "Show the fields for this kind" button does the same through the server.
const select = document.querySelector(".item-form .kind-select");
if (select) {
  const refresh = document.querySelector(".item-form .kind-refresh");
  if (refresh) refresh.hidden = true;
  const show = () => {
    for (const fieldset of document.querySelectorAll(".item-form .kind-fields")) {
      fieldset.hidden = fieldset.dataset.kind !== select.value;
    }
  };
  select.addEventListener("change", show);
  show();
}
