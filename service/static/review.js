// The review page: send a report to /v1/extract, show its text with the labelled spans beside the
// rebuilt tables and failed checks. Plain DOM, no dependencies; report text is only ever set
// through textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
let INFO = null; // GET /v1/info: label colours, template labels, auth

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "style") node.style.cssText = v;
    else if (k.startsWith("data-")) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) node.append(c);
  return node;
}

async function loadInfo() {
  const r = await fetch("/v1/info");
  INFO = await r.json();
  $("service-version").textContent = `govreport ${INFO.version} · label set ${INFO.label_set}`;
  $("api-key-field").hidden = !INFO.auth.required;
}

function showError(code, message) {
  $("error-code").textContent = code;
  $("error-message").textContent = message;
  $("error").hidden = false;
}

async function submit(event) {
  event.preventDefault();
  $("error").hidden = true;
  const file = $("report-file").files[0];
  const headers = {};
  if (INFO && INFO.auth.required) headers[INFO.auth.header] = $("api-key").value;
  let body;
  if (file) {
    body = new FormData();
    body.append("file", file, file.name);
  } else {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify({ text: $("report-text").value, filename: null });
  }
  $("extract-button").disabled = true;
  $("status").textContent = "extracting…";
  const t0 = performance.now();
  try {
    const r = await fetch("/v1/extract?spans=true&text=true", { method: "POST", headers, body });
    const data = await r.json().catch(() => null);
    if (!r.ok) {
      const err = (data && data.error) || { code: `http_${r.status}`, message: r.statusText };
      $("result").hidden = true;
      showError(err.code, err.message);
      $("status").textContent = `${r.status}`;
      return;
    }
    render(data);
    $("status").textContent = `done in ${Math.round(performance.now() - t0)} ms`;
  } catch (e) {
    showError("network", String(e));
    $("status").textContent = "";
  } finally {
    $("extract-button").disabled = false;
  }
}

function render(data) {
  $("sum-template").textContent = data.template ?? "—";
  $("sum-year").textContent = data.year ?? "—";
  $("sum-organ").textContent = data.organ ?? "—";
  $("sum-filename").textContent = (data.origin && data.origin.filename) || "(pasted)";
  $("sum-model").textContent = `${data.tagger.name} ${data.model_version}`;
  $("sum-time").textContent = `${data.timings_ms.total ?? "?"} ms`;
  renderVerdict(data);
  renderText(data.text, data.spans || []);
  renderChecks(data.checks || [], data.warnings || []);
  renderSections(data.sections || []);
  renderTables(data.template, data.tables || {});
  markCellStatus(data.cell_status || {}, data.provenance || {});
  $("result").hidden = false;
}

function labelColor(label) {
  const info = INFO && INFO.labels[label];
  return info ? info.color : "#cccccc";
}

// Spans never overlap (labelling guide), so one left-to-right walk rebuilds the text exactly.
function renderText(text, spans) {
  const pre = $("doc-text");
  pre.replaceChildren();
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const frag = document.createDocumentFragment();
  const counts = {};
  let pos = 0;
  for (const s of sorted) {
    if (s.start < pos) continue; // defensive: an overlapping span would duplicate text
    if (s.start > pos) frag.append(text.slice(pos, s.start));
    const mark = el(
      "mark",
      {
        "data-label": s.label,
        "data-start": String(s.start),
        "data-end": String(s.end),
        title: `${s.label} ${s.score.toFixed(2)} (${s.source})`,
        style: `background-color: ${labelColor(s.label)}55; box-shadow: inset 0 -2px ${labelColor(s.label)}`,
      },
      text.slice(s.start, s.end),
    );
    frag.append(mark);
    counts[s.label] = (counts[s.label] || 0) + 1;
    pos = s.end;
  }
  if (pos < text.length) frag.append(text.slice(pos));
  pre.append(frag);
  $("span-count").textContent = `${sorted.length} spans`;
  renderLegend(counts);
}

function renderLegend(counts) {
  const legend = $("legend");
  legend.replaceChildren();
  const labels = INFO ? Object.keys(INFO.labels) : Object.keys(counts);
  for (const label of labels) {
    const box = el("input", { type: "checkbox", checked: true });
    box.addEventListener("change", () => {
      for (const m of $("doc-text").querySelectorAll(`mark[data-label="${label}"]`)) m.classList.toggle("off", !box.checked);
    });
    const desc = INFO ? INFO.labels[label].description : label;
    legend.append(
      el("label", { title: desc, "data-label": label },
        box, el("span", { class: "swatch", style: `background: ${labelColor(label)}` }), `${label} ${counts[label] || 0}`),
    );
  }
}

