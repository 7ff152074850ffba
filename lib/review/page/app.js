// The review page: clusters as contact sheets, keyboard-driven decisions, the validation
// sample. Every text from the run (file names, names) is set with textContent, never as markup.
"use strict";

const ui = {
  order: "size",
  hidden: false,
  offset: 0,
  limit: 10,
  faces: 40,
  total: 0,
  groups: [],
  focus: 0,
  selected: new Set(),
  anchor: -1,
  mark: null,
  view: "clusters",
  sample: null,
  vfocus: 0,
  wrong: new Map(),
  naming: null,
  busy: 0,
};

const $ = (id) => document.getElementById(id);

/** Builds an element; `props` sets properties (className, textContent, ...), never innerHTML. */
function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "dataset") Object.assign(e.dataset, v);
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function status(text, error = false) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("error", error);
}

async function api(path, body) {
  ui.busy++;
  document.body.dataset.busy = "1";
  try {
    const res = await fetch(
      path,
      body === undefined ? {} : {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      },
    );
    const data = await res.json();
    if (!res.ok) throw new Error(data.error || `${res.status}`);
    return data;
  } finally {
    if (--ui.busy === 0) delete document.body.dataset.busy;
  }
}

function groupTitle(g, index) {
  if (g.name !== undefined) return g.name;
  if (g.kind === "person") return "Unnamed person";
  if (g.kind === "unassigned") return "Unassigned faces";
  if (g.kind === "not-faces") return "Not faces";
  return `Cluster ${index + 1}`;
}

function showSummary(s) {
  $("title").textContent = `Review: ${s.title}`;
  document.title = `Review: ${s.title}`;
  $("counts").textContent = `${s.faces} faces, ${s.groups} clusters shown (${s.hidden} hidden), ` +
    `${s.people} named, ${s.unassigned} unassigned, ${s.notFaces} not faces; ${s.decisions} decisions`;
  $("undo").disabled = !s.canUndo;
  if (s.warnings.length) status(s.warnings.join("; "), true);
}

function faceFigure(f, classes) {
  const fig = el("figure", { className: `face ${classes}`, title: f.label, dataset: { row: String(f.row) } });
  fig.append(
    f.thumb
      ? el("img", { src: `api/thumb/${f.row}`, alt: f.label, loading: "lazy", width: 74, height: 74 })
      : el(
        "div",
        { className: "noimg" },
      ),
    el("figcaption", { textContent: f.label }),
  );
  return fig;
}

function renderGroups() {
  const box = $("groups");
  box.replaceChildren();
  ui.groups.forEach((g, i) => {
    const sec = el("section", {
      className: "group" + (i === ui.focus ? " focus" : "") + (ui.mark?.group === g.id ? " marked" : "") +
        (g.hidden ? " hidden-group" : ""),
      dataset: { id: g.id, index: String(i) },
    });
    const h = el(
      "h2",
      {},
      el("span", { className: "title", textContent: groupTitle(g, ui.offset + i) }),
      el("span", {
        className: "meta",
        textContent: `${g.size} faces, certainty ${g.certainty.toFixed(2)}`,
      }),
    );
    if (g.hidden) h.append(el("span", { className: "badge", textContent: "hidden" }));
    if (g.sampled) h.append(el("span", { className: "badge", textContent: "in the validation sample" }));
    sec.append(h);
    const act = (label, key, fn) =>
      el("button", { type: "button", textContent: `${label} (${key})`, onclick: fn });
    const nameable = g.kind === "person" || g.kind === "cluster";
    const actions = el("div", { className: "actions" });
    if (nameable) actions.append(act("Name", "n", () => startName(i)), act("Merge", "m", () => markOrAct(i)));
    else actions.append(act("Move selected", "m", () => markOrAct(i)));
    actions.append(
      act("Split selected", "s", () => decide(i, "split")),
      act("Not this person", "r", () => decide(i, "reject", { reason: "not-this-person" })),
      act("Not a face", "f", () => decide(i, "reject", { reason: "not-a-face" })),
    );
    if (nameable) actions.append(act(g.hidden ? "Show" : "Hide", "h", () => hide(i)));
    sec.append(actions);
    const sheet = el("div", { className: "sheet" });
    for (const f of g.faces) {
      sheet.append(faceFigure(f, i === ui.focus && ui.selected.has(f.row) ? "selected" : ""));
    }
    sec.append(sheet);
    if (g.faces.length < g.size) {
      sec.append(el("button", {
        type: "button",
        className: "more",
        textContent: `show ${Math.min(200, g.size - g.faces.length)} more of ${g.size - g.faces.length}`,
        onclick: () => more(i),
      }));
    }
    box.append(sec);
  });
  const pages = Math.max(1, Math.ceil(ui.total / ui.limit));
  $("page").textContent = `clusters ${ui.total ? ui.offset + 1 : 0} to ${
    Math.min(ui.total, ui.offset + ui.limit)
  } of ${ui.total} (page ${Math.floor(ui.offset / ui.limit) + 1} of ${pages})`;
  $("prev").disabled = ui.offset === 0;
  $("next").disabled = ui.offset + ui.limit >= ui.total;
  attachNameForm();
}

