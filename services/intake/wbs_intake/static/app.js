// Reporter pages: plain JavaScript on intake's JSON API. Bahasa Indonesia first, English second.
"use strict";

const EN = {
  "title": "Whistleblowing System",
  "subtitle": "Report suspected corruption and other misconduct, confidentially.",
  "nav-report": "Make a report",
  "nav-status": "Follow a report",
  "report-title": "Make a report",
  "report-note": "You need not say who you are. After sending, you receive a registration number and a secret to follow the report.",
  "tenant": "Body reported to",
  "category": "Category",
  "what": "What: the act being reported",
  "where": "Where it happened",
  "when": "When it happened",
  "who": "Who was involved",
  "how": "How it was done",
  "amount": "Suspected loss (Rupiah, optional)",
  "contact": "Your contact (optional; encrypted)",
  "send": "Send report",
  "receipt-title": "Report received",
  "receipt-warning": "Write both down and keep them now. The secret is shown only this once and cannot be recovered.",
  "number": "Registration number",
  "secret": "Secret",
  "follow": "Follow this report",
  "status-title": "Follow a report",
  "check": "Check status",
  "current": "Current status",
  "footer": "The reporter's identity is kept confidential and disclosed only for investigation or trial. The report and your contact are encrypted as soon as they are received, before they are passed on, and only the officers entitled to them can open them.",
};
const STATUS_LABEL = { id: { diterima: "Diterima", terdaftar: "Terdaftar" }, en: { diterima: "Received", terdaftar: "Registered" } };
let language = "id";
const originals = new Map();

function applyLanguage() {
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll("[data-i18n]")) {
    if (!originals.has(element)) originals.set(element, element.textContent);
    element.textContent = language === "en" ? EN[element.dataset.i18n] : originals.get(element);
  }
  const toggle = document.getElementById("language");
  toggle.textContent = language === "en" ? "Bahasa Indonesia" : "English";
  toggle.lang = language === "en" ? "id" : "en";
}

function message(body) {
  return language === "en" ? body.message : body.pesan;
}

function clearErrors(form) {
  for (const element of form.querySelectorAll(".field-error")) element.textContent = "";
  for (const element of form.querySelectorAll("[aria-invalid]")) element.removeAttribute("aria-invalid");
}

function showErrors(form, body, summary) {
  summary.textContent = message(body);
  summary.hidden = false;
  for (const problem of body.errors || []) {
    const slot = form.querySelector(`[data-error-for="${problem.field}"]`);
    const field = form.elements.namedItem(problem.field);
    if (slot) slot.textContent = language === "en" ? problem.message : problem.pesan;
    if (field) field.setAttribute("aria-invalid", "true");
  }
}

async function loadTenants() {
  const select = document.getElementById("tenant");
  const tenants = await (await fetch("/api/v1/tenants")).json();
  select.replaceChildren(...tenants.map((tenant) => new Option(tenant.name, tenant.id)));
  await loadCategories();
}

async function loadCategories() {
  const tenant = document.getElementById("tenant").value;
  const select = document.getElementById("category");
  if (!tenant) return select.replaceChildren();
  const body = await (await fetch(`/api/v1/tenants/${encodeURIComponent(tenant)}`)).json();
  select.replaceChildren(
    ...body.categories.map((c) => new Option(language === "en" ? c.label_en : c.label_id, c.slug)),
  );
}

async function submitReport(event) {
  event.preventDefault();
  const form = event.target;
  const summary = document.getElementById("report-error");
  clearErrors(form);
  summary.hidden = true;
  const data = Object.fromEntries(new FormData(form));
  for (const optional of ["amount_idr", "contact"]) if (data[optional] === "") delete data[optional];
  if (data.amount_idr !== undefined && /^[0-9]+$/.test(data.amount_idr)) data.amount_idr = Number(data.amount_idr);
  const response = await fetch("/api/v1/reports", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(data),
  });
  const body = await response.json();
  if (response.status !== 201) return showErrors(form, body, summary);
  form.reset();
  await loadCategories();
  document.getElementById("receipt-number").textContent = body.registration_number;
  document.getElementById("receipt-secret").textContent = body.secret;
  document.getElementById("registration_number").value = body.registration_number;
  const receipt = document.getElementById("tanda-terima");
  receipt.hidden = false;
  receipt.scrollIntoView();
}

async function checkStatus(event) {
  event.preventDefault();
  const form = event.target;
  const error = document.getElementById("status-error");
  const result = document.getElementById("status-result");
  error.hidden = true;
  result.hidden = true;
  const number = form.elements.registration_number.value.trim();
  const response = await fetch(`/api/v1/reports/${encodeURIComponent(number)}`, {
    headers: { "X-Report-Secret": form.elements.secret.value },
  });
  const body = await response.json();
  if (response.status !== 200) {
    error.textContent = message(body);
    error.hidden = false;
    return;
  }
  const labels = STATUS_LABEL[language];
  document.getElementById("status-current").textContent = labels[body.status] || body.status;
  document.getElementById("status-timeline").replaceChildren(
    ...body.timeline.map((step) => {
      const item = document.createElement("li");
      const when = new Date(step.at).toLocaleString(language === "en" ? "en-GB" : "id-ID");
      item.textContent = `${labels[step.status] || step.status} — ${when}`;
      item.dataset.status = step.status;
      return item;
    }),
  );
  result.hidden = false;
}

document.addEventListener("DOMContentLoaded", () => {
  applyLanguage();
  document.getElementById("language").addEventListener("click", async () => {
    language = language === "id" ? "en" : "id";
    applyLanguage();
    await loadCategories();
  });
  document.getElementById("tenant").addEventListener("change", loadCategories);
  document.getElementById("report-form").addEventListener("submit", submitReport);
  document.getElementById("status-form").addEventListener("submit", checkStatus);
  loadTenants();
});
