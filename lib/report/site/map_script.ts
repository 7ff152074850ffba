/**
 * The one script of the report, the face atlas: every face drawn at its place on the UMAP map
 * in a canvas, as a dot, or as its thumbnail (cropped from its contact sheet) once zoomed in
 * far enough for a face to be readable. The wheel zooms about the pointer, a drag pans, a
 * shift-drag draws a box whose faces are listed beside the map (thumbnail, file name,
 * cluster); hovering a face shows it with its file name, cluster and person, and clicking it
 * opens its cluster. Only the faces in view are drawn, and only the sheets they need are
 * loaded, so that 25,000 faces stay fluid. Reads its data from
 * `<script type="application/json" id="map-data">` and writes text only with `textContent`,
 * so file names never become markup; loads nothing from outside.
 * @module
 */

/**
 * Data of the map script: `w`, `h` (the base box of the coordinates), `xy` (interleaved base
 * coordinates), `pinned` (rows of far outliers drawn on the border), `names` (hover text per
 * face), `cluster` (id or -1) and `colour` (palette index or -1 per face), the same by person
 * when known, `palette`, `grey`, `tiles` (per face `[sheet, x, y]` or 0), `sheets` (per sheet
 * `[ref, width, height]`, ref a URL or `#id` of an `<img>`), `tile` (tile edge), `clusterHref`
 * (link with `{id}`), `clusterNames` (per cluster, the name a review gave its person).
 */
export interface MapData {
  /** Width of the base box. */
  w: number;
  /** Height of the base box. */
  h: number;
  /** Interleaved face coordinates in the base box (outliers on its border). */
  xy: number[];
  /** Rows of the faces that lay far outside and were pinned to the border. */
  pinned: number[];
  /** Hover text per face. */
  names: string[];
  /** Shown cluster per face (-1: unassigned). */
  cluster: number[];
  /** Per shown cluster: the name a review gave its person, or "" (absent when none is named). */
  clusterNames?: string[];
  /** Palette index per face by cluster (-1: grey). */
  colour: number[];
  /** True identity per face, when known. */
  person?: number[];
  /** Names of the true identities. */
  people?: string[];
  /** Palette index per face by person, when known. */
  personColour?: number[];
  /** Colours of the palette. */
  palette: string[];
  /** Colour of faces in no cluster. */
  grey: string;
  /** Per face: `[sheet index, x, y]` of its thumbnail, or 0 when it has none. */
  tiles: ([number, number, number] | 0)[];
  /** Per sheet: image reference, width, height. */
  sheets: [string, number, number][];
  /** Tile edge in pixels. */
  tile: number;
  /** Link to a cluster, `{id}` standing for its id. */
  clusterHref: string;
}

/** Most faces listed for one box selection. */
export const LIST_MAX = 300;