async function load(keepFocus = true) {
  const q = new URLSearchParams({
    offset: String(ui.offset),
    limit: String(ui.limit),
    order: ui.order,
    faces: String(ui.faces),
    hidden: ui.hidden ? "1" : "0",
  });
  const [data, summary] = await Promise.all([api(`api/clusters?${q}`), api("api/summary")]);
  if (data.groups.length === 0 && ui.offset > 0 && data.total > 0) {
    ui.offset = Math.max(0, Math.floor((data.total - 1) / ui.limit) * ui.limit);
    return load(keepFocus);
  }
  ui.total = data.total;
  ui.groups = data.groups;
  if (!keepFocus) ui.focus = 0;
  ui.focus = Math.min(ui.focus, Math.max(0, ui.groups.length - 1));
  showSummary(summary);
  renderGroups();
  document.body.dataset.ready = "1";
}

async function more(i) {
  const g = ui.groups[i];
  const data = await api(`api/group?${new URLSearchParams({ id: g.id, offset: String(g.faces.length) })}`);
  g.faces.push(...data.faces);
  renderGroups();
}

/** Updates focus, selection and mark on the page as drawn (no redraw: fast with many faces). */
function updateMarks() {
  for (const sec of document.querySelectorAll("#groups .group")) {
    const i = Number(sec.dataset.index);
    sec.classList.toggle("focus", i === ui.focus);
    sec.classList.toggle("marked", ui.mark?.group === sec.dataset.id);
    for (const fig of sec.querySelectorAll(".face")) {
      fig.classList.toggle("selected", i === ui.focus && ui.selected.has(Number(fig.dataset.row)));
    }
  }
  for (const form of document.querySelectorAll("#groups .name-form")) {
    if (!form.closest(".group.focus")) form.remove();
  }
  attachNameForm();
}

function focusGroup(i) {
  if (i !== ui.focus) {
    ui.selected.clear();
    ui.anchor = -1;
    ui.naming = null;
  }
  ui.focus = i;
  updateMarks();
  document.querySelector(".group.focus")?.scrollIntoView({ block: "nearest" });
}

async function step(delta) {
  const next = ui.focus + delta;
  if (next >= 0 && next < ui.groups.length) return focusGroup(next);
  if (delta > 0 && ui.offset + ui.limit < ui.total) {
    ui.offset += ui.limit;
    ui.selected.clear();
    await load(false);
  } else if (delta < 0 && ui.offset > 0) {
    ui.offset = Math.max(0, ui.offset - ui.limit);
    ui.selected.clear();
    await load(false);
    focusGroup(ui.groups.length - 1);
  }
}

const DONE = {
  name: "named",
  merge: "merged",
  split: "split off as a new person",
  move: "moved",
  reject: "rejected",
  hide: "hidden",
  unhide: "shown again",
  verdict: "verdict saved",
};

async function send(body, what) {
  try {
    const r = await api("api/decision", body);
    status(`${what || DONE[body.action]}. (u undoes it; ${r.summary.decisions} decisions saved)`);
    return true;
  } catch (e) {
    status(e.message, true);
    return false;
  }
}

async function decide(i, action, extra = {}) {
  const g = ui.groups[i];
  if (!g) return;
  const rows = i === ui.focus ? [...ui.selected] : [];
  const ok = await send({ action, group: g.id, rows, ...extra });
  if (ok) {
    ui.selected.clear();
    await load();
  }
}

async function hide(i) {
  const g = ui.groups[i];
  if (!g) return;
  if (await send({ action: g.hidden ? "unhide" : "hide", group: g.id })) await load();
}

function startName(i) {
  focusGroup(i);
  const g = ui.groups[i];
  if (!g) return;
  ui.naming = { id: g.id, value: g.name ?? "" };
  attachNameForm(true);
}

