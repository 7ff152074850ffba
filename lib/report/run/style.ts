/**
 * The report's inline style sheet (no external fonts or resources).
 * @module
 */

/** CSS for every report page. */
export const REPORT_CSS = `
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--accent:#0969da}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1320px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:22px;margin:0 0 2px}
h2{font-size:17px;margin:32px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:14px;margin:0 0 6px}
a{color:var(--accent)}
.muted{color:var(--muted)}
.sub{color:var(--muted);margin:0 0 14px;overflow-wrap:anywhere}
.toc{display:flex;flex-wrap:wrap;gap:6px 16px;margin:10px 0 0;padding:8px 12px;background:var(--soft);border:1px solid var(--line);border-radius:6px}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(112px,1fr));gap:8px;margin:14px 0}
.stat{border:1px solid var(--line);border-radius:6px;padding:8px 10px}
.stat b{display:block;font-size:20px;font-variant-numeric:tabular-nums}
.stat span{color:var(--muted);font-size:12px}
.meta{display:flex;flex-wrap:wrap;gap:12px 32px;align-items:flex-start}
table{border-collapse:collapse;font-size:13px}
th,td{text-align:left;padding:4px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td code,li code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
table.wide{width:100%}
table.wide td{overflow-wrap:anywhere}
.clusters{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
.cluster{border:1px solid var(--line);border-radius:6px;padding:8px;min-width:200px;max-width:100%}
.cluster h3 .muted{font-weight:400}
.sheet{position:relative;max-width:100%}
.sheet+.sheet{margin-top:-2px}
.sheet img{display:block;width:100%;height:auto;background:var(--soft)}
.t{position:absolute;display:block}
.t:hover,.t:focus{outline:2px solid var(--accent);outline-offset:-1px}
details{margin-top:2px;font-size:12px}
summary{cursor:pointer;color:var(--muted)}
ol.names{margin:4px 0 0;padding-left:22px;max-width:784px;overflow-wrap:anywhere}
ul.files{columns:3 300px;margin:0;padding-left:18px;overflow-wrap:anywhere}
.pager{display:flex;flex-wrap:wrap;gap:4px;margin:8px 0 12px}
.pager a,.pager strong{padding:2px 8px;border:1px solid var(--line);border-radius:4px;text-decoration:none;font-variant-numeric:tabular-nums}
.pager strong{background:var(--fg);color:var(--bg);border-color:var(--fg)}
.more{margin:8px 0}
.empty{color:var(--muted);font-style:italic}
`;
