/**
 * The one script of the report: hovering a point of the face map shows the face (cropped
 * from its contact sheet), its file name, cluster and person; clicking opens its cluster.
 * Reads its data from `<script type="application/json" id="map-data">` and writes text only
 * with `textContent`, so file names never become markup.
 * @module
 */

/**
 * Data of the map script: `w`, `h` (SVG size), `xy` (interleaved pixel coordinates), `names`
 * (hover text per point), `cluster` (id or -1), `person` (true identity id or -1, optional),
 * `people` (identity names), `tiles` (per point `[sheet, x, y]` or 0), `sheets` (per sheet `[ref, width, height]`,
 * ref a URL or `#id` of an `<img>`), `tile` (tile edge), `clusterHref` (link with `{id}`).
 */
export interface MapData {
  /** SVG width. */
  w: number;
  /** SVG height. */
  h: number;
  /** Interleaved point coordinates in SVG pixels. */
  xy: number[];
  /** Hover text per point. */
  names: string[];
  /** Shown cluster per point (-1: unassigned). */
  cluster: number[];
  /** True identity per point, when known. */
  person?: number[];
  /** Names of the true identities. */
  people?: string[];
  /** Per point: `[sheet index, x, y]` of its thumbnail, or 0 when it has none. */
  tiles: ([number, number, number] | 0)[];
  /** Per sheet: image reference, width, height. */
  sheets: [string, number, number][];
  /** Tile edge in pixels. */
  tile: number;
  /** Link to a cluster, `{id}` standing for its id. */
  clusterHref: string;
}

/** The map script (trusted constant code, allowed by its hash). */
export const MAP_SCRIPT = `(function () {
  var holder = document.getElementById("map-data");
  var svg = document.getElementById("map");
  var tip = document.getElementById("map-tip");
  if (!holder || !svg || !tip) return;
  var d = JSON.parse(holder.textContent);
  var n = d.cluster.length, cell = 10, grid = new Map();
  for (var i = 0; i < n; i++) {
    var key = Math.floor(d.xy[2 * i] / cell) + ":" + Math.floor(d.xy[2 * i + 1] / cell);
    var list = grid.get(key);
    if (list) list.push(i); else grid.set(key, [i]);
  }
  var face = tip.querySelector(".face"), title = tip.querySelector(".name"), meta = tip.querySelector(".meta");
  var ring = document.getElementById("map-ring");
  var current = -1;
  function nearest(px, py) {
    var best = -1, bestD = 100, cx = Math.floor(px / cell), cy = Math.floor(py / cell);
    for (var gx = cx - 1; gx <= cx + 1; gx++) for (var gy = cy - 1; gy <= cy + 1; gy++) {
      var l = grid.get(gx + ":" + gy);
      if (!l) continue;
      for (var k = 0; k < l.length; k++) {
        var j = l[k], dx = d.xy[2 * j] - px, dy = d.xy[2 * j + 1] - py, dd = dx * dx + dy * dy;
        if (dd < bestD) { bestD = dd; best = j; }
      }
    }
    return best;
  }
  function imageOf(ref) {
    if (ref.charAt(0) !== "#") return ref;
    var img = document.getElementById(ref.slice(1));
    return img ? img.getAttribute("src") : "";
  }
  function hide() { tip.hidden = true; ring.setAttribute("r", "0"); current = -1; svg.style.cursor = ""; }
  svg.addEventListener("mousemove", function (e) {
    var r = svg.getBoundingClientRect();
    var px = (e.clientX - r.left) * d.w / r.width, py = (e.clientY - r.top) * d.h / r.height;
    var i = nearest(px, py);
    if (i < 0) { hide(); return; }
    current = i;
    ring.setAttribute("cx", d.xy[2 * i]); ring.setAttribute("cy", d.xy[2 * i + 1]); ring.setAttribute("r", "6");
    svg.style.cursor = d.cluster[i] >= 0 ? "pointer" : "";
    var t = d.tiles[i];
    if (t) {
      var s = d.sheets[t[0]], src = imageOf(s[0]), scale = 96 / d.tile;
      face.style.backgroundImage = src ? "url(\\"" + src + "\\")" : "";
      face.style.backgroundSize = (s[1] * scale) + "px " + (s[2] * scale) + "px";
      face.style.backgroundPosition = (-t[1] * scale) + "px " + (-t[2] * scale) + "px";
      face.style.display = "block";
    } else face.style.display = "none";
    title.textContent = d.names[i];
    var bits = [d.cluster[i] >= 0 ? "cluster " + d.cluster[i] : "unassigned"];
    if (d.person && d.people) bits.push("person: " + d.people[d.person[i]]);
    meta.textContent = bits.join(" · ");
    tip.hidden = false;
    var box = svg.parentNode.getBoundingClientRect();
    var x = e.clientX - box.left + 14, y = e.clientY - box.top + 14;
    if (x + tip.offsetWidth > box.width) x = e.clientX - box.left - tip.offsetWidth - 14;
    if (y + tip.offsetHeight > box.height) y = e.clientY - box.top - tip.offsetHeight - 14;
    tip.style.left = Math.max(0, x) + "px";
    tip.style.top = Math.max(0, y) + "px";
  });
  svg.addEventListener("mouseleave", hide);
  svg.addEventListener("click", function () {
    if (current >= 0 && d.cluster[current] >= 0) location.href = d.clusterHref.replace("{id}", d.cluster[current]);
  });
})();
`;
