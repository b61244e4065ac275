// The review page: send a report to /v1/extract, show its verdict, its text with the labelled spans
// beside the rebuilt tables (laid out as the printed form) and the checks; a table cell and its
// source in the text find each other on click. Plain DOM, no dependencies; report text is only
// ever set through textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
let INFO = null; // GET /v1/info: label colours, template labels and printed layouts, auth
let DATA = null; // the last extraction result
let REQUEST = null; // how to send the last input again (for CSV / XLSX downloads)
let YOY = null; // the last /v1/crosscheck answer

// ---- language ------------------------------------------------------------------------------

const STRINGS = {
  zh: {
    app_subtitle: "政府信息公开工作年度报告审阅",
    api_docs: "API 文档",
    paste_label: "粘贴年报全文（政府信息公开工作年度报告）",
    upload_label: "或上传文件（.txt .html .docx .pdf）",
    api_key: "API 密钥",
    extract: "提取",
    error: "错误",
    template: "格式",
    year: "年度",
    organ: "机关",
    doc_title: "标题",
    file: "文件",
    tagger: "标注器",
    time: "耗时",
    download: "下载",
    text: "标注文本",
    checks: "校验",
    sections: "章节",
    tables: "表格",
    tables_hint: "点击数值可在原文中定位；点击原文中的数值可定位到表格。",
    pasted: "（粘贴的文本）",
    extracting: "正在提取…",
    done_in: (ms) => `完成，用时 ${ms} 毫秒`,
    will_upload: (name) => `将上传 ${name}`,
    spans: (n) => `${n} 个标注`,
    read_back: (enc) =>
      `原文件为乱码（中文被按 ISO-8859-1/Windows-1252 读取后另存），此处按 ${enc} 还原显示；JSON 中的位置（start/end）指向原始文本。`,
    format_name: (f) => `${f} 年版格式`,
    checks_all_ok: (n) => `全部 ${n} 项勾稽校验通过`,
    checks_failed: (f, n) => `${n} 项勾稽校验中 ${f} 项未通过`,
    checks_some_ok: (p, n) => `${n} 项勾稽校验中 ${p} 项通过`,
    checks_na: (n) => `${n} 项无法校验（缺少数值）`,
    absent: "本报告中没有这张表",
    absent_old: "2019 年以前格式的报告：其统计表不属于 2019 年版或 2021 年版格式，未读取",
    verdict_ok: "无需人工复核：所有数值均已读取，勾稽校验通过",
    verdict_review: "需要人工复核",
    key_failed: "所在勾稽校验未通过",
    status: { read: "已读取", inferred: "推断所得", blank: "空白", unreadable: "无法识别", missing: "缺失" },
    no_source: "此数值在原文中没有对应位置",
    network: "无法连接服务",
    errors: {
      empty: "输入为空：没有可提取的文本。",
      binary: "这是二进制文件，不是可读取的文本或文档。",
      undecodable: "无法识别文本编码。",
      too_large: "文件太大，超过服务的大小限制。",
      unsupported_format: "不支持的文件格式，请提供 .txt、.html、.docx 或 .pdf。",
      no_text_layer: "PDF 没有文字层（扫描件），需要先做文字识别（OCR）。",
      encrypted: "文件已加密，无法读取。",
      corrupt: "文件已损坏，无法读取。",
      not_a_report: "这不是政府信息公开工作年度报告：没有找到标题、章节或统计表。",
      bad_input: "输入无法处理。",
      invalid_request: "请求格式不正确。",
      invalid_multipart: "上传的表单无法解析。",
      invalid_json: "请求正文不是有效的 JSON。",
      unsupported_media_type: "不支持的请求内容类型。",
      too_many_items: "一次提交的文件太多。",
      unauthorized: "缺少或错误的 API 密钥。",
      busy: "服务繁忙，请稍后再试。",
      not_ready: "服务尚未就绪（模型正在加载），请稍后再试。",
      timeout: "处理超时。",
      not_found: "地址不存在。",
      internal: "服务内部错误（详见服务日志）。",
      network: "无法连接服务。",
    },
    unknown_error: (status) => `请求失败（HTTP ${status}）。`,
    yoy_title: "跨年度核对",
    yoy_hint: "上传同一机关若干年度的年报，核对相邻年度之间的结转数和现行有效件数。",
    yoy_upload: "年报文件（可多选）",
    yoy_check: "核对",
    yoy_rule: "核对项",
    yoy_years: "年度",
    yoy_left: "本年数值",
    yoy_left_report: "本年报告",
    yoy_right: "对应数值",
    yoy_right_report: "对应报告",
    yoy_status: "结果",
    yoy_checking: "正在核对…",
    yoy_pick: "请先选择至少两份年报文件",
    yoy_none: "没有可比对的相邻年度（需同一机关、连续两年的报告）",
    yoy_counts: (p, f, n) => `通过 ${p} 项 · 未通过 ${f} 项 · 无法核对 ${n} 项`,
    yoy_rules: {
      "applications.carry": "上年结转 = 上年度结转下年度继续办理",
      "active_disclosure.in_force": "现行有效件数 = 上年度现行有效件数 + 本年制发 − 本年废止",
      "active_disclosure.prev_year_items": "上一年项目数量 = 上年度上一年项目数量 + 本年增/减",
      ambiguous: "同一机关同一年度有多份报告，该年度未比对",
    },
    yoy_verdict: { pass: "通过", fail: "未通过", not_assessable: "无法核对" },
  },
  en: {
    app_subtitle: "review of government information-disclosure annual reports",
    api_docs: "API docs",
    paste_label: "Paste a report (政府信息公开工作年度报告)",
    upload_label: "…or upload a file (.txt .html .docx .pdf)",
    api_key: "API key",
    extract: "Extract",
    error: "Error",
    template: "Format",
    year: "Year",
    organ: "Organ",
    doc_title: "Title",
    file: "File",
    tagger: "Tagger",
    time: "Time",
    download: "Download",
    text: "Labelled text",
    checks: "Checks",
    sections: "Sections",
    tables: "Tables",
    tables_hint: "Click a value to find it in the text; click a value in the text to find its cell.",
    pasted: "(pasted)",
    extracting: "extracting…",
    done_in: (ms) => `done in ${ms} ms`,
    will_upload: (name) => `will upload ${name}`,
    spans: (n) => `${n} spans`,
    read_back: (enc) =>
      `The file is mojibake (Chinese read as ISO-8859-1/Windows-1252 and saved again): shown here read back as ${enc}; offsets (start/end) in the JSON index the text as given.`,
    format_name: (f) => `${f} format`,
    checks_all_ok: (n) => `all ${n} checks pass`,
    checks_failed: (f, n) => `${f} of ${n} checks failed`,
    checks_some_ok: (p, n) => `${p} of ${n} checks pass`,
    checks_na: (n) => `${n} cannot be assessed (a value is missing)`,
    absent: "not in this report",
    absent_old: "a report older than the 2019 format: its own statistics tables are of neither format and are not read",
    verdict_ok: "No review needed: every value was read and the report's arithmetic holds",
    verdict_review: "Needs review",
    key_failed: "in a failed check",
    status: { read: "read", inferred: "inferred", blank: "blank", unreadable: "unreadable", missing: "missing" },
    no_source: "this value has no place in the text",
    network: "cannot reach the service",
    errors: {
      empty: "The input is empty: there is no text to extract.",
      binary: "This is a binary file, not text or a document.",
      undecodable: "The text's encoding could not be recognised.",
      too_large: "The file is larger than the service accepts.",
      unsupported_format: "Unsupported file format: send .txt, .html, .docx or .pdf.",
      no_text_layer: "The PDF has no text layer (a scan): it needs OCR first.",
      encrypted: "The file is encrypted.",
      corrupt: "The file is damaged and cannot be read.",
      not_a_report: "This is not a government information-disclosure annual report: no title, sections or tables were found.",
      bad_input: "The input cannot be processed.",
      invalid_request: "The request is malformed.",
      invalid_multipart: "The uploaded form cannot be read.",
      invalid_json: "The request body is not valid JSON.",
      unsupported_media_type: "Unsupported request content type.",
      too_many_items: "Too many files in one request.",
      unauthorized: "Missing or wrong API key.",
      busy: "The service is busy; try again shortly.",
      not_ready: "The service is not ready yet (the model is loading); try again shortly.",
      timeout: "The request took too long.",
      not_found: "No such address.",
      internal: "Internal error in the service (see its log).",
      network: "Cannot reach the service.",
    },
    unknown_error: (status) => `The request failed (HTTP ${status}).`,
    yoy_title: "Year on year",
    yoy_hint: "Upload several years' reports of one body to check the carried-over and in-force figures between consecutive years.",
    yoy_upload: "Reports (several files)",
    yoy_check: "Check",
    yoy_rule: "Identity",
    yoy_years: "Years",
    yoy_left: "This year",
    yoy_left_report: "Report",
    yoy_right: "Compared with",
    yoy_right_report: "Report",
    yoy_status: "Result",
    yoy_checking: "checking…",
    yoy_pick: "choose at least two report files first",
    yoy_none: "No consecutive years to compare (reports of one body, two years in a row)",
    yoy_counts: (p, f, n) => `${p} pass · ${f} failed · ${n} cannot be assessed`,
    yoy_rules: {
      "applications.carry": "carried over = last year's carried forward",
      "active_disclosure.in_force": "in force = last year's in force + issued − repealed",
      "active_disclosure.prev_year_items": "previous-year items = last year's + this year's change",
      ambiguous: "several reports of one body for one year: not compared",
    },
    yoy_verdict: { pass: "pass", fail: "failed", not_assessable: "cannot be assessed" },
  },
};
let LANG = new URLSearchParams(location.search).get("lang") || localStorage.getItem("govreport.lang") || "zh";
if (!(LANG in STRINGS)) LANG = "zh";
const T = (key) => STRINGS[LANG][key];
let STATUS = null; // [key, ...args] of the status line, so that it follows a language switch

