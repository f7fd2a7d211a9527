// The reporter's pages work without this script; it only shows, as the reporter types, how complete
// the report is, and tidies the review page. Nothing is stored in the browser and nothing is fetched.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Completeness: each element of the 4W1H is given when one of its fields holds something
  // (``data-fields`` lists names, or prefixes ending in "-" for the terlapor rows).
  const meter = document.getElementById("completeness-live");
  const form = document.getElementById("report-form");
  if (meter && form) {
    const given = (names) =>
      names.split(" ").some((name) =>
        Array.from(form.elements).some(
          (field) =>
            field.name &&
            (name.endsWith("-") ? field.name.startsWith(name) : field.name === name) &&
            typeof field.value === "string" &&
            field.value.trim() !== "",
        ),
      );
    const show = () => {
      for (const item of meter.querySelectorAll("li[data-fields]")) {
        const done = given(item.dataset.fields);
        item.classList.toggle("given", done);
        item.classList.toggle("missing", !done);
      }
      const minimum = ["apa", "di_mana", "kapan"].every((name) => given(name));
      meter.classList.toggle("actionable", minimum);
    };
    form.addEventListener("input", show);
    show();
    meter.hidden = false;
  }

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
