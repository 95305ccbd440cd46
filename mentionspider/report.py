"""The HTML report: one self-contained page (inline CSS, JavaScript and SVG; no request
leaves it, its Content-Security-Policy forbids them). Pure: it formats what
:meth:`mentionspider.store.Store.report_data` returns.

The ranked list sorts on a header click and filters by kind and state; the filters and
the sort can also be given in the address (``report.html#kind=broken_link&state=new&
sort=score``), which is how the tests drive it in headless Chromium.
"""

from __future__ import annotations

from html import escape
from typing import Any

from mentionspider.opportunities import KINDS
from mentionspider.store import CHANGES, OUTREACH_STATES

__all__ = ["render_report"]

#: The chart's series: what each run found and changed.
SERIES = (("new", "#2b6cb0"), ("retired", "#a0aec0"), ("won", "#2f855a"), ("lost", "#c53030"),
          ("resolved", "#805ad5"))
#: The ranked list's columns: (row key, header, numeric).
TABLE = (("rank", "#", True), ("score", "score", True), ("kind", "kind", False),
         ("state", "state", False), ("domain", "site", False), ("page_url", "page", False),
         ("target_url", "dead target", False), ("status", "status", False),
         ("placement", "placement", False), ("reasons", "why", False),
         ("first_seen", "first seen", False))

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1a202c}
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.6em 0 .5em}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e2e8f0;
padding:.3em .5em;text-align:left;vertical-align:top}th{background:#f7fafc}
#ranked th{cursor:pointer;user-select:none}#ranked th.sorted::after{content:" \\25BE"}
#ranked th.sorted.asc::after{content:" \\25B4"}td.num{text-align:right}
td.reasons{max-width:30em;font-size:.9em;color:#4a5568}.muted{color:#718096}
.filters{margin:.5em 0}.filters label{margin-right:1em}.legend span{margin-right:1em}
.legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em}
a{color:#2b6cb0;word-break:break-all}
"""

SCRIPT = """
(function(){
  var table=document.getElementById('ranked'), body=table.tBodies[0];
  var kind=document.getElementById('filter-kind'), state=document.getElementById('filter-state');
  var shown=document.getElementById('shown-count');
  function apply(){
    var n=0;
    Array.prototype.forEach.call(body.rows,function(row){
      var ok=(!kind.value||row.dataset.kind===kind.value)&&
             (!state.value||row.dataset.state===state.value);
      row.hidden=!ok; if(ok){n++;}
    });
    shown.textContent=n;
  }
  function sortBy(key,asc){
    var th=table.querySelector('th[data-key="'+key+'"]'); if(!th){return;}
    var numeric=th.dataset.numeric==='1';
    var rows=Array.prototype.slice.call(body.rows);
    rows.sort(function(a,b){
      var x=a.querySelector('[data-key="'+key+'"]').dataset.value;
      var y=b.querySelector('[data-key="'+key+'"]').dataset.value;
      var c=numeric?(parseFloat(x||0)-parseFloat(y||0)):x.localeCompare(y);
      return asc?c:-c;
    });
    rows.forEach(function(r){body.appendChild(r);});
    Array.prototype.forEach.call(table.tHead.rows[0].cells,function(c){
      c.classList.remove('sorted','asc');});
    th.classList.add('sorted'); if(asc){th.classList.add('asc');}
    table.dataset.sort=key+(asc?':asc':':desc');
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th){
    th.addEventListener('click',function(){
      var asc=table.dataset.sort===th.dataset.key+':desc';
      sortBy(th.dataset.key,asc);
    });
  });
  kind.addEventListener('change',apply); state.addEventListener('change',apply);
  var params={};
  location.hash.replace(/^#/,'').split('&').forEach(function(p){
    var kv=p.split('='); if(kv[0]){params[kv[0]]=decodeURIComponent(kv[1]||'');}});
  if(params.kind!==undefined){kind.value=params.kind;}
  if(params.state!==undefined){state.value=params.state;}
  if(params.sort){var s=params.sort.split(':');sortBy(s[0],s[1]==='asc');}
  apply();
  document.body.dataset.ready='1';
})();
"""


def _link(url: str | None) -> str:
    if not url:
        return ""
    text = escape(url)
    if url.startswith(("http://", "https://")):
        return f'<a href="{text}" rel="noopener noreferrer">{text}</a>'
    return text


def _chart(runs: list[dict[str, Any]]) -> str:
    """Grouped bars per run (new, retired, won, lost, resolved), as inline SVG."""
    if not runs:
        return '<p class="muted">No runs yet.</p>'
    shown = runs[-30:]
    top = max([1] + [run[name] for run in shown for name, _ in SERIES])
    bar, gap, height = 9, 14, 160
    group = bar * len(SERIES) + gap
    width = 40 + group * len(shown)
    parts = [f'<svg id="run-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
             f'height="{height + 40}" role="img" aria-label="Findings per run">',
             f'<line x1="36" y1="{height}" x2="{width}" y2="{height}" stroke="#a0aec0"/>',
             f'<text x="0" y="12" font-size="11">{top}</text>',
             f'<text x="0" y="{height}" font-size="11">0</text>']
    for i, run in enumerate(shown):
        x0 = 40 + i * group
        for j, (name, colour) in enumerate(SERIES):
            value = run[name]
            h = round(value / top * (height - 10))
            parts.append(f'<rect class="bar" data-run="{run["id"]}" data-series="{name}" '
                         f'data-value="{value}" x="{x0 + j * bar}" y="{height - h}" '
                         f'width="{bar - 1}" height="{h}" fill="{colour}">'
                         f'<title>run {run["id"]}: {value} {name}</title></rect>')
        parts.append(f'<text x="{x0}" y="{height + 14}" font-size="11">#{run["id"]}</text>')
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{c}"></i>{n}</span>' for n, c in SERIES)
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def _runs_table(runs: list[dict[str, Any]]) -> str:
    head = ("run", "status", "started", "pages", *CHANGES, "blocked", "transient",
            "failed seeds")
    rows = []
    for run in reversed(runs[-30:]):
        failed = ", ".join(f"{url} ({why})" for url, why in run["failed_seeds"].items())
        cells = [str(run["id"]), escape(run["status"]), escape(run["started_at"] or ""),
                 str(run["pages"]), *(str(run[name]) for name in CHANGES),
                 str(run["blocked_links"]), str(run["transient_links"]), escape(failed)]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return ('<table id="runs"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _ranked(opportunities: list[dict[str, Any]]) -> str:
    head = "".join(f'<th data-key="{key}" data-numeric="{int(num)}">{escape(label)}</th>'
                   for key, label, num in TABLE)
    rows = []
    for rank, o in enumerate(opportunities, 1):
        values = {**o, "rank": rank}
        cells = []
        for key, _, numeric in TABLE:
            value = values.get(key)
            text = "" if value is None else str(value)
            shown = _link(text) if key in ("page_url", "target_url") else escape(text)
            klass = "num" if numeric else ("reasons" if key == "reasons" else "")
            cells.append(f'<td data-key="{key}" data-value="{escape(text)}" '
                         f'class="{klass}">{shown}</td>')
        rows.append(f'<tr data-id="{escape(o["id"])}" data-kind="{escape(o["kind"])}" '
                    f'data-state="{escape(o["state"] or "")}">' + "".join(cells) + "</tr>")
    options = lambda values: "".join(  # noqa: E731
        f'<option value="{v}">{v}</option>' for v in values)
    filters = (f'<div class="filters"><label>kind <select id="filter-kind"><option value="">'
               f'all</option>{options(KINDS)}</select></label><label>state <select '
               f'id="filter-state"><option value="">all</option>{options(OUTREACH_STATES)}'
               f'</select></label><span id="shown-count">{len(rows)}</span> of {len(rows)} '
               "shown</div>")
    return (filters + f'<table id="ranked" data-sort="rank:asc"><thead><tr>{head}</tr></thead>'
            "<tbody>" + "".join(rows) + "</tbody></table>")


def _simple(table_id: str, head: tuple[str, ...], rows: list[list[str]]) -> str:
    if not rows:
        return f'<p class="muted" id="{table_id}">None.</p>'
    return (f'<table id="{table_id}"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head)
            + "</tr></thead><tbody>"
            + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
            + "</tbody></table>")


def render_report(data: dict[str, Any], *, title: str, generated: str) -> str:
    """The report page for ``data`` (:meth:`Store.report_data`)."""
    runs, opportunities = data["runs"], data["opportunities"]
    last = runs[-1] if runs else None
    new = [o for o in opportunities if last and o["first_run"] == last["id"]]
    new_rows = [[escape(o["kind"]), _link(o["page_url"]), _link(o.get("target_url")),
                 str(o["score"]), escape(o["state"] or "")] for o in new]
    sites = [[escape(s["domain"] or ""), str(s["opportunities"]), str(s["best_score"]),
              escape((s["kinds"] or "").replace(",", ", "))] for s in data["sites"]]
    dead = [[_link(d["target_url"]), escape(d["status"] or ""), str(d["linking_pages"]),
             str(d["linking_sites"])] for d in data["dead_targets"]]
    active = sum(1 for o in opportunities if o["active"])
    since = (f"run {last['id']} ({escape(last['status'])}, {escape(last['started_at'] or '')})"
             if last else "no run yet")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{CSS}</style></head>
<body>
<h1>{escape(title)}</h1>
<p class="muted">Generated {escape(generated)} by mentionspider. {active} active opportunities;
last {since}.</p>
<h2>Runs</h2>
{_chart(runs)}
{_runs_table(runs)}
<h2>New since the last run</h2>
{_simple("new-since-last", ("kind", "page", "dead target", "score", "state"), new_rows)}
<h2>Ranked opportunities</h2>
{_ranked(opportunities)}
<h2>Top sites</h2>
{_simple("top-sites", ("site", "opportunities", "best score", "kinds"), sites)}
<h2>Most-linked dead targets</h2>
{_simple("dead-targets", ("target", "status", "linking pages", "linking sites"), dead)}
<script>{SCRIPT}</script>
</body></html>
"""