function setStatus(key, ...args) {
  STATUS = key ? [key, ...args] : null;
  if (!key) $("status").textContent = "";
  else {
    const s = STRINGS[LANG][key];
    $("status").textContent = typeof s === "function" ? s(...args) : s === undefined ? key : s;
  }
}

function applyLanguage() {
  document.documentElement.lang = LANG === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = T(node.dataset.i18n);
  const other = LANG === "zh" ? "en" : "zh";
  $("lang-switch").textContent = other === "en" ? "English" : "中文";
  $("lang-switch").lang = other === "en" ? "en" : "zh-CN";
  document.title = `govreport · ${T("app_subtitle")}`;
  if (DATA) render(DATA);
  if (YOY) renderYoy(YOY);
  if (STATUS) setStatus(...STATUS);
  for (const box of ["error", "yoy-error"]) {
    if (!$(box).hidden) showError($(`${box}-code`).textContent, $(`${box}-message`).textContent, $(box).dataset.status, box);
  }
}

function switchLanguage() {
  LANG = LANG === "zh" ? "en" : "zh";
  localStorage.setItem("govreport.lang", LANG);
  applyLanguage();
}

// ---- helpers --------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === "class") node.className = v;
    else if (k === "style") node.style.cssText = v;
    else if (k.startsWith("data-")) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) node.append(c);
  return node;
}

