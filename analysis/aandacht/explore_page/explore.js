/* aandacht explore: the page. It shows the scenario's levers, sends the
 * settings to the server when one moves (POST /api/run), and draws the weeks
 * the server streams (server-sent events, /api/events) with uPlot: the run
 * with the page's levers (solid) over the reference (dashed), bands of the
 * seeds when more than one is asked for, and the decision card the server
 * makes when a run is done. Nothing here is fetched from the network. */
"use strict";

const CHARTS = [
  {id: "share", title: "Market share, %", fig: "market_share", per: "brand", scale: 100},
  {id: "profit", title: "Profit a week (13-week mean)", fig: "profit", per: "brand", smooth: 13},
  {id: "loyalty", title: "Loyalty (0 to 1)", fig: "mean_loyalty", per: "brand"},
  {id: "scarcity", title: "Attention scarcity (0 to 1)", fig: "attention_scarcity", per: "market"},
  {id: "jobs", title: "Jobs (people employed, all brands)", fig: "jobs", per: "market"},
  {id: "tips", title: "Tip rate, % of the bill", fig: "brand_tip_rate", per: "brand", scale: 100},
];
const MARKET_COLOR = "#1a1a1a";

const S = {
  page: null, scenario: null, limits: null, colors: [],
  shown: 0,                  // the run whose weeks are drawn
  reps: 1, weeks: 0,
  pol: [], ref: [],          // per seed: {fig: Array(weeks)}
  charts: {}, dirty: false,
  present: null, presentIndex: 0,
  timer: null, posted: {},   // run -> time the settings were sent
};
window.exploreTimings = {};  // run -> {moved, posted, firstDrawn, finished} (ms): for measuring
window.exploreState = S;

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
};

function status(text, kind = "") {
  const s = $("status");
  s.textContent = text;
  s.className = "status " + kind;
}

/* ------------------------------------------------------------ levers */

function leverRow(lv) {
  const row = el("div", {class: "row", "data-lever": lv.id});
  const id = "lever-" + lv.id.replace(/[^A-Za-z0-9_-]/g, "_");
  const msg = el("div", {class: "msg", "data-for": lv.id, role: "alert"});
  if (lv.kind === "bool" || lv.kind === "switch") {
    row.className = "row check";
    const box = el("input", {type: "checkbox", id, "data-id": lv.id});
    box.checked = !!lv.value;
    box.addEventListener("change", changed);
    row.append(box, el("label", {for: id, text: lv.label}), msg);
    return row;
  }
  row.append(el("label", {for: id, text: lv.label}));
  if (lv.kind === "enum") {
    const sel = el("select", {id, "data-id": lv.id});
    for (const v of lv.values) sel.append(el("option", {value: v, text: v === "" ? "(no shock)" : v}));
    sel.value = String(lv.value);
    sel.addEventListener("change", changed);
    row.append(el("div", {class: "control single"}, sel), msg);
    return row;
  }
  const range = el("input", {type: "range", min: lv.min, max: lv.max, step: lv.step || "any",
                             "aria-label": lv.label + " (slider)"});
  range.value = lv.value;
  const text = el("input", {type: "text", id, "data-id": lv.id, inputmode: "decimal", spellcheck: "false",
                            autocomplete: "off"});
  text.value = String(lv.value);
  range.addEventListener("input", () => { text.value = range.value; changed(150); });
  text.addEventListener("change", () => {
    const x = Number(text.value);
    if (text.value.trim() !== "" && Number.isFinite(x)) range.value = x;
    changed();
  });
  text.addEventListener("keydown", (e) => { if (e.key === "Enter") text.dispatchEvent(new Event("change")); });
  row.append(el("div", {class: "control"}, range, text), msg);
  return row;
}

