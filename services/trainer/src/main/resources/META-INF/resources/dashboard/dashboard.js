// The trainer's dashboard: runs, per-step charts, the archive tree, programs with their parent's diff, the best
// program. Plain JavaScript and SVG, served by the trainer; it reads the run API and follows /runs/updates (SSE).
"use strict";

const state = { runId: null, programId: null, best: null, refreshTimer: null, unit: "" };

/** A score with the run's unit, if it has one. */
function score(v) {
  return fmt(v, 5) + (state.unit ? " " + state.unit : "");
}
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = tag.startsWith("svg:")
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

async function api(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  if (r.status === 404) return null;
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
}

const fmt = (x, digits = 4) => (x === null || x === undefined || Number.isNaN(x)) ? "–"
  : Math.abs(x) >= 1000 ? x.toFixed(1) : Number(x.toPrecision(digits)).toString();
const ago = (ms) => ms < 60000 ? Math.round(ms / 1000) + " s" : Math.floor(ms / 60000) + " min "
  + Math.round((ms % 60000) / 1000) + " s";

// --- runs ---------------------------------------------------------------------------------------------------------

async function loadRuns() {
  const runs = await api("/runs") || [];
  const list = $("runs");
  list.replaceChildren(...runs.map((r) => {
    const a = el("a", { href: "#run=" + r.id, "data-run": r.id, class: r.id === state.runId ? "selected" : null },
      r.id, el("small", {}, r.status + " · " + r.stepsDone + "/" + r.config.steps + " steps · " + r.problemId));
    return el("li", {}, a);
  }));
  if (!state.runId && runs.length && !location.hash) {
    location.hash = "run=" + runs[0].id;
  }
}

function route() {
  const params = new URLSearchParams(location.hash.slice(1));
  const runId = params.get("run");
  const programId = params.get("program");
  const changed = runId !== state.runId;
  if (changed) state.unit = "";
  state.runId = runId;
  state.programId = programId;
  $("run").hidden = !runId;
  $("empty").hidden = !!runId;
  document.querySelectorAll("#runs a").forEach((a) => a.classList.toggle("selected", a.dataset.run === runId));
  if (runId && changed) refreshRun();
  else if (runId) showProgram();
}

// --- one run ------------------------------------------------------------------------------------------------------

async function refreshRun() {
  const runId = state.runId;
  if (!runId) return;
  const [run, steps, archive, best, progress] = await Promise.all([api("/runs/" + runId),
    api("/runs/" + runId + "/steps"), api("/runs/" + runId + "/archive"), api("/runs/" + runId + "/best"),
    api("/runs/" + runId + "/progress")]);
  if (runId !== state.runId || !run) return;
  $("run-title").textContent = run.id;
  $("run-status").textContent = run.status;
  $("run-status").dataset.status = run.status;
  $("run-config").textContent = run.problemId + " on " + run.config.target + " · " + run.config.steps + " steps × "
    + run.config.groupsPerBatch + " groups × " + run.config.groupSize + " samples · backend "
    + run.config.trainingBackend + (run.message ? " · " + run.message : "");
  // The pack's score (a runtime in µs for TriMul, a sum of radii for circle packing), named by the best candidate.
  if (best) state.unit = best.scoreUnit === "us" ? "µs" : (best.scoreUnit || "");
  showProgress(progress);
  drawCharts(steps || []);
  drawTree(archive || [], run.bestCandidateId);
  showBest(best);
  await showProgram();
}

function showProgress(p) {
  $("run-progress").textContent = p ? "step " + (p.step + 1) + "/" + p.steps + ": " + p.evaluated + "/" + p.asked
    + " evaluated (" + p.failed + " failed), " + p.groupsOut + "/" + p.groups + " groups out, " + ago(p.elapsedMs)
    : "";
}

function scheduleRefresh() {
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(() => {
    state.refreshTimer = null;
    refreshRun();
    loadRuns();
  }, 400);
}

// --- charts -------------------------------------------------------------------------------------------------------

const CHARTS = [
  { id: "reward", title: "Reward (max, mean)", series: [["max", (m) => m.rewardMax, "#2563eb"],
    ["mean", (m) => m.rewardMean, "#16a34a"]] },
  { id: "best", title: () => "Best score so far" + (state.unit ? " (" + state.unit + ")" : ""), series: [["best", (m) => m.bestRuntimeSoFarUs, "#9333ea"]] },
  { id: "mixed", title: "Fraction of mixed groups", series: [["mixed", (m) => m.fracMixed, "#ea580c"]] },
  { id: "beta", title: "Entropic β", series: [["beta", (m) => m.beta, "#0891b2"]] },
  { id: "kl", title: "KL(policy ‖ base)", series: [["kl", (m) => m.klPolicyBase, "#be123c"]] },
];

