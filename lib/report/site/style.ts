/**
 * The style sheet of the exploration report: the run report's base styles plus the bar,
 * cards, figures, tables and the single-file page switching.
 * @module
 */
import { REPORT_CSS } from "../run/style.ts";

/** CSS of every page of the exploration report (inline; no fonts or images from outside). */
export const SITE_CSS = REPORT_CSS + `
.bar{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;align-items:center;gap:4px 18px;padding:8px 24px;background:#24292f;color:#fff}
.bar .brand{font-weight:600;max-width:40ch;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar nav{display:flex;flex-wrap:wrap;gap:2px 4px}
.bar a{color:#d0d7de;text-decoration:none;padding:3px 8px;border-radius:4px}
.bar a:hover{background:#32383f;color:#fff}
.bar a[aria-current]{background:#fff;color:#24292f}
a.stat{text-decoration:none;color:inherit}
a.stat b{color:var(--accent)}
a.stat:hover{border-color:var(--accent)}
.sheets{margin:6px 0 8px}
.split{display:flex;flex-wrap:wrap;gap:8px 28px;align-items:flex-start}
.split h2{margin-top:0}
.lead{font-size:15px;max-width:80ch;margin:4px 0 14px}
.figs{display:flex;flex-wrap:wrap;gap:18px 28px;align-items:flex-start;margin:8px 0 18px}
.fig{margin:0;max-width:100%}
.fig figcaption,.fig>h3{font-size:13px;color:var(--muted);margin:0 0 4px;font-weight:600}
.fig svg{max-width:100%;height:auto}
.fig figure{margin:0}
.fig figure h2{font-size:13px;border:0;margin:0 0 2px;padding:0}
.fig figure figcaption{font-weight:400}
.cards{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
.card{border:1px solid var(--line);border-radius:6px;padding:8px;max-width:100%}
.card h3{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.card h3 .muted,.card h3 .tag{font-weight:400}
.card>a.preview{display:block}
.tag{display:inline-block;font-size:11px;padding:0 6px;border-radius:9px;background:var(--soft);border:1px solid var(--line);color:var(--fg)}
.tag.warn{background:#fff1e5;border-color:#f0b37e;color:#8a4600}
.tag.ok{background:#dafbe1;border-color:#8ddb9c;color:#1a5e2a}
.pair{display:flex;flex-wrap:wrap;gap:10px 18px;align-items:flex-start}
.pair>div{min-width:0}
.pair h4{margin:0 0 4px;font-size:12px;font-weight:600}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;color:var(--muted);margin:4px 0 8px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-2px;margin-right:4px}
table.data{font-size:12.5px}
table.data td.num,table.data th.num{text-align:right;font-variant-numeric:tabular-nums}
table.data tr.best td{background:#dafbe1}
.scroll{overflow-x:auto;max-width:100%}
.maprow{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.mapbox{position:relative;border:1px solid var(--line);border-radius:6px;overflow:hidden;flex:1 1 600px;max-width:1002px;min-width:0;cursor:crosshair}
.mapbox canvas{display:block;width:100%;height:auto;touch-action:none;user-select:none}
.selbox{position:absolute;border:1.5px dashed #1f2328;background:#0969da22;pointer-events:none}
.atlas-tools{display:flex;flex-wrap:wrap;align-items:center;gap:6px 14px;margin:0 0 8px;font-size:13px}
.atlas-tools button{font:inherit;padding:2px 10px;border:1px solid var(--line);border-radius:5px;background:var(--soft);cursor:pointer}
.atlas-list{flex:0 1 320px;min-width:220px;max-height:720px;overflow:auto;font-size:12px}
.atlas-list h2{margin-top:0}
.atlas-list ol{list-style:none;margin:0;padding:0}
.atlas-list li{display:flex;gap:8px;align-items:center;padding:3px 0;border-bottom:1px solid var(--line)}
.atlas-list .face{flex:none;width:48px;height:48px;background:var(--soft) no-repeat;border-radius:3px}
.atlas-list .name{flex:1;overflow-wrap:anywhere}
.atlas-list .where{flex:none;white-space:nowrap}
.switch{display:inline-flex;gap:12px;margin:0 0 8px;font-size:13px}
.tip{position:absolute;z-index:3;pointer-events:none;background:#fff;border:1px solid var(--line);border-radius:6px;padding:6px;box-shadow:0 4px 14px #0002;font-size:12px;max-width:260px;overflow-wrap:anywhere}
.tip .face{width:96px;height:96px;background:var(--soft) no-repeat;margin-bottom:4px;border-radius:3px}
.preview-img{display:block;max-width:100%;height:auto;border:1px solid var(--line);border-radius:6px}
.intro{border:1px solid var(--line);background:var(--soft);border-radius:6px;padding:4px 14px;margin:8px 0 14px;max-width:90ch}
.intro h2{margin-top:8px;border:0}
table.metrics td{vertical-align:top}
table.metrics td:last-child{max-width:60ch}
b.metric{font-weight:600}
section.page{display:none}
section.page:target,section.page:has(:target),body:not(:has(:target)) section.page#index{display:block}
`;