// --- trust: verdict and cell status (docs/trust.md) ---
function renderVerdict(data) {
  const review = !!data.needs_review;
  const box = $("verdict");
  box.classList.toggle("needs-review", review);
  $("verdict-text").textContent = review ? "Needs review · 需要人工核对" : "No doubt found · 未发现疑点";
  $("review-reasons").replaceChildren(
    ...(data.review_reasons || []).map((r) =>
      el("li", { "data-code": r.code }, el("code", {}, r.code), " ", r.message_zh, " — ", r.message,
        r.tables && r.tables.length ? ` (${r.tables.join(", ")})` : ""),
    ),
  );
}

// Each cell carries its status as a class and a tooltip (with the printed text where it is kept):
// read, inferred, blank, unreadable, missing.
function markCellStatus(status, provenance) {
  for (const td of $("tables").querySelectorAll("td[data-table]")) {
    const { table, row, col } = td.dataset;
    const st = ((status[table] || {})[row] || {})[col];
    if (!st) continue;
    const printed = (((provenance[table] || {})[row] || {})[col] || {}).text;
    td.dataset.status = st;
    td.classList.add(`st-${st}`);
    td.title = printed !== undefined && st !== "read" ? `${st}: printed "${printed}"` : st;
  }
}

function renderChecks(checks, warnings) {
  const failed = checks.filter((c) => c.ok === false);
  const open = checks.filter((c) => c.status === "not_assessable");
  const summary = $("checks-summary");
  summary.textContent = (failed.length
    ? `${failed.length} of ${checks.length} checks failed`
    : `${checks.length - open.length} of ${checks.length} checks pass`)
    + (open.length ? `, ${open.length} not assessable` : "");
  summary.classList.toggle("all-ok", failed.length === 0);
  $("failed-checks").replaceChildren(
    ...failed.map((c) => el("li", { class: "failed", "data-rule": c.rule }, el("code", {}, c.rule), " ", c.detail || "")),
    ...open.map((c) => el("li", { class: "not-assessable", "data-rule": c.rule }, el("code", {}, c.rule), " ", c.detail || "")),
  );
  $("warnings").replaceChildren(...warnings.map((w) => el("li", { class: "warning" }, w)));
}

function renderSections(sections) {
  $("sections").replaceChildren(
    ...sections.map((s) => {
      const a = el("a", { "data-start": String(s.start) }, s.title);
      a.addEventListener("click", () => focusSection(s));
      return el("li", { value: s.index }, a);
    }),
  );
}

// The section's heading span: the first SECTION mark inside the section's extent.
function focusSection(section) {
  for (const m of $("doc-text").querySelectorAll("mark.focus")) m.classList.remove("focus");
  const mark = [...$("doc-text").querySelectorAll('mark[data-label="SECTION"]')].find(
    (m) => +m.dataset.start >= section.start && +m.dataset.start < section.end,
  );
  if (mark) {
    mark.classList.add("focus");
    mark.scrollIntoView({ block: "center" });
  }
}

function formatValue(v) {
  return v === null || v === undefined ? "—" : String(v);
}

// Rows with the same columns form one grid (table 二 is several small grids in the printed report).
function groupRows(rows) {
  const groups = [];
  for (const [key, cells] of Object.entries(rows)) {
    const cols = Object.keys(cells);
    const sig = cols.join("|");
    const last = groups[groups.length - 1];
    if (last && last.sig === sig) last.rows.push([key, cells]);
    else groups.push({ sig, cols, rows: [[key, cells]] });
  }
  return groups;
}

function renderTables(template, tables) {
  const out = $("tables");
  out.replaceChildren();
  const spec = (INFO && template && INFO.templates[template]) || {};
  for (const [name, rows] of Object.entries(tables)) {
    const tspec = spec[name] || { title: name, rows: {}, cols: {} };
    const block = el("div", { class: "table-block", "data-table": name }, el("h3", {}, tspec.title));
    if (rows === null) {
      block.append(el("p", { class: "absent" }, "not in this report"));
      out.append(block);
      continue;
    }
    for (const group of groupRows(rows)) {
      const head = el("tr", {}, el("th", {}, ""), ...group.cols.map((c) => el("th", { "data-col": c }, tspec.cols[c] || c)));
      const body = group.rows.map(([key, cells]) =>
        el("tr", { "data-row": key },
          el("th", {}, tspec.rows[key] || key),
          ...group.cols.map((c) =>
            el("td", { class: cells[c] === null ? "null" : "", "data-table": name, "data-row": key, "data-col": c }, formatValue(cells[c])),
          ),
        ),
      );
      block.append(el("table", { class: "report" }, el("thead", {}, head), el("tbody", {}, ...body)));
    }
    out.append(block);
  }
}

$("extract-form").addEventListener("submit", submit);
$("report-file").addEventListener("change", () => {
  const f = $("report-file").files[0];
  $("status").textContent = f ? `will upload ${f.name}` : "";
});
loadInfo().catch((e) => showError("network", `cannot reach the service: ${e}`));