/** Shows the name form in the focused group when a name is being typed (kept across re-renders). */
function attachNameForm(select = false) {
  const g = ui.groups[ui.focus];
  const sec = document.querySelector(".group.focus");
  if (!ui.naming || !g || g.id !== ui.naming.id || !sec || sec.querySelector(".name-form")) return;
  const input = el("input", { type: "text", maxLength: 200, value: ui.naming.value, placeholder: "name" });
  input.setAttribute("aria-label", "name");
  input.addEventListener("input", () => ui.naming && (ui.naming.value = input.value));
  const form = el(
    "form",
    { className: "name-form" },
    input,
    el("button", { type: "submit", textContent: "Save" }),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (await send({ action: "name", group: g.id, name: input.value }, "named")) {
      ui.naming = null;
      await load();
    }
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      ui.naming = null;
      form.remove();
    }
  });
  sec.querySelector("h2").after(form);
  input.focus();
  if (select) input.select();
}

async function markOrAct(i) {
  const g = ui.groups[i];
  if (!g) return;
  if (!ui.mark) {
    if (g.kind !== "person" && g.kind !== "cluster" && ui.selected.size === 0) {
      return status("select the faces to move first", true);
    }
    ui.mark = {
      group: g.id,
      rows: i === ui.focus ? [...ui.selected] : [],
      title: groupTitle(g, ui.offset + i),
    };
    updateMarks();
    return status(
      ui.mark.rows.length
        ? `${ui.mark.rows.length} faces to move: go to the cluster they belong to and press m (Esc cancels)`
        : "go to the cluster to merge this one with and press m (Esc cancels)",
    );
  }
  const mark = ui.mark;
  ui.mark = null;
  if (mark.group === g.id) {
    updateMarks();
    return status("cancelled");
  }
  const body = mark.rows.length
    ? { action: "move", group: mark.group, rows: mark.rows, target: g.id }
    : { action: "merge", group: mark.group, target: g.id };
  if (await send(body)) {
    ui.selected.clear();
    await load();
  } else updateMarks();
}

function clickFace(e) {
  const fig = e.target.closest(".face");
  if (!fig) return;
  if (ui.view === "validation") return toggleWrong(fig);
  const sec = fig.closest(".group");
  const i = Number(sec.dataset.index);
  if (i !== ui.focus) focusGroup(i);
  const g = ui.groups[i];
  const row = Number(fig.dataset.row);
  const pos = g.faces.findIndex((f) => f.row === row);
  if (e.shiftKey && ui.anchor >= 0) {
    const [a, b] = ui.anchor < pos ? [ui.anchor, pos] : [pos, ui.anchor];
    for (let p = a; p <= b; p++) ui.selected.add(g.faces[p].row);
  } else if (ui.selected.has(row)) ui.selected.delete(row);
  else ui.selected.add(row);
  ui.anchor = pos;
  updateMarks();
}

// Validation view.

function pct(x) {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "n/a";
}

function renderSample() {
  const s = ui.sample;
  if (!s) return;
  const p = s.precision;
  $("precision").textContent = `Sample of ${p.sampled} clusters (seed ${s.seed}), ${p.checked} checked. ` +
    `Clusters correct: ${p.clusters.k} of ${p.clusters.n} = ${pct(p.clusters.p)} ` +
    `(95% Wilson interval ${pct(p.clusters.low)} to ${pct(p.clusters.high)}). ` +
    `Faces that belong: ${p.faces.k} of ${p.faces.n} = ${pct(p.faces.p)} ` +
    `(${pct(p.faces.low)} to ${pct(p.faces.high)}, faces counted as independent).`;
  const box = $("sample");
  box.replaceChildren();
  s.clusters.forEach((c, i) => {
    const wrong = ui.wrong.get(c.key) ?? new Set(c.wrong ?? []);
    ui.wrong.set(c.key, wrong);
    const sec = el("section", {
      className: "group" + (i === ui.vfocus ? " focus" : ""),
      dataset: { key: c.key, index: String(i) },
    });
    const verdict = c.verdict
      ? el("span", { className: `verdict-${c.verdict}`, textContent: c.verdict })
      : el("span", { className: "meta", textContent: "not checked" });
    sec.append(
      el(
        "h2",
        {},
        el("span", { textContent: `Sampled cluster ${i + 1}` }),
        el("span", { className: "meta", textContent: `${c.size} faces, ${c.faces.length} shown` }),
        verdict,
      ),
      el(
        "div",
        { className: "actions" },
        el("button", { type: "button", textContent: "Correct (c)", onclick: () => verdict_(i, "correct") }),
        el("button", { type: "button", textContent: "Wrong (w)", onclick: () => verdict_(i, "wrong") }),
      ),
    );
    const sheet = el("div", { className: "sheet" });
    for (const f of c.faces) sheet.append(faceFigure(f, wrong.has(f.row) ? "wrong" : ""));
    sec.append(sheet);
    box.append(sec);
  });
}