const get = (obj, ...keys) => keys.reduce((o, k) => (o && typeof o === "object" ? o[k] : undefined), obj);

async function loadInfo() {
  const r = await fetch("/v1/info");
  INFO = await r.json();
  $("service-version").textContent = `govreport ${INFO.version} · label set ${INFO.label_set}`;
  $("api-key-field").hidden = !INFO.auth.required;
}

// box: the id of the error block ("error" under the report input, "yoy-error" under year on year)
function showError(code, message, status, box = "error") {
  $(`${box}-code`).textContent = code;
  $(`${box}-text`).textContent = T("errors")[code] || T("unknown_error")(status || "?");
  $(`${box}-message`).textContent = message;
  $(box).dataset.status = status || "";
  $(box).hidden = false;
}

// ---- sending a report -----------------------------------------------------------------------

function authHeaders() {
  const headers = {};
  if (INFO && INFO.auth.required) headers[INFO.auth.header] = $("api-key").value;
  return headers;
}

function buildRequest() {
  const file = $("report-file").files[0];
  const headers = authHeaders();
  if (file) {
    const body = new FormData();
    body.append("file", file, file.name);
    return { headers, body };
  }
  headers["Content-Type"] = "application/json";
  return { headers, body: JSON.stringify({ text: $("report-text").value, filename: null }) };
}