function buildLevers(sc) {
  S.scenario = sc;
  $("scenario-name").textContent = sc.name;
  document.title = "aandacht explore: " + sc.name;
  const capped = $("capped"), lim = S.limits || {};
  capped.hidden = false;
  capped.textContent = `Bounds of this explorer: at most ${(lim.max_customers || 0).toLocaleString("en")} customers ` +
    `and ${(lim.max_weeks || 0).toLocaleString("en")} weeks a run, one run at a time.` +
    (sc.capped.length ? " This scenario is cut to them: " + sc.capped.join(", ") + "." : "");
  const market = $("market-levers").querySelector(".rows");
  const claims = $("claim-levers").querySelector(".rows");
  market.replaceChildren();
  claims.replaceChildren();
  for (const lv of sc.market) (lv.kind === "switch" ? claims : market).append(leverRow(lv));
  const shock = $("shock-levers").querySelector(".rows");
  shock.replaceChildren(...sc.shock.map(leverRow));
  const tabs = $("brand-levers").querySelector(".tabs");
  const panels = $("brand-levers").querySelector(".panels");
  tabs.replaceChildren();
  panels.replaceChildren();
  sc.brands.forEach((b, i) => {
    const tab = el("button", {type: "button", role: "tab", "data-brand": String(i), "aria-selected": String(i === 0)},
                   el("span", {class: "swatch", style: "background:" + S.colors[i]}), b);
    const panel = el("div", {class: "panel", role: "tabpanel", "data-brand": String(i)});
    panel.hidden = i !== 0;
    for (const lv of sc.brand_levers[i]) panel.append(leverRow(lv));
    tab.addEventListener("click", () => {
      for (const t of tabs.children) t.setAttribute("aria-selected", String(t === tab));
      for (const p of panels.children) p.hidden = p !== panel;
    });
    tabs.append(tab);
    panels.append(panel);
  });
  $("save-name").value = sc.name + "_explored";
  buildCharts();
}

function leverValues() {
  const out = {};
  for (const e of document.querySelectorAll("#levers [data-id]")) {
    out[e.dataset.id] = e.type === "checkbox" ? e.checked : e.value;
  }
  return out;
}

function markMoved() {
  const sc = S.scenario;
  const vals = leverValues();
  sc.brands.forEach((b, i) => {
    const moved = sc.brand_levers[i].some((lv) => String(vals[lv.id]) !== String(lv.value) &&
                                                  Number(vals[lv.id]) !== Number(lv.value));
    const tab = document.querySelector(`#brand-levers .tabs [data-brand="${i}"]`);
    if (tab) tab.classList.toggle("moved", moved);
  });
}

/* a lever moved: the settings go to the server at once, or, while a slider
 * is dragged, when it has rested for `wait` ms */
function changed(wait) {
  if (!S.moved) S.moved = performance.now();
  markMoved();
  clearTimeout(S.timer);
  S.timer = setTimeout(send, typeof wait === "number" ? wait : 0);
}

function showErrors(errors) {
  for (const m of document.querySelectorAll("#levers .msg")) {
    m.textContent = "";
    m.closest(".row").classList.remove("invalid");
  }
  let other = [];
  for (const [id, text] of Object.entries(errors || {})) {
    const m = document.querySelector(`#levers .msg[data-for="${CSS.escape(id)}"]`);
    if (m) {
      m.textContent = text;
      m.closest(".row").classList.add("invalid");
      const panel = m.closest(".panel");
      if (panel && panel.hidden) document.querySelector(`#brand-levers .tabs [data-brand="${panel.dataset.brand}"]`).click();
    } else other.push(text);
  }
  if (other.length) status(other.join("; "), "failed");
  else if (Object.keys(errors || {}).length) status("Not run: the engine refused a value (see the message by the lever).", "failed");
}

async function post(path, body) {
  const r = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json"},
                               body: JSON.stringify(Object.assign({page: S.page}, body))});
  let data = null;
  try { data = await r.json(); } catch (e) { data = {ok: false, error: await r.text()}; }
  return data;
}

async function send() {
  if (!S.page) return;
  const t = performance.now(), moved = S.moved || t;
  S.moved = null;
  const res = await post("/api/run", {levers: leverValues(), replications: Number($("replications").value)});
  if (res.ok) {
    window.exploreTimings[res.run] = Object.assign(window.exploreTimings[res.run] || {}, {moved, posted: t});
    showErrors({});
  } else if (res.errors) {
    showErrors(res.errors);
  }
}

/* ------------------------------------------------------------ charts */

function chartSeries(def, big) {
  const sc = S.scenario;
  const series = [{label: "week"}];
  const bands = [];
  const groups = def.per === "brand" ? sc.brands.map((b, i) => [b, S.colors[i]]) : [["market", MARKET_COLOR]];
  const w = big ? 4 : 2;
  for (const [name, color] of groups) {
    const base = series.length;
    series.push({label: name + " (reference)", stroke: color, width: w * 0.7, dash: [8, 6]});
    series.push({label: name, stroke: color, width: w});
    series.push({label: name + " lowest", stroke: "transparent", width: 0, points: {show: false}});
    series.push({label: name + " highest", stroke: "transparent", width: 0, points: {show: false}});
    series.push({label: name + " ref lowest", stroke: "transparent", width: 0, points: {show: false}});
    series.push({label: name + " ref highest", stroke: "transparent", width: 0, points: {show: false}});
    bands.push({series: [base + 3, base + 2], fill: color + "33"});
    bands.push({series: [base + 5, base + 4], fill: color + "1a"});
  }
  return {series, bands};
}

