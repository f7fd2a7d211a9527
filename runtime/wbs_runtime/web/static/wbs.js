// Progressive enhancement only: every page works without this script.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  // A form may ask to be confirmed first (sign out everywhere); the question is in the page's language.
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // A second click must not post the form twice (a password change, a one-time code).
  if (form.method.toLowerCase() === "post") {
    window.setTimeout(() => {
      for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
    }, 0);
  }
});
document.addEventListener("DOMContentLoaded", () => {
  // Put the cursor where the person has to act: the first field at fault, else the first field.
  const target = document.querySelector("main [aria-invalid=true], main [autofocus]");
  if (target instanceof HTMLElement) target.focus();
});