async function errorOf(r) {
  const data = await r.json().catch(() => null);
  return (data && data.error) || { code: `http_${r.status}`, message: r.statusText };
}

async function submit(event) {
  event.preventDefault();
  $("error").hidden = true;
  const req = buildRequest();
  $("extract-button").disabled = true;
  setStatus("extracting");
  const t0 = performance.now();
  try {
    const r = await fetch("/v1/extract?spans=true&text=true", { method: "POST", headers: req.headers, body: req.body });
    if (!r.ok) {
      const err = await errorOf(r);
      $("result").hidden = true;
      DATA = null;
      showError(err.code, err.message, r.status);
      setStatus(`${r.status}`);
      return;
    }
    DATA = await r.json();
    REQUEST = req;
    render(DATA);
    setStatus("done_in", Math.round(performance.now() - t0));
  } catch (e) {
    showError("network", String(e));
    setStatus(null);
  } finally {
    $("extract-button").disabled = false;
  }
}

// ---- year on year: several reports of one body -> /v1/crosscheck ------------------------------

async function submitYoy(event) {
  event.preventDefault();
  $("yoy-error").hidden = true;
  const files = [...$("yoy-files").files];
  if (files.length < 2) {
    $("yoy-status").textContent = T("yoy_pick");
    return;
  }
  const body = new FormData();
  for (const f of files) body.append("files", f, f.name);
  $("yoy-button").disabled = true;
  $("yoy-status").textContent = T("yoy_checking");
  try {
    const r = await fetch("/v1/crosscheck", { method: "POST", headers: authHeaders(), body });
    if (!r.ok) {
      const err = await errorOf(r);
      $("yoy-result").hidden = true;
      YOY = null;
      showError(err.code, err.message, r.status, "yoy-error");
      $("yoy-status").textContent = `${r.status}`;
      return;
    }
    YOY = await r.json();
    renderYoy(YOY);
    $("yoy-status").textContent = "";
  } catch (e) {
    showError("network", String(e), undefined, "yoy-error");
    $("yoy-status").textContent = "";
  } finally {
    $("yoy-button").disabled = false;
  }
}

// "year_on_year.applications.carry[total]" -> its label, with the row or column's printed name in
// the template of the report it is read from (`template`, e.g. "2021").
function yoyRuleLabel(rule, template) {
  const m = /^year_on_year\.(?:(\w+)\.)?(\w+)(?:\[([^\]]+)\])?$/.exec(rule || "");
  if (!m) return rule;
  const [, table, kind, key] = m;
  const label = T("yoy_rules")[table ? `${table}.${kind}` : kind] || rule;
  if (!key) return label;
  const t = get(INFO, "templates", template, table);
  const name = (LANG === "zh" && (get(t, "cols", key) || get(t, "rows", key))) || key;
  return `${label}（${name}）`;
}

// Operands as a sum: "4185 + 564 − 984"; a value not read shows "?".
function yoyValues(side) {
  return (side || []).map((x, i) => `${i === 0 ? (x.sign < 0 ? "−" : "") : x.sign < 0 ? " − " : " + "}${x.value ?? "?"}`).join("");
}

const yoyReports = (side) => [...new Set((side || []).map((x) => x.report))].join("、");
const YOY_CLASS = { pass: "passed", fail: "failed", not_assessable: "not-assessable" };