function chartOpts(def, width, height, big) {
  const {series, bands} = chartSeries(def, big);
  const font = big ? "22px system-ui, sans-serif" : "13px system-ui, sans-serif";
  const axis = {font, stroke: "#444", grid: {stroke: "#e6e6e6"}, ticks: {stroke: "#ccc"}};
  return {
    width, height, series, bands,
    legend: {show: false},
    cursor: {points: {show: false}},
    scales: {x: {time: false, auto: false, range: [0, Math.max(1, S.weeks - 1)]}},
    axes: [Object.assign({label: "recorded week", labelFont: font, size: big ? 70 : 40}, axis),
           Object.assign({size: big ? 110 : 60,
                          values: (u, vals) => vals.map((v) => Math.abs(v) >= 1000 ? v.toLocaleString("en") : +v.toFixed(3))},
                         axis)],
  };
}

function buildCharts() {
  const box = $("charts");
  for (const c of Object.values(S.charts)) c.u.destroy();
  S.charts = {};
  box.replaceChildren();
  for (const def of CHARTS) {
    const btn = el("button", {type: "button", title: "show this chart at projector size", text: "Present"});
    const div = el("div", {class: "chart", id: "chart-" + def.id, "data-chart": def.id},
                   el("h3", {}, el("span", {text: def.title}), btn));
    box.append(div);
    const width = Math.max(300, div.clientWidth || 480);
    const u = new uPlot(chartOpts(def, width, 260, false), emptyData(def), div);
    S.charts[def.id] = {def, u, div};
    btn.addEventListener("click", () => present(CHARTS.indexOf(def)));
  }
  buildLegend($("legend"));
}

function buildLegend(box, def) {
  const sc = S.scenario;
  const items = [];
  if (!def || def.per === "brand")
    sc.brands.forEach((b, i) => items.push(el("span", {}, el("i", {style: "border-color:" + S.colors[i]}), b)));
  if (!def || def.per === "market")
    items.push(el("span", {}, el("i", {style: "border-color:" + MARKET_COLOR}), "market"));
  if (def) {
    items.push(el("span", {}, el("i", {style: "border-color:#444"}), "your levers"));
    items.push(el("span", {}, el("i", {class: "dash", style: "border-color:#444"}), "reference"));
  }
  box.replaceChildren(...items);
}

function emptyData(def) {
  const n = Math.max(1, S.weeks);
  const x = Array.from({length: n}, (_, i) => i);
  const groups = def.per === "brand" ? S.scenario.brands.length : 1;
  const d = [x];
  for (let g = 0; g < groups * 6; g++) d.push(new Array(n).fill(null));
  return d;
}

function smooth(arr, k) {
  if (!k) return arr;
  const out = new Array(arr.length).fill(null);
  let sum = 0, n = 0;
  const q = [];
  for (let t = 0; t < arr.length; t++) {
    const v = arr[t];
    q.push(v);
    if (v != null) { sum += v; n++; }
    if (q.length > k) { const o = q.shift(); if (o != null) { sum -= o; n--; } }
    out[t] = v == null ? null : (n ? sum / n : null);
  }
  return out;
}

/* the series of one figure, one group (brand g, or the market), one seed */
function line(store, rep, def, g) {
  const weeks = (store[rep] || {})[def.fig];
  const out = new Array(S.weeks).fill(null);
  if (!weeks) return out;
  for (let t = 0; t < S.weeks; t++) {
    const v = weeks[t];
    if (v == null) continue;
    const x = def.per === "brand" ? v[g] : v;
    out[t] = x == null ? null : x * (def.scale || 1);
  }
  return smooth(out, def.smooth);
}

function band(store, def, g) {
  const lines = [];
  for (let r = 0; r < S.reps; r++) if (store[r] && store[r].complete) lines.push(line(store, r, def, g));
  const lo = new Array(S.weeks).fill(null), hi = new Array(S.weeks).fill(null);
  if (lines.length < 2) return [lo, hi];
  for (let t = 0; t < S.weeks; t++) {
    const vals = lines.map((l) => l[t]).filter((v) => v != null);
    if (vals.length) { lo[t] = Math.min(...vals); hi[t] = Math.max(...vals); }
  }
  return [lo, hi];
}

function chartData(def) {
  const d = emptyData(def);
  const groups = def.per === "brand" ? S.scenario.brands.length : 1;
  for (let g = 0; g < groups; g++) {
    const i = 1 + g * 6;
    d[i] = line(S.ref, 0, def, g);
    d[i + 1] = line(S.pol, 0, def, g);
    [d[i + 2], d[i + 3]] = band(S.pol, def, g);
    [d[i + 4], d[i + 5]] = band(S.ref, def, g);
  }
  return d;
}

