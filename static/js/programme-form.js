// Programme form: show only the fields of the chosen rhythm and of the chosen performers, at once.
// Without JavaScript every field shows, each saying what it is for.
const form = document.querySelector(".programme-form");
if (form) {
  const parts = [...form.querySelectorAll("[data-show-for]")];
  const chosen = (name) => form.querySelector(`input[name="${name}"]:checked`)?.value;
  const show = () => {
    for (const part of parts) {
      const [name, values] = part.dataset.showFor.split(":");
      part.hidden = !values.split(" ").includes(chosen(name));
    }
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "rhythm" || event.target.name === "performers") show();
  });
  show();
}