function renderYoy(data) {
  const checks = data.checks || [];
  const templates = Object.fromEntries((data.reports || []).filter((r) => r.ok).map((r) => [r.report, r.result.template]));
  const n = (st) => checks.filter((c) => c.status === st).length;
  const summary = $("yoy-summary");
  summary.textContent = checks.length ? T("yoy_counts")(n("pass"), n("fail"), n("not_assessable")) : T("yoy_none");
  summary.classList.toggle("all-ok", checks.length > 0 && n("pass") === checks.length);
  $("yoy-report-errors").replaceChildren(
    ...(data.reports || []).filter((r) => !r.ok).map((r) => el("li", { "data-report": r.report },
      `${r.report}: `, T("errors")[r.error.code] || r.error.message, " ", el("code", {}, r.error.code))),
  );
  $("yoy-rows").replaceChildren(
    ...checks.map((c) => el("tr", { class: YOY_CLASS[c.status] || "", "data-rule": c.rule, "data-status": c.status },
      el("td", { class: "yoy-rule", title: c.detail || "" }, yoyRuleLabel(c.rule, templates[get(c, "left", 0, "report")]), " ", el("code", {}, c.rule.replace(/^year_on_year\./, ""))),
      el("td", {}, (c.years || []).join("→")),
      el("td", { class: "yoy-value yoy-left", title: c.organ || "" }, yoyValues(c.left)),
      el("td", { class: "yoy-report" }, yoyReports(c.left) || (c.reports || []).join("、")),
      el("td", { class: "yoy-value yoy-right" }, yoyValues(c.right)),
      el("td", { class: "yoy-report" }, yoyReports(c.right)),
      el("td", { class: "yoy-status" }, T("yoy_verdict")[c.status] || c.status))),
  );
  $("yoy-table").hidden = checks.length === 0;
  $("yoy-result").hidden = false;
}

// ---- downloads ------------------------------------------------------------------------------

function stemOf(data) {
  const name = get(data, "origin", "filename") || "report";
  return name.replace(/\.[^.]*$/, "") || "report";
}

function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function download(fmt) {
  if (!DATA) return;
  if (fmt === "json") {
    const { text, spans, read_back, ...result } = DATA; // the contract's object, as `extract -o` writes it
    saveBlob(new Blob([JSON.stringify(result, null, 2)], { type: "application/json" }), `${stemOf(DATA)}.json`);
    return;
  }
  // CSV and XLSX are made by the service (openpyxl), from the same input sent again
  const r = await fetch(`/v1/extract?format=${fmt}`, { method: "POST", headers: REQUEST.headers, body: REQUEST.body });
  if (!r.ok) {
    const err = await errorOf(r);
    showError(err.code, err.message, r.status);
    return;
  }
  saveBlob(await r.blob(), `${stemOf(DATA)}.${fmt}`);
}

// ---- rendering ------------------------------------------------------------------------------

function render(data) {
  $("sum-template").textContent = data.template ?? "—";
  $("sum-year").textContent = data.year ?? "—";
  $("sum-organ").textContent = data.organ ?? "—";
  $("sum-title").textContent = data.title ?? "—";
  $("sum-filename").textContent = get(data, "origin", "filename") || T("pasted");
  $("sum-model").textContent = `${data.tagger.name} ${data.model_version}`;
  $("sum-time").textContent = `${get(data, "timings_ms", "total") ?? "?"} ms`;
  const failedCells = cellsOfFailedChecks(data);
  renderVerdict(data);
  SHOWN = shownOffsets(data.read_back);
  const note = $("read-back-note");
  note.hidden = !data.read_back;
  note.textContent = data.read_back ? T("read_back")(data.read_back.encoding.toUpperCase()) : "";
  renderText(data.read_back ? data.read_back.text : data.text || "", data.spans || []);
  renderChecks(data.checks || [], data.warnings || []);
  renderSections(data.sections || []);
  renderTables(data, failedCells);
  $("result").hidden = false;
}