function redraw() {
  S.dirty = false;
  for (const c of Object.values(S.charts)) c.u.setData(chartData(c.def));
  if (S.present) S.present.u.setData(chartData(S.present.def));
  if (S.shown && S.pol[0] && S.pol[0].count > 0) {
    const timing = window.exploreTimings[S.shown] = window.exploreTimings[S.shown] || {};
    if (!timing.firstDrawn) timing.firstDrawn = performance.now();
  }
}

function scheduleRedraw() {
  if (!S.dirty) { S.dirty = true; requestAnimationFrame(redraw); }
}

function store(arr, rep) {
  if (!arr[rep]) arr[rep] = {count: 0, complete: false};
  return arr[rep];
}

function addWeek(arr, rep, f) {
  const s = store(arr, rep);
  const t = f.week;
  if (t < 0 || t >= S.weeks) return;
  for (const [k, v] of Object.entries(f.market)) (s[k] = s[k] || new Array(S.weeks).fill(null))[t] = v;
  for (const [k, v] of Object.entries(f.brand)) (s[k] = s[k] || new Array(S.weeks).fill(null))[t] = v;
  s.count++;
}

/* ------------------------------------------------------------ present */

function present(index) {
  S.presentIndex = (index + CHARTS.length) % CHARTS.length;
  const def = CHARTS[S.presentIndex];
  const box = $("presenter");
  box.hidden = false;
  $("presenter-title").textContent = def.title + " \u2014 " + S.scenario.name;
  buildLegend($("presenter-legend"), def);
  const target = $("presenter-chart");
  if (S.present) S.present.u.destroy();
  target.replaceChildren();
  const w = target.clientWidth || window.innerWidth * 0.95, h = Math.max(300, target.clientHeight || window.innerHeight * 0.75);
  S.present = {def, u: new uPlot(chartOpts(def, w, h, true), chartData(def), target)};
  document.body.classList.add("presenting");
}

function leavePresent() {
  if (S.present) S.present.u.destroy();
  S.present = null;
  $("presenter-chart").replaceChildren();
  $("presenter").hidden = true;
  document.body.classList.remove("presenting");
}

/* ------------------------------------------------------------ events */

function onEvent(ev) {
  if (ev.type === "hello") {
    S.page = ev.page;
    S.limits = ev.limits;
    S.colors = ev.scenario.colors;
    const sel = $("scenario-file");
    sel.replaceChildren(...ev.scenarios.map((n) => el("option", {value: n, text: n})));
    sel.value = ev.scenario.path.split("/").pop();
    const reps = $("replications");
    reps.replaceChildren(...[1, 3, 5, 10].filter((n) => n <= ev.limits.max_replications)
      .map((n) => el("option", {value: String(n), text: n === 1 ? "1 (no bands)" : n + " (bands)"})));
    S.weeks = ev.scenario.weeks;
    buildLevers(ev.scenario);
    status("Starting: the reference run of this market…", "busy");
    send();
    return;
  }
  if (ev.run === undefined || ev.run < S.shown) return;
  if (ev.run > S.shown) {
    if (ev.type === "invalid") { showErrors(ev.errors); return; }
    S.shown = ev.run;
    S.pol = []; S.ref = [];
  }
  switch (ev.type) {
    case "start":
      S.reps = ev.replications; S.weeks = ev.weeks;
      $("band-note").hidden = ev.replications < 2;
      status(`Run ${ev.run}: starting…`, "busy");
      break;
    case "warmup":
      status(`Warming up this market for the reference (seed ${ev.replication + 1} of ${S.reps}): ` +
             `week ${ev.step} of ${ev.of}. Once per market: lever moves after it run only the recorded weeks.`, "busy");
      break;
    case "ref-series":
      for (const f of ev.weeks) addWeek(S.ref, ev.replication, f);
      if (ev.weeks.length) status(`Reference, seed ${ev.replication + 1} of ${S.reps}: week ${ev.weeks[ev.weeks.length - 1].week + 1} of ${S.weeks}`, "busy");
      scheduleRedraw();
      break;
    case "ref-done":
      store(S.ref, ev.replication).complete = true;
      scheduleRedraw();
      break;
    case "running":
      status(`Running your levers, seed ${ev.replication + 1} of ${S.reps}…`, "busy");
      break;
    case "week":
      addWeek(S.pol, ev.replication, ev.figures);
      if (ev.figures.week % 13 === 0 || ev.figures.week === S.weeks - 1)
        status(`Running your levers, seed ${ev.replication + 1} of ${S.reps}: week ${ev.figures.week + 1} of ${S.weeks}`, "busy");
      scheduleRedraw();
      break;
    case "decision":
      store(S.pol, ev.replications_done - 1).complete = true;
      showDecision(ev);
      scheduleRedraw();
      break;
    case "finished": {
      const t = window.exploreTimings[ev.run] = window.exploreTimings[ev.run] || {};
      t.finished = performance.now();
      t.serverSeconds = ev.seconds;
      status(`Done: ${S.reps} seed${S.reps > 1 ? "s" : ""} in ${ev.seconds.toFixed(1)} s` +
             (ev.first_week != null ? ` (first week after ${ev.first_week.toFixed(2)} s)` : "") + ".", "done");
      document.body.dataset.finished = String(ev.run);
      break;
    }
    case "failed":
      status("The run failed: " + ev.message, "failed");
      break;
    case "invalid":
      showErrors(ev.errors);
      break;
  }
}