function drawCharts(steps) {
  $("charts").replaceChildren(...CHARTS.map((c) => chart(c, steps)));
}

function chart(c, steps) {
  const W = 300, H = 140, L = 44, R = 8, T = 8, B = 20;
  const svg = el("svg:svg", { viewBox: `0 0 ${W} ${H}`, "data-steps": steps.length });
  const values = c.series.flatMap(([, f]) => steps.map(f)).filter((v) => v !== null && Number.isFinite(v));
  let lo = Math.min(...values), hi = Math.max(...values);
  if (!values.length) { lo = 0; hi = 1; }
  if (hi === lo) { hi += Math.abs(hi) * 0.1 || 1; lo -= Math.abs(lo) * 0.1 || 0; }
  const n = Math.max(steps.length - 1, 1);
  const x = (i) => L + (W - L - R) * (steps.length === 1 ? 0.5 : i / n);
  const y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  svg.append(el("svg:line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#ccd" }),
    el("svg:line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#ccd" }),
    el("svg:text", { x: L - 4, y: T + 8, "text-anchor": "end", "font-size": 9, fill: "#667" }, fmt(hi, 3)),
    el("svg:text", { x: L - 4, y: H - B, "text-anchor": "end", "font-size": 9, fill: "#667" }, fmt(lo, 3)),
    el("svg:text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle", "font-size": 9, fill: "#667" }, "step"));
  if (steps.length) {
    svg.append(el("svg:text", { x: x(0), y: H - 8, "text-anchor": "middle", "font-size": 9, fill: "#667" },
      steps[0].step));
  }
  if (steps.length > 1) {
    svg.append(el("svg:text", { x: x(steps.length - 1), y: H - 8, "text-anchor": "middle", "font-size": 9,
      fill: "#667" }, steps[steps.length - 1].step));
  }
  for (const [name, f, color] of c.series) {
    const pts = steps.map((m, i) => [i, f(m)]).filter(([, v]) => v !== null && Number.isFinite(v));
    if (pts.length > 1) {
      svg.append(el("svg:polyline", { points: pts.map(([i, v]) => x(i) + "," + y(v)).join(" "), fill: "none",
        stroke: color, "stroke-width": 1.5 }));
    }
    for (const [i, v] of pts) {
      const dot = el("svg:circle", { cx: x(i), cy: y(v), r: 2.5, fill: color, class: "point", "data-series": name,
        "data-step": steps[i].step });
      dot.append(el("svg:title", {}, name + " at step " + steps[i].step + ": " + fmt(v)));
      svg.append(dot);
    }
  }
  const legend = el("div", { class: "legend" },
    ...c.series.map(([name, , color]) => el("span", { style: "color:" + color }, "● " + name)));
  return el("div", { class: "chart", id: "chart-" + c.id }, el("h4", {}, typeof c.title === "function" ? c.title() : c.title), svg, legend);
}

// --- archive tree -------------------------------------------------------------------------------------------------

function drawTree(nodes, bestId) {
  const ids = new Set(nodes.map((n) => n.id));
  const children = new Map();
  for (const n of nodes) {
    const parent = n.parentId && ids.has(n.parentId) ? n.parentId : (n.parentId || "initial");
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(n);
  }
  const roots = [...children.keys()].filter((p) => !ids.has(p));
  const item = (n) => {
    const ok = n.runtimeUs !== null && n.runtimeUs !== undefined;
    const label = "step " + n.step + " · g" + n.group + " · " + (ok ? score(n.runtimeUs) : n.status);
    const a = el("a", { href: "#run=" + state.runId + "&program=" + encodeURIComponent(n.id), "data-node": n.id,
      class: (ok ? "ok" : "fail") + (n.id === bestId ? " best" : ""), title: n.id }, label);
    const kids = children.get(n.id) || [];
    return el("li", {}, a, ...(kids.length ? [el("ul", {}, ...kids.map(item))] : []));
  };
  const tree = el("ul", {}, ...roots.map((r) => el("li", { "data-root": r }, el("span", { class: "muted" }, r),
    el("ul", {}, ...children.get(r).map(item)))));
  $("tree").replaceChildren(tree);
  $("tree").dataset.nodes = nodes.length;
}