function renderVerdict(data) {
  const box = $("verdict");
  if (typeof data.needs_review !== "boolean") {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.classList.toggle("needs-review", data.needs_review);
  $("verdict-text").textContent = data.needs_review ? T("verdict_review") : T("verdict_ok");
  $("review-reasons").replaceChildren(
    ...(data.review_reasons || []).map((r) => {
      const text = (LANG === "zh" && r.message_zh) || r.message || r.text || "";
      const where = (r.tables || []).map((t) => get(INFO, "templates", data.template, t, "title") || t).join("、");
      const li = el("li", { "data-code": r.code }, text, where ? ` — ${where}` : "", " ", el("code", {}, r.code));
      const cells = (r.cells || []).map((c) => c.split("."));
      if (cells.length) {
        li.classList.add("has-cells");
        li.addEventListener("click", () => focusCells(cells));
      }
      return li;
    }),
  );
}

function labelColor(label) {
  const info = INFO && INFO.labels[label];
  return info ? info.color : "#cccccc";
}

// A mojibake input is shown read back (the service's `read_back`: the text and where each of its
// characters starts in the text as given). Offsets stay on the text as given everywhere (the marks'
// and cells' data-start/data-end, the sections): SHOWN maps one onto the text on screen.
let SHOWN = (offset) => offset;

function shownOffsets(back) {
  if (!back) return (offset) => offset;
  const starts = back.starts;
  return (offset) => {
    // the first read-back character whose bytes start at or after offset
    let lo = 0, hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

// What a person reads of the input's [start, end): the text as given, or read back.
function shownText(prov) {
  const back = DATA && DATA.read_back;
  return back ? back.text.slice(SHOWN(prov.start), SHOWN(prov.end)) : prov.text;
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
    const start = SHOWN(s.start), end = SHOWN(s.end);
    if (start < pos || end <= start) continue; // defensive: an overlapping span would duplicate text
    if (start > pos) frag.append(text.slice(pos, start));
    const mark = el(
      "mark",
      {
        "data-label": s.label,
        "data-start": String(s.start),
        "data-end": String(s.end),
        title: `${s.label} ${s.score.toFixed(2)} (${s.source})`,
        style: `background-color: ${labelColor(s.label)}55; box-shadow: inset 0 -2px ${labelColor(s.label)}`,
      },
      text.slice(start, end),
    );
    frag.append(mark);
    counts[s.label] = (counts[s.label] || 0) + 1;
    pos = end;
  }
  if (pos < text.length) frag.append(text.slice(pos));
  pre.append(frag);
  $("span-count").textContent = T("spans")(sorted.length);
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

const isFailed = (c) => c.ok === false && c.status !== "not_assessable";

function renderChecks(checks, warnings) {
  const failed = checks.filter(isFailed);
  const notAssessable = checks.filter((c) => c.status === "not_assessable");
  const summary = $("checks-summary");
  const passed = checks.length - failed.length - notAssessable.length;
  let text = failed.length
    ? T("checks_failed")(failed.length, checks.length)
    : notAssessable.length
      ? T("checks_some_ok")(passed, checks.length)
      : T("checks_all_ok")(checks.length);
  if (notAssessable.length) text += ` · ${T("checks_na")(notAssessable.length)}`;
  summary.textContent = text;
  summary.classList.toggle("all-ok", failed.length === 0 && notAssessable.length === 0);
  $("failed-checks").replaceChildren(
    ...failed.map((c) => {
      const li = el("li", { class: "failed", "data-rule": c.rule }, el("code", {}, c.rule), " ", c.detail || "");
      li.addEventListener("click", () => focusCheck(c));
      return li;
    }),
    ...notAssessable.map((c) => {
      const li = el("li", { class: "not-assessable", "data-rule": c.rule }, el("code", {}, c.rule), " ", c.detail || "");
      li.addEventListener("click", () => focusCheck({ ...c, operands: c.not_assessable || [] }));
      return li;
    }),
  );
  $("warnings").replaceChildren(...warnings.map((w) => el("li", { class: "warning" }, typeof w === "string" ? w : w.message || JSON.stringify(w))));
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

// ---- cells, checks and where they came from ---------------------------------------------------

// The cells a check compares: its operands ("table.row.col"; narrative checks: cells {table, row,
// col}) when the service names them, else (as the batch runner's row_check/col_check) the row or
// column named in brackets in its rule.
function checkCells(check, data) {
  if (Array.isArray(check.operands) && check.operands.length) return check.operands.map((name) => name.split("."));
  if (Array.isArray(check.cells) && check.cells.length) return check.cells.map((c) => [c.table, c.row, c.col]);
  const m = /^(\w+)\.\w+\[([^\]]+)\]$/.exec(check.rule || "");
  const rows = m && get(data, "tables", m[1]);
  if (!rows) return [];
  const [, table, key] = m;
  if (key in rows) return Object.keys(rows[key]).map((col) => [table, key, col]);
  return Object.entries(rows).filter(([, cols]) => key in cols).map(([row]) => [table, row, key]);
}

function cellsOfFailedChecks(data) {
  const out = new Set();
  for (const c of (data.checks || []).filter(isFailed)) for (const [t, r, col] of checkCells(c, data)) out.add(`${t}|${r}|${col}`);
  return out;
}

// A cell's status (read / inferred / blank / unreadable / missing) where the service reports one.
function cellStatus(data, table, row, col) {
  const p = get(data, "provenance", table, row, col);
  return get(data, "cell_status", table, row, col) || get(data, "status", table, row, col) || (p && p.status) || null;
}

function clearFocus() {
  for (const n of document.querySelectorAll(".focus")) n.classList.remove("focus");
}

function focusSection(section) {
  clearFocus();
  const mark = [...$("doc-text").querySelectorAll('mark[data-label="SECTION"]')].find(
    (m) => +m.dataset.start >= section.start && +m.dataset.start < section.end,
  );
  if (mark) {
    mark.classList.add("focus");
    mark.scrollIntoView({ block: "center" });
  }
}

// A table cell -> the marks of the text it was read from.
function focusSource(td) {
  clearFocus();
  td.classList.add("focus");
  const start = +td.dataset.start, end = +td.dataset.end;
  if (!td.dataset.start) {
    setStatus("no_source");
    return;
  }
  const marks = [...$("doc-text").querySelectorAll("mark")].filter((m) => +m.dataset.start < end && +m.dataset.end > start);
  for (const m of marks) m.classList.add("focus");
  if (marks.length) marks[0].scrollIntoView({ block: "center", behavior: "instant" });
  else selectText(start, end); // read where no span was labelled
}

// A mark in the text -> the table cell(s) read from it.
function focusCellOf(mark) {
  const start = +mark.dataset.start, end = +mark.dataset.end;
  const tds = [...$("tables").querySelectorAll("td[data-start]")].filter((td) => +td.dataset.start < end && +td.dataset.end > start);
  if (!tds.length) return;
  clearFocus();
  mark.classList.add("focus");
  for (const td of tds) td.classList.add("focus");
  tds[0].scrollIntoView({ block: "center", behavior: "instant" });
}

// Select characters [start, end) of the text (a stretch no span covers, e.g. a figure of the prose).
function selectText(start, end) {
  [start, end] = [SHOWN(start), SHOWN(end)]; // offsets of the input; the text shown may be read back
  const pre = $("doc-text");
  const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let pos = 0, node, started = false;
  while ((node = walker.nextNode())) {
    const len = node.data.length;
    if (!started && start < pos + len) {
      range.setStart(node, start - pos);
      started = true;
    }
    if (started && end <= pos + len) {
      range.setEnd(node, end - pos);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      const box = range.getBoundingClientRect(), pbox = pre.getBoundingClientRect();
      pre.scrollTop += box.top - pbox.top - pre.clientHeight / 2;
      return true;
    }
    pos += len;
  }
  return false;
}

// A check -> its cells in the tables, and (a narrative check) its figure in the prose.
function focusCheck(check) {
  focusCells(checkCells(check, DATA));
  if (check.prose && Number.isInteger(check.prose.start)) selectText(check.prose.start, check.prose.end);
}

function focusCells(keys) {
  clearFocus();
  const tds = keys
    .map(([t, r, c]) => $("tables").querySelector(`td[data-table="${t}"][data-row="${r}"][data-col="${c}"]`))
    .filter(Boolean);
  for (const td of tds) td.classList.add("focus");
  if (tds.length) tds[0].scrollIntoView({ block: "center", behavior: "instant" });
}

// What a cell shows: the value; for no value, what was printed there when it could not be read
// (or "?"), "…" when nothing was printed (cut off), "—" for a printed blank.
function formatValue(v, status, prov) {
  if (v !== null && v !== undefined) return String(v);
  if (status === "unreadable") return (prov && prov.text !== undefined && shownText(prov)) || "?";
  if (status === "missing") return "…";
  return "—";
}

function valueCell(data, failedCells, table, row, col, span) {
  const value = get(data, "tables", table, row, col);
  const prov = get(data, "provenance", table, row, col);
  const status = cellStatus(data, table, row, col);
  const classes = ["value"];
  if (value === null || value === undefined) classes.push("null");
  if (status) classes.push(`st-${status}`);
  if (failedCells.has(`${table}|${row}|${col}`)) classes.push("in-failed-check");
  const tips = [];
  if (status) tips.push(T("status")[status] || status);
  if (failedCells.has(`${table}|${row}|${col}`)) tips.push(T("key_failed"));
  if (prov && prov.text !== undefined) tips.push(`「${shownText(prov)}」 ${prov.start}–${prov.end}`);
  const td = el("td", {
    class: classes.join(" "),
    colSpan: span.colspan || 1,
    rowSpan: span.rowspan || 1,
    title: tips.join(" · ") || undefined,
    "data-table": table,
    "data-row": row,
    "data-col": col,
    "data-status": status || undefined,
    "data-start": prov && prov.start !== undefined ? String(prov.start) : undefined,
    "data-end": prov && prov.end !== undefined ? String(prov.end) : undefined,
  }, formatValue(value, status, prov));
  td.addEventListener("click", () => focusSource(td));
  return td;
}

// One table as the national form prints it (the service's `printed` layout: header spans, row groups).
function printedTable(data, failedCells, name, layout) {
  const head = el("thead"), body = el("tbody");
  layout.rows.forEach((cells, i) => {
    const tr = el("tr");
    for (const c of cells) {
      const span = { colSpan: c.colspan || 1, rowSpan: c.rowspan || 1 };
      if (c.kind === "value") tr.append(valueCell(data, failedCells, name, c.row, c.col, c));
      else tr.append(el("th", { ...span, class: `k-${c.kind}`, scope: c.kind === "head" ? "col" : "row" }, c.text));
    }
    (i < layout.header_rows ? head : body).append(tr);
  });
  return el("div", { class: "table-scroll" }, el("table", { class: `report t-${name}` }, head, body));
}

function renderTables(data, failedCells) {
  const out = $("tables");
  out.replaceChildren();
  const spec = (INFO && data.template && INFO.templates[data.template]) || {};
  $("cell-key").replaceChildren(
    ...["inferred", "unreadable", "missing", "blank"].map((s) => el("span", { class: `key st-${s}` }, T("status")[s])),
    el("span", { class: "key in-failed-check" }, T("key_failed")),
  );
  for (const [name, rows] of Object.entries(data.tables || {})) {
    const tspec = spec[name];
    // a report of no format (older than 2019) has the contract's three tables too: titled as printed in either format
    const title = tspec ? tspec.title : get(INFO, "templates", "2021", name, "title") || name;
    const block = el("div", { class: "table-block", "data-table": name }, el("h3", {}, title));
    if (rows === null) block.append(el("p", { class: "absent" }, T(data.old_format ? "absent_old" : "absent")));
    else if (tspec && tspec.printed) block.append(printedTable(data, failedCells, name, tspec.printed));
    else {
      // no layout for this template: one plain grid, rows × columns as in the JSON
      const cols = [...new Set(Object.values(rows).flatMap((r) => Object.keys(r)))];
      const layout = {
        header_rows: 1,
        rows: [
          [{ kind: "corner", text: "" }, ...cols.map((c) => ({ kind: "head", text: c }))],
          ...Object.entries(rows).map(([r, cells]) => [
            { kind: "label", text: r },
            ...cols.map((c) => (c in cells ? { kind: "value", row: r, col: c } : { kind: "label", text: "" })),
          ]),
        ],
      };
      block.append(printedTable(data, failedCells, name, layout));
    }
    out.append(block);
  }
}

// ---- wiring ---------------------------------------------------------------------------------

$("extract-form").addEventListener("submit", submit);
$("yoy-form").addEventListener("submit", submitYoy);
$("lang-switch").addEventListener("click", switchLanguage);
$("report-file").addEventListener("change", () => {
  const f = $("report-file").files[0];
  if (f) setStatus("will_upload", f.name);
  else setStatus(null);
});
$("doc-text").addEventListener("click", (e) => {
  const mark = e.target.closest("mark");
  if (mark) focusCellOf(mark);
});
for (const b of $("downloads").querySelectorAll("button")) b.addEventListener("click", () => download(b.dataset.format));
applyLanguage();
loadInfo().catch((e) => showError("network", `${T("network")}: ${e}`));