function showDecision(ev) {
  const box = $("decision");
  if (!ev.cards.length) {
    box.innerHTML = '<p class="small">No brand lever is moved: this run is the reference. Move a brand\'s lever ' +
                    "to see what its policy does to profit, market share, loyalty and jobs.</p>";
    return;
  }
  const lead = el("p", {class: "lead", text: ev.lead});
  box.replaceChildren(lead);
  for (const c of ev.cards) box.insertAdjacentHTML("beforeend", c.html);
  box.dataset.run = String(S.shown);
}

function connect() {
  const src = new EventSource("/api/events");
  src.onmessage = (m) => onEvent(JSON.parse(m.data));
  src.onerror = () => { status("Connection to the explorer lost: is `aandacht explore` still running?", "failed"); };
  S.source = src;
}

/* ------------------------------------------------------------ buttons */

async function save(replace) {
  const name = $("save-name").value.trim();
  const msg = $("save-msg");
  msg.className = "msg-info";
  msg.textContent = "Saving…";
  const res = await post("/api/save", {name, replace: !!replace});
  if (res.ok) {
    msg.textContent = `Saved ${res.path}. Run it with: ${res.run}`;
  } else if (res.exists && confirm(res.error + "\n\nReplace it?")) {
    return save(true);
  } else {
    msg.className = "msg-info bad";
    msg.textContent = res.error || "not saved";
  }
}

async function report() {
  const msg = $("report-msg");
  msg.className = "msg-info";
  msg.textContent = "Writing the report (it runs more seeds when more than one is chosen)…";
  $("report-button").disabled = true;
  try {
    const res = await post("/api/report", {});
    if (res.ok) {
      msg.replaceChildren("Report: ", el("a", {href: res.url, target: "_blank", id: "report-link", text: res.path}));
    } else {
      msg.className = "msg-info bad";
      msg.textContent = res.error || "no report";
    }
  } finally {
    $("report-button").disabled = false;
  }
}

async function chooseScenario() {
  const res = await post("/api/scenario", {file: $("scenario-file").value});
  if (!res.ok) { status(res.error, "failed"); return; }
  res.scenario.colors = res.scenario.colors || S.colors;
  S.colors = res.scenario.colors;
  S.weeks = res.scenario.weeks;
  S.pol = []; S.ref = [];
  buildLevers(res.scenario);
  $("decision").innerHTML = '<p class="small">The decision card appears when a run is done.</p>';
  send();
}

window.addEventListener("DOMContentLoaded", () => {
  $("save-button").addEventListener("click", () => save(false));
  $("report-button").addEventListener("click", report);
  $("present").addEventListener("click", () => present(S.presentIndex));
  $("presenter-close").addEventListener("click", leavePresent);
  $("presenter-prev").addEventListener("click", () => present(S.presentIndex - 1));
  $("presenter-next").addEventListener("click", () => present(S.presentIndex + 1));
  $("replications").addEventListener("change", changed);
  $("scenario-file").addEventListener("change", chooseScenario);
  document.addEventListener("keydown", (e) => {
    if (!S.present) return;
    if (e.key === "Escape") leavePresent();
    else if (e.key === "ArrowRight") present(S.presentIndex + 1);
    else if (e.key === "ArrowLeft") present(S.presentIndex - 1);
  });
  window.addEventListener("resize", () => {
    for (const c of Object.values(S.charts)) c.u.setSize({width: Math.max(300, c.div.clientWidth), height: 260});
    if (S.present) present(S.presentIndex);
  });
  connect();
});
