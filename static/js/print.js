// A "Print" button (data-print) opens the browser's print dialog; it stays hidden without JavaScript.
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