function toggleWrong(fig) {
  const sec = fig.closest(".group");
  const i = Number(sec.dataset.index);
  ui.vfocus = i;
  const c = ui.sample.clusters[i];
  const row = Number(fig.dataset.row);
  const w = ui.wrong.get(c.key);
  if (w.has(row)) w.delete(row);
  else w.add(row);
  renderSample();
}

async function verdict_(i, verdict) {
  const c = ui.sample?.clusters[i];
  if (!c) return;
  ui.vfocus = i;
  const rows = verdict === "wrong" ? [...(ui.wrong.get(c.key) ?? [])] : [];
  if (await send({ action: "verdict", cluster: c.key, verdict, rows }, `verdict: ${verdict}`)) {
    if (verdict === "correct") ui.wrong.delete(c.key);
    await loadSample();
    if (ui.vfocus < ui.sample.clusters.length - 1) ui.vfocus++;
    renderSample();
  }
}

async function loadSample() {
  const [s, summary] = await Promise.all([api("api/sample"), api("api/summary")]);
  ui.sample = s;
  for (const c of s.clusters) if (c.verdict) ui.wrong.set(c.key, new Set(c.wrong ?? []));
  showSummary(summary);
  renderSample();
}

async function setView(view) {
  ui.view = view;
  $("clusters-view").hidden = view !== "clusters";
  $("validation-view").hidden = view !== "validation";
  $("tab-clusters").setAttribute("aria-pressed", String(view === "clusters"));
  $("tab-validation").setAttribute("aria-pressed", String(view === "validation"));
  if (view === "validation") await loadSample();
  else await load();
}

async function undo() {
  try {
    const r = await api("api/undo", {});
    status(r.undone ? `undid the latest decision (${r.undone})` : "nothing to undo");
  } catch (e) {
    status(e.message, true);
  }
  ui.wrong.clear();
  if (ui.view === "validation") await loadSample();
  else await load();
}

async function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
  const k = e.key;
  if (k === "u") return void (e.preventDefault(), await undo());
  if (k === "v") return void (await setView(ui.view === "clusters" ? "validation" : "clusters"));
  if (ui.view === "validation") {
    const n = ui.sample?.clusters.length ?? 0;
    if (k === "j" && ui.vfocus < n - 1) ui.vfocus++;
    else if (k === "k" && ui.vfocus > 0) ui.vfocus--;
    else if (k === "c") return void (await verdict_(ui.vfocus, "correct"));
    else if (k === "w") return void (await verdict_(ui.vfocus, "wrong"));
    else return;
    renderSample();
    document.querySelector("#sample .group.focus")?.scrollIntoView({ block: "nearest" });
    return;
  }
  const i = ui.focus;
  switch (k) {
    case "j":
      return void (await step(1));
    case "k":
      return void (await step(-1));
    case "n":
      e.preventDefault();
      return startName(i);
    case "m":
      return void (await markOrAct(i));
    case "s":
      return void (await decide(i, "split"));
    case "r":
      return void (await decide(i, "reject", { reason: "not-this-person" }));
    case "f":
      return void (await decide(i, "reject", { reason: "not-a-face" }));
    case "h":
      return void (await hide(i));
    case "Escape":
      ui.selected.clear();
      ui.mark = null;
      status("selection cleared");
      return updateMarks();
  }
}

function start() {
  document.addEventListener("keydown", (e) => {
    onKey(e).catch((err) => status(err.message, true));
  });
  document.addEventListener("click", clickFace);
  $("order").addEventListener("change", (e) => {
    ui.order = e.target.value;
    ui.offset = 0;
    load(false);
  });
  $("show-hidden").addEventListener("change", (e) => {
    ui.hidden = e.target.checked;
    load(false);
  });
  $("undo").addEventListener("click", () => undo());
  $("prev").addEventListener("click", () => step(-ui.focus - 1));
  $("next").addEventListener("click", async () => {
    ui.offset += ui.limit;
    await load(false);
  });
  $("tab-clusters").addEventListener("click", () => setView("clusters"));
  $("tab-validation").addEventListener("click", () => setView("validation"));
  load(false).catch((e) => status(e.message, true));
}

start();