// --- programs and diffs -------------------------------------------------------------------------------------------

async function showProgram() {
  const panel = $("program-panel");
  if (!state.programId) { panel.hidden = true; return; }
  const p = await api("/runs/" + state.runId + "/programs/" + encodeURIComponent(state.programId));
  if (!p) { panel.hidden = true; return; }
  panel.hidden = false;
  $("program-title").textContent = p.candidateId + " (from " + p.parentId + ")";
  $("program-summary").textContent = p.status + (p.runtimeUs != null ? " · " + score(p.runtimeUs) : "")
    + " · reward " + fmt(p.reward) + (p.message ? " · " + p.message : "")
    + (p.description ? " · " + p.description : "");
  const diff = $("diff");
  if (p.program == null) {
    diff.replaceChildren("(program not kept)");
  } else if (p.parentProgram == null) {
    diff.replaceChildren(...p.program.split("\n").map((l) => el("span", { class: "add" }, "+ " + l)));
  } else {
    diff.replaceChildren(...lineDiff(p.parentProgram.split("\n"), p.program.split("\n")).map(([op, l]) =>
      el("span", { class: op === "+" ? "add" : op === "-" ? "del" : "same" }, op + " " + l)));
  }
  diff.dataset.candidate = p.candidateId;
  panel.scrollIntoView({ block: "nearest" });
}

/** A line diff by longest common subsequence: [["=", line] | ["-", line] | ["+", line]]. */
function lineDiff(a, b) {
  if (a.length * b.length > 4e6) {
    return [...a.map((l) => ["-", l]), ...b.map((l) => ["+", l])];
  }
  const n = a.length, m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { out.push(["=", a[i]]); i++; j++; }
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push(["-", a[i++]]);
    else out.push(["+", b[j++]]);
  }
  while (i < n) out.push(["-", a[i++]]);
  while (j < m) out.push(["+", b[j++]]);
  return out;
}

// --- best program -------------------------------------------------------------------------------------------------

function showBest(best) {
  state.best = best;
  $("copy-best").disabled = !best;
  if (!best) {
    $("best-summary").textContent = "No correct program yet.";
    $("benchmarks").replaceChildren();
    $("best-program").textContent = "";
    return;
  }
  $("best-summary").replaceChildren(el("a", { href: "#run=" + state.runId + "&program="
    + encodeURIComponent(best.candidateId) }, best.candidateId), ": " + (best.scoreName && best.scoreUnit !== "us" ? best.scoreName + " " : "")
    + score(best.runtimeUs) + ", reward "
    + fmt(best.reward) + (best.description ? " · " + best.description : ""));
  const rows = (best.benchmarks || []).map((b) => el("tr", {}, el("td", {}, b.name), el("td", {}, fmt(b.meanUs, 5)),
    el("td", {}, fmt(b.stdUs, 3)), el("td", {}, fmt(b.bestUs, 5)), el("td", {}, b.runs)));
  $("benchmarks").replaceChildren(...(rows.length ? [el("tr", {}, el("th", {}, "benchmark"), el("th", {}, "mean µs"),
    el("th", {}, "std µs"), el("th", {}, "best µs"), el("th", {}, "runs")), ...rows] : []));
  $("best-program").textContent = best.program || "";
}

async function copyBest() {
  const text = state.best ? state.best.program : "";
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {
    // Without the clipboard API (plain http on another host): select the text and copy it the old way.
    const area = el("textarea", {});
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  $("copied").textContent = "copied " + text.length + " characters";
}

// --- live updates -------------------------------------------------------------------------------------------------

function follow() {
  const source = new EventSource("/runs/updates");
  source.onopen = () => { $("live").textContent = "● live"; $("live").classList.add("on"); };
  source.onerror = () => { $("live").textContent = "○ reconnecting"; $("live").classList.remove("on"); };
  source.onmessage = (e) => {
    const u = JSON.parse(e.data);
    if (u.runId === state.runId) scheduleRefresh();
    else if (u.kind !== "reward") loadRuns();
  };
}

$("copy-best").addEventListener("click", copyBest);
window.addEventListener("hashchange", route);
loadRuns().then(route);
follow();
// The elapsed time of the step in flight moves on between updates.
setInterval(async () => { if (state.runId) showProgress(await api("/runs/" + state.runId + "/progress")); }, 5000);
