// The reporter's pages work without this script; it only tidies the review page.
// Nothing is stored in the browser (no cookies, no storage) and nothing is fetched.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Show the pseudonym and password fields only when that way of following the report is chosen.
  const fields = document.getElementById("pseudonym-fields");
  const choices = document.querySelectorAll('input[name="kredensial"][type="radio"]');
  if (!fields || choices.length === 0) return;
  const update = () => {
    const chosen = document.querySelector('input[name="kredensial"]:checked');
    fields.hidden = !chosen || chosen.value !== "samaran";
  };
  for (const choice of choices) choice.addEventListener("change", update);
  update();
});