/** The map script (trusted constant code, allowed by its hash). */
export const MAP_SCRIPT = `(function () {
  var holder = document.getElementById("map-data");
  var canvas = document.getElementById("atlas");
  var tip = document.getElementById("map-tip");
  var box = document.getElementById("atlas-box");
  if (!holder || !canvas || !tip || !box || !canvas.getContext) return;
  var d = JSON.parse(holder.textContent);
  var n = d.cluster.length, ctx = canvas.getContext("2d");
  var sel = document.getElementById("atlas-sel"), list = document.getElementById("atlas-list");
  var status = document.getElementById("atlas-status"), reset = document.getElementById("atlas-reset");
  var byPerson = document.getElementById("colour-person"), byCluster = document.getElementById("colour-cluster");
  var pinned = new Uint8Array(n);
  for (var p = 0; p < d.pinned.length; p++) pinned[d.pinned[p]] = 1;
  // Thumbnail edge in base units: about the room each face has, at most 48.
  var base = Math.max(2, Math.min(48, 0.9 * Math.sqrt(d.w * d.h / Math.max(1, n))));
  var READABLE = 14, MAX_THUMB = 96, BUDGET = 2500, LIST_MAX = ${LIST_MAX};
  var k = 1, tx = 0, ty = 0, f = 1, cssW = d.w, cssH = d.h, dpr = 1;
  var sheets = [], queued = false, current = -1, drag = null, moved = false;

  // A spatial grid of the base box, for hovering and box selection.
  var cell = Math.max(4, base), cols = Math.ceil(d.w / cell) + 1, grid = new Map();
  for (var i = 0; i < n; i++) {
    var key = Math.floor(d.xy[2 * i + 1] / cell) * cols + Math.floor(d.xy[2 * i] / cell);
    var l = grid.get(key);
    if (l) l.push(i); else grid.set(key, [i]);
  }
  function colours() { return byPerson && byPerson.checked && d.personColour ? d.personColour : d.colour; }
  function colourOf(c) { return c < 0 ? d.grey : d.palette[c]; }
  function size() { return Math.min(MAX_THUMB, f * k * base); }
  function sx(i) { return f * (k * d.xy[2 * i] + tx); }
  function sy(i) { return f * (k * d.xy[2 * i + 1] + ty); }
  function toBase(cx, cy) { return [(cx / f - tx) / k, (cy / f - ty) / k]; }
  function imageOf(ref) {
    if (ref.charAt(0) !== "#") return ref;
    var img = document.getElementById(ref.slice(1));
    return img ? img.getAttribute("src") : "";
  }
  function sheet(s) {
    var e = sheets[s];
    if (e) return e.ready ? e.img : null;
    var img = new Image();
    e = sheets[s] = { img: img, ready: false };
    img.onload = function () {
      // Decoded once into a bitmap: drawing from the JPEG itself may decode it again per face.
      if (window.createImageBitmap) {
        createImageBitmap(img).then(function (bm) { e.img = bm; e.ready = true; redraw(); },
          function () { e.ready = true; redraw(); });
      } else { e.ready = true; redraw(); }
    };
    img.src = imageOf(d.sheets[s][0]);
    return null;
  }
  function resize() {
    cssW = Math.max(200, Math.min(d.w, box.clientWidth || d.w));
    cssH = cssW * d.h / d.w;
    f = cssW / d.w;
    dpr = window.devicePixelRatio || 1;
    canvas.style.width = cssW + "px";
    canvas.style.height = cssH + "px";
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    redraw();
  }
  function redraw() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(draw);
  }
  function draw() {
    queued = false;
    var began = performance.now();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, cssW, cssH);
    var s = size(), half = s / 2, thumbs = s >= READABLE, col = colours();
    var r = Math.max(1.3, Math.min(4, s / 3)), visible = [], drawn = 0;
    for (var i = 0; i < n; i++) {
      var x = sx(i), y = sy(i);
      if (x < -half || y < -half || x > cssW + half || y > cssH + half) continue;
      visible.push(i);
    }
    // Thumbnails: at most one per cell of about two thirds of a thumbnail (those beneath would
    // be hidden anyway), within a budget; the others, and faces whose sheet is loading, as dots.
    var byColour = new Map(), pins = [], faces = [], cellS = Math.max(1, s * 0.66);
    var gw = Math.ceil(cssW / cellS) + 3, taken = thumbs ? new Uint8Array(gw * (Math.ceil(cssH / cellS) + 3)) : null;
    for (var v = 0; v < visible.length; v++) {
      var j = visible[v], t = d.tiles[j];
      if (thumbs && t) {
        var g = (Math.floor(sy(j) / cellS) + 1) * gw + Math.floor(sx(j) / cellS) + 1;
        if (taken[g]) continue;
        var img = faces.length < BUDGET ? sheet(t[0]) : null;
        if (img) { taken[g] = 1; faces.push(j); continue; }
      }
      if (pinned[j]) pins.push(j);
      var c = colourOf(col[j]), list2 = byColour.get(c);
      if (list2) list2.push(j); else byColour.set(c, [j]);
    }
    byColour.forEach(function (rows, c) {
      ctx.fillStyle = c;
      ctx.beginPath();
      for (var q = 0; q < rows.length; q++) {
        var x = sx(rows[q]), y = sy(rows[q]);
        // Small dots as squares (as good to the eye, and faster with 25,000 of them).
        if (r <= 2) ctx.rect(x - r, y - r, 2 * r, 2 * r);
        else { ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 6.2832); }
      }
      ctx.fill();
    });
    if (faces.length) {
      ctx.imageSmoothingQuality = "low";
      ctx.lineWidth = 2;
      var last = "";
      for (var q = 0; q < faces.length; q++) {
        var j = faces[q], t = d.tiles[j], x0 = sx(j) - half, y0 = sy(j) - half, c = colourOf(col[j]);
        ctx.drawImage(sheets[t[0]].img, t[1], t[2], d.tile, d.tile, x0, y0, s, s);
        if (c !== last) ctx.strokeStyle = last = c;
        ctx.strokeRect(x0 + 1, y0 + 1, s - 2, s - 2);
      }
      drawn = faces.length;
    }
    if (pins.length) {
      ctx.strokeStyle = "#1f2328";
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (var q = 0; q < pins.length; q++) {
        var x = sx(pins[q]), y = sy(pins[q]);
        ctx.moveTo(x + r + 2, y);
        ctx.arc(x, y, r + 2, 0, 6.2832);
      }
      ctx.stroke();
    }
    if (current >= 0) {
      ctx.strokeStyle = "#1f2328";
      ctx.lineWidth = 2;
      ctx.beginPath();
      if (thumbs && d.tiles[current]) ctx.rect(sx(current) - half - 1, sy(current) - half - 1, s + 2, s + 2);
      else ctx.arc(sx(current), sy(current), r + 4, 0, 6.2832);
      ctx.stroke();
    }
    canvas.setAttribute("data-visible", String(visible.length));
    canvas.setAttribute("data-thumbs", String(drawn));
    canvas.setAttribute("data-draw-ms", (performance.now() - began).toFixed(1));
    if (status) {
      status.textContent = "zoom " + (Math.round(k * 10) / 10) + "x · " + visible.length + " of " + n +
        " faces in view" + (thumbs ? "" : " · zoom in to see the faces");
    }
  }
  function nearest(cx, cy) {
    var b = toBase(cx, cy), s = size(), thumbs = s >= READABLE;
    var reach = Math.max(8, thumbs ? s / 2 : 8) / (f * k);
    var best = -1, bestD = reach * reach;
    var gx0 = Math.floor((b[0] - reach) / cell), gx1 = Math.floor((b[0] + reach) / cell);
    var gy0 = Math.floor((b[1] - reach) / cell), gy1 = Math.floor((b[1] + reach) / cell);
    for (var gy = gy0; gy <= gy1; gy++) for (var gx = gx0; gx <= gx1; gx++) {
      var l = grid.get(gy * cols + gx);
      if (!l) continue;
      for (var q = 0; q < l.length; q++) {
        var j = l[q], dx = d.xy[2 * j] - b[0], dy = d.xy[2 * j + 1] - b[1], dd = dx * dx + dy * dy;
        if (dd < bestD) { bestD = dd; best = j; }
      }
    }
    return best;
  }
  function faceBox(el, i, edge) {
    var t = d.tiles[i];
    if (!t) { el.style.display = "none"; return; }
    var s = d.sheets[t[0]], src = imageOf(s[0]), scale = edge / d.tile;
    el.style.backgroundImage = src ? "url(\\"" + src + "\\")" : "";
    el.style.backgroundSize = (s[1] * scale) + "px " + (s[2] * scale) + "px";
    el.style.backgroundPosition = (-t[1] * scale) + "px " + (-t[2] * scale) + "px";
    el.style.display = "block";
  }
  function clusterText(c) {
    var name = d.clusterNames && d.clusterNames[c];
    return name ? name + " · cluster " + c : "cluster " + c;
  }
  function describe(i) {
    var bits = [d.cluster[i] >= 0 ? clusterText(d.cluster[i]) : "unassigned"];
    if (d.person && d.people) bits.push("person: " + d.people[d.person[i]]);
    if (pinned[i]) bits.push("far from the others: drawn at the edge");
    return bits.join(" · ");
  }
  var face = tip.querySelector(".face"), title = tip.querySelector(".name"), meta = tip.querySelector(".meta");
  function hide() { tip.hidden = true; if (current >= 0) { current = -1; redraw(); } canvas.style.cursor = ""; }
  function hover(e) {
    var r = canvas.getBoundingClientRect(), i = nearest(e.clientX - r.left, e.clientY - r.top);
    if (i < 0) { hide(); return; }
    if (i !== current) { current = i; redraw(); }
    canvas.style.cursor = d.cluster[i] >= 0 ? "pointer" : "";
    faceBox(face, i, 96);
    title.textContent = d.names[i];
    meta.textContent = describe(i);
    tip.hidden = false;
    var b = box.getBoundingClientRect();
    var x = e.clientX - b.left + 14, y = e.clientY - b.top + 14;
    if (x + tip.offsetWidth > b.width) x = e.clientX - b.left - tip.offsetWidth - 14;
    if (y + tip.offsetHeight > b.height) y = e.clientY - b.top - tip.offsetHeight - 14;
    tip.style.left = Math.max(0, x) + "px";
    tip.style.top = Math.max(0, y) + "px";
  }
  function select(ax, ay, bx, by) {
    var a = toBase(Math.min(ax, bx), Math.min(ay, by)), b = toBase(Math.max(ax, bx), Math.max(ay, by));
    var rows = [];
    for (var i = 0; i < n; i++) {
      var x = d.xy[2 * i], y = d.xy[2 * i + 1];
      if (x >= a[0] && x <= b[0] && y >= a[1] && y <= b[1]) rows.push(i);
    }
    showList(rows);
  }
  function showList(rows) {
    if (!list) return;
    var ol = list.querySelector("ol"), head = list.querySelector(".count");
    while (ol.firstChild) ol.removeChild(ol.firstChild);
    head.textContent = rows.length === 0 ? "No face in the box."
      : rows.length + (rows.length === 1 ? " face" : " faces") + " selected" +
        (rows.length > LIST_MAX ? " (the first " + LIST_MAX + " listed)" : "") + ".";
    for (var q = 0; q < rows.length && q < LIST_MAX; q++) {
      var i = rows[q], li = document.createElement("li"), thumb = document.createElement("span");
      thumb.className = "face";
      faceBox(thumb, i, 48);
      var name = document.createElement("span");
      name.className = "name";
      name.textContent = d.names[i];
      var where;
      if (d.cluster[i] >= 0) {
        where = document.createElement("a");
        where.href = d.clusterHref.replace("{id}", d.cluster[i]);
        where.textContent = clusterText(d.cluster[i]);
      } else {
        where = document.createElement("span");
        where.textContent = "unassigned";
      }
      where.className = "where";
      li.appendChild(thumb); li.appendChild(name); li.appendChild(where);
      li.setAttribute("data-row", String(i));
      ol.appendChild(li);
    }
    list.hidden = false;
  }
  canvas.addEventListener("wheel", function (e) {
    e.preventDefault();
    var r = canvas.getBoundingClientRect(), cx = (e.clientX - r.left) / f, cy = (e.clientY - r.top) / f;
    var k2 = Math.max(0.5, Math.min(400, k * Math.exp(-e.deltaY * 0.0015)));
    tx = cx - k2 * (cx - tx) / k;
    ty = cy - k2 * (cy - ty) / k;
    k = k2;
    hide();
    redraw();
  }, { passive: false });
  canvas.addEventListener("pointerdown", function (e) {
    if (e.button !== 0) return;
    var r = canvas.getBoundingClientRect();
    drag = { x: e.clientX - r.left, y: e.clientY - r.top, tx: tx, ty: ty, box: e.shiftKey };
    moved = false;
    e.preventDefault();
    if (canvas.setPointerCapture) { try { canvas.setPointerCapture(e.pointerId); } catch (err) { /* synthetic */ } }
  });
  canvas.addEventListener("pointermove", function (e) {
    if (!drag) { hover(e); return; }
    var r = canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
    if (Math.abs(x - drag.x) + Math.abs(y - drag.y) > 4) moved = true;
    if (!moved) return;
    hide();
    if (drag.box) {
      sel.hidden = false;
      sel.style.left = Math.min(x, drag.x) + "px";
      sel.style.top = Math.min(y, drag.y) + "px";
      sel.style.width = Math.abs(x - drag.x) + "px";
      sel.style.height = Math.abs(y - drag.y) + "px";
    } else {
      tx = drag.tx + (x - drag.x) / f;
      ty = drag.ty + (y - drag.y) / f;
      redraw();
    }
  });
  canvas.addEventListener("pointerup", function (e) {
    if (!drag) return;
    var r = canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
    if (drag.box && moved) select(drag.x, drag.y, x, y);
    if (!moved && current >= 0 && d.cluster[current] >= 0) {
      location.href = d.clusterHref.replace("{id}", d.cluster[current]);
    }
    sel.hidden = true;
    drag = null;
  });
  canvas.addEventListener("pointerleave", function () { if (!drag) hide(); });
  if (reset) reset.addEventListener("click", function () { k = 1; tx = 0; ty = 0; redraw(); });
  if (byPerson) byPerson.addEventListener("change", redraw);
  if (byCluster) byCluster.addEventListener("change", redraw);
  window.addEventListener("resize", resize);
  // In a single file the map is a hidden section until opened: fit it when it is shown.
  if (window.ResizeObserver) new ResizeObserver(function () { if (box.clientWidth && Math.abs(box.clientWidth - cssW) > 1) resize(); }).observe(box);
  resize();
})();
`;
