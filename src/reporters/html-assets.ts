/**
 * The HTML report's inline stylesheet and script. Static text: nothing from a scan is ever
 * interpolated here (the script reads the page's `data-*` attributes instead).
 */

export const HTML_STYLE = `
:root { --bg: #fff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --hit: #fff8c5; --error: #cf222e; --warning: #9a6700; --note: #0969da; --ok: #1a7f37; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --hit: #3b2e00; --error: #ff7b72; --warning: #d29922; --note: #58a6ff; --ok: #3fb950; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 1.5rem; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { margin: 0 0 .25rem; font-size: 1.6rem; } h1 .project { color: var(--muted); font-weight: 400; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: .3rem; margin-top: 2rem; }
h3 { display: inline; font-size: 1.05rem; margin: 0; } h4 { margin: .8rem 0 .2rem; }
.meta, .desc, .refs, footer { color: var(--muted); }
.counts { list-style: none; display: flex; gap: 1rem; padding: 0; margin: .75rem 0;
  flex-wrap: wrap; }
.counts li { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .8rem;
  background: var(--panel); }
.counts strong { font-size: 1.3rem; margin-right: .25rem; }
.sev-error strong, .badge.sev-error { color: var(--error); }
.sev-warning strong, .badge.sev-warning { color: var(--warning); }
.sev-note strong, .badge.sev-note { color: var(--note); }
.badge { font-size: .75rem; font-weight: 600; text-transform: uppercase;
  border: 1px solid currentColor; border-radius: 999px; padding: 0 .45rem; }
.charts { display: flex; flex-wrap: wrap; gap: 2rem; }
.charts figure { margin: 0; } .charts figcaption { font-weight: 600; margin-bottom: .4rem; }
.chart text { fill: var(--fg); font-size: 12px; }
.bar.sev-error { fill: var(--error); } .bar.sev-warning { fill: var(--warning); }
.bar.sev-note { fill: var(--note); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: var(--panel); } td.none { color: var(--error); font-weight: 600; }
td.ok { color: var(--ok); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: .85rem; }
details { margin: .4rem 0; } summary { cursor: pointer; }
summary:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible {
  outline: 2px solid var(--note); outline-offset: 2px; }
details.rule, details.file { border: 1px solid var(--line); border-radius: 6px;
  padding: .5rem .8rem; }
details.help { background: var(--panel); border-radius: 6px; padding: .4rem .8rem; }
.examples { display: flex; gap: 1rem; flex-wrap: wrap; }
.examples figure { flex: 1 1 320px; margin: 0; }
.n { color: var(--muted); font-variant-numeric: tabular-nums; }
ol.findings { padding-left: 1.2rem; } li.finding { margin: .4rem 0; } .loc { color: var(--muted); }
pre.excerpt { background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
  padding: .5rem 0; overflow-x: auto; }
pre.excerpt .line { display: block; padding: 0 .8rem 0 0; white-space: pre; }
pre.excerpt .line.hit { background: var(--hit); }
pre.excerpt .ln { display: inline-block; width: 3.5rem; padding-right: .8rem; text-align: right;
  color: var(--muted); user-select: none; }
pre.examples, .examples pre { background: var(--bg); border: 1px solid var(--line);
  border-radius: 6px; padding: .5rem; overflow-x: auto; }
.controls { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; position: sticky;
  top: 0; background: var(--bg); padding: .5rem 0; z-index: 1;
  border-bottom: 1px solid var(--line); }
.controls fieldset { border: 0; padding: 0; margin: 0; display: flex; gap: .6rem; }
.controls legend { float: left; margin-right: .4rem; }
input, select { font: inherit; color: var(--fg); background: var(--bg);
  border: 1px solid var(--line); border-radius: 6px; padding: .2rem .4rem; }
.suppressed { color: var(--muted); font-style: italic; }
[hidden] { display: none !important; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; } .controls, .charts { display: none; }
  details.rule, details.file { break-inside: avoid-page; }
  a { color: inherit; text-decoration: none; }
  .view[data-view="file"] { display: none !important; }
}
`;

export const HTML_SCRIPT = `
(function () {
  'use strict';
  var form = document.querySelector('form.controls');
  if (!form) return;
  var findings = Array.prototype.slice.call(document.querySelectorAll('.finding, .finding-ref'));
  var output = form.querySelector('output');
  function apply() {
    var severities = {};
    Array.prototype.forEach.call(form.querySelectorAll('input[name=severity]'), function (box) {
      severities[box.value] = box.checked;
    });
    var rule = form.elements.rule.value;
    var q = form.elements.q.value.trim().toLowerCase();
    var shown = 0;
    findings.forEach(function (el) {
      var visible = severities[el.getAttribute('data-severity')] &&
        (!rule || el.getAttribute('data-rule') === rule) &&
        (!q || el.getAttribute('data-search').indexOf(q) !== -1);
      el.hidden = !visible;
      if (visible && el.classList.contains('finding')) shown++;
    });
    Array.prototype.forEach.call(
      document.querySelectorAll('details.rule, details.file'),
      function (group) {
        group.hidden =
          group.querySelectorAll('.finding:not([hidden]), .finding-ref:not([hidden])').length === 0;
      }
    );
    var view = form.elements.view.value;
    Array.prototype.forEach.call(document.querySelectorAll('.view'), function (v) {
      v.hidden = v.getAttribute('data-view') !== view;
    });
    output.value = shown + ' shown';
    output.textContent = shown + ' shown';
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  // printing shows everything, expanded
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) {
      d.open = true;
    });
  });
  apply();
})();
`;
