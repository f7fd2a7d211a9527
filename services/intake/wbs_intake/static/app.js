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

// The page draws the secret itself, so that a reporter whose answer was lost can retry with the
// same Idempotency-Key and still get the whole receipt: the server keeps only digests of both.
// Same format and entropy as the server's: 25 symbols of Crockford's base32, 125 random bits.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const NETWORK_RETRIES = [1000, 2000, 4000, 8000];
const PAGE_TEXT = {
  id: {
    offline: "Koneksi terputus sebelum jawaban diterima. Laporan Anda mungkin sudah terkirim: tekan Kirim laporan lagi, laporan tidak akan tercatat dua kali.",
    busy: "Laporan sedang diproses. Mencoba lagi…",
  },
  en: {
    offline: "The connection dropped before the answer arrived. Your report may already have been sent: press Send report again, it will not be recorded twice.",
    busy: "The report is being processed. Retrying…",
  },
};
// Key, secret and the request they belong to: in memory only, and only until the receipt is shown.
let pending = null;

function randomSymbols(count) {
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  return Array.from(bytes, (byte) => ALPHABET[byte & 31]).join(""); // 256 is a multiple of 32: uniform
}

function newSecret() {
  let symbols;
  do symbols = randomSymbols(25);
  while (new Set(symbols).size < 8); // the server refuses such a draw (about once in 10^10)
  return symbols.match(/.{5}/g).join("-");
}

function newIdempotencyKey() {
  // A version 4 UUID from getRandomValues (crypto.randomUUID needs a secure context).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function send(attempt, summary) {
  // Retried with the same key when the network fails or the first attempt is still in progress;
  // the server answers a retry with the first receipt and creates no second report.
  for (let retry = 0; ; retry++) {
    let response;
    try {
      response = await fetch("/api/v1/reports", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": `"${attempt.key}"` },
        body: JSON.stringify({ ...attempt.data, secret: attempt.secret }),
      });
    } catch (networkFailure) {
      if (retry >= NETWORK_RETRIES.length) return null;
      await sleep(NETWORK_RETRIES[retry]);
      continue;
    }
    // A retry with the same key is safe whatever happened to the first attempt: it cannot make a second report.
    const transient = [409, 500, 502, 503, 504].includes(response.status);
    if (!transient || retry >= NETWORK_RETRIES.length) return response;
    if (response.status === 409) {
      summary.textContent = PAGE_TEXT[language].busy;
      summary.hidden = false;
    }
    await sleep(NETWORK_RETRIES[retry]);
  }
}

async function submitReport(event) {
  event.preventDefault();
  const form = event.target;
  const summary = document.getElementById("report-error");
  const button = form.querySelector("button[type=submit]");
  clearErrors(form);
  summary.hidden = true;
  const data = Object.fromEntries(new FormData(form));
  for (const optional of ["amount_idr", "contact"]) if (data[optional] === "") delete data[optional];
  if (data.amount_idr !== undefined && /^[0-9]+$/.test(data.amount_idr)) data.amount_idr = Number(data.amount_idr);
  const request = JSON.stringify(data);
  // The same report sent again keeps its key and secret; a changed one is a new request.
  if (pending === null || pending.request !== request) {
    pending = { request, data, key: newIdempotencyKey(), secret: newSecret() };
  }
  button.disabled = true;
  let response;
  try {
    response = await send(pending, summary);
  } finally {
    button.disabled = false;
  }
  if (response === null) {
    summary.textContent = PAGE_TEXT[language].offline;
    summary.hidden = false;
    return;
  }
  const body = await response.json();
  summary.hidden = true;
  if (response.status !== 201) {
    if (response.status === 422) pending = null; // corrected input will be a new request
    return showErrors(form, body, summary);
  }
  const secret = body.secret || pending.secret;
  pending = null;
  form.reset();
  await loadCategories();
  document.getElementById("receipt-number").textContent = body.registration_number;
  document.getElementById("receipt-secret").textContent = secret;
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
  // Number and secret travel in the body: a URL would be written to proxies' logs.
  const response = await fetch("/api/v1/reports/status", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      registration_number: form.elements.registration_number.value.trim(),
      secret: form.elements.secret.value,
    }),
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
