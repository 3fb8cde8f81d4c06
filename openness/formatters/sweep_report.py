"""The sweep report as JSON and as one self-contained HTML page (inline SVG, no network).

Everything that comes from the data (organisation, tag, library and licence names are card
metadata) is escaped; the page's only script and style are pinned by their hashes in a strict
Content-Security-Policy, so nothing injected can run. Clicking a bar filters the table of top
organisations to those with a card in that bar.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from html import escape
from typing import Any

from openness.formatters.text import clean

LEVEL_COLOURS = ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac")
LEVELS = tuple(f"L{n}" for n in range(6))
NAME_MAX = 60

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}
.figures{display:flex;flex-wrap:wrap;gap:1em}.fig{border:1px solid #ddd;border-radius:6px;padding:.5em 1em}
.fig b{display:block;font-size:1.4em}
svg{display:block;max-width:100%}svg text{font:12px system-ui,sans-serif}
.bar{cursor:pointer}.bar:hover rect,.bar:focus rect{opacity:.75}.bar.on text{font-weight:bold}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eee;padding:3px 6px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.hidden{display:none}#filter{margin:.5em 0;color:#555}
""".strip()

_SCRIPT = """
(function(){
var orgs=JSON.parse(document.getElementById('orgs').textContent);
var rows=document.querySelectorAll('#orgtable tbody tr');var label=document.getElementById('filter');var current=null;
function apply(dim,value,el){
 var same=current&&current.el===el;
 document.querySelectorAll('.bar.on').forEach(function(b){b.classList.remove('on');});
 current=same?null:{el:el};
 rows.forEach(function(r,i){var f=orgs[i].filters;var show=same||(dim==='name'?orgs[i].name===value:(f[dim]||[]).indexOf(value)>=0);r.classList.toggle('hidden',!show);});
 if(!same){el.classList.add('on');label.textContent='Organisations with a card in: '+value+' (click again to clear)';}else{label.textContent='';}
}
document.querySelectorAll('.bar[data-dim]').forEach(function(b){
 var go=function(){apply(b.getAttribute('data-dim'),b.getAttribute('data-value'),b);};
 b.addEventListener('click',go);b.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();go();}});
});
})();
""".strip()


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


CSP = (
    f"default-src 'none'; style-src '{_hash(_STYLE)}'; script-src '{_hash(_SCRIPT)}'; img-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def render_json(figures: dict[str, Any]) -> str:
    return json.dumps(figures, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _e(value: Any, width: int = NAME_MAX) -> str:
    """Escaped for HTML text and attributes, control characters out, long names cut."""
    return escape(clean("" if value is None else str(value), width), quote=True)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


Segments = Callable[[dict[str, Any]], list[tuple[str, int, str]]]


def _chart(title: str, groups: list[dict[str, Any]], dim: str | None, segments: Segments) -> str:
    """One horizontal bar per group, scaled to the largest; ``segments(group)`` gives its (colour, count, label) parts."""
    if not groups:
        return f"<h2>{_e(title)}</h2><p>No data.</p>"
    width, label_w, row_h = 900, 230, 20
    biggest = max(g["cards"] for g in groups) or 1
    parts = [f'<h2>{_e(title)}</h2><svg role="img" aria-label="{_e(title)}" viewBox="0 0 {width} {row_h * len(groups) + 4}">']
    for i, g in enumerate(groups):
        y = i * row_h + 2
        attrs = f' data-dim="{_e(dim)}" data-value="{_e(g["name"], 500)}" tabindex="0" role="button"' if dim else ""
        parts.append(f'<g class="bar"{attrs}><title>{_e(g["name"], 200)}: {g["cards"]:,} cards</title>')
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{_e(g["name"], 34)}</text>')
        x = float(label_w)
        for colour, n, label in segments(g):
            if not n:
                continue
            w = (width - label_w - 80) * n / biggest
            tip = f"<title>{label}: {n:,}</title>" if label else ""
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 4}" fill="{colour}">{tip}</rect>')
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 14}">{g["cards"]:,}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _stacked(title: str, groups: list[dict[str, Any]], dim: str | None) -> str:
    """Bars split by level."""
    return _chart(title, groups, dim, lambda g: [(c, g["levels"].get(lv, 0), lv) for lv, c in zip(LEVELS, LEVEL_COLOURS)])


def _bars(title: str, counts: dict[str, int], dim: str | None, colour: str = "#4d7ea8") -> str:
    """Plain bars, one count per name."""
    groups: list[dict[str, Any]] = [{"name": k, "cards": v} for k, v in counts.items()]
    return _chart(title, groups, dim, lambda g: [(colour, g["cards"], "")])


def _org_table(orgs: list[dict[str, Any]]) -> str:
    head = "".join(f"<th>{lv}</th>" for lv in LEVELS)
    rows = []
    for o in orgs:
        cells = "".join(f'<td class="n">{o["levels"].get(lv, 0):,}</td>' for lv in LEVELS)
        rows.append(f'<tr><td>{_e(o["name"])}</td><td class="n">{o["cards"]:,}</td>{cells}<td>{_e(o["top_licence"])}</td></tr>')
    return (
        '<h2>Top organisations</h2><p id="filter"></p><table id="orgtable"><thead><tr><th>organisation</th><th>cards</th>'
        f"{head}<th>most common licence</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _json_for_script(value: Any) -> str:
    """JSON inside a non-executed <script type="application/json">: '<', '>' and '&' escaped so no tag can close it."""
    text = json.dumps(value, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_html(figures: dict[str, Any]) -> str:
    shares, counts = figures["shares"], figures["counts"]
    audited = figures["audited"]
    tiles = [
        ("cards", f"{figures['rows']:,}"),
        ("error rows", f"{figures['errors']:,}"),
        ("L2 or higher", _pct(sum(figures["levels"][lv] for lv in LEVELS[2:]) / audited if audited else 0)),
        ("upper bounds (base chain incomplete)", f"{figures['upper_bounds']:,}"),
        ("bases resolved from the dump", f"{figures['resolved_in_dump']:,}"),
        ("license: other", f"{_pct(shares['license_other'])} ({counts['license_other']:,})"),
        ("no licence declared", f"{_pct(shares['no_licence'])} ({counts['no_licence']:,})"),
        ("licence terms not readable", f"{_pct(shares['licence_without_text'])} ({counts['licence_without_text']:,})"),
        (
            "fine-tunes under another licence than their base",
            f"{_pct(shares['derived_licence_differs_from_base'])} ({counts['derived_licence_differs_from_base']:,} of {counts['derived_compared']:,})",
        ),
    ]
    tile_html = "".join(f'<div class="fig"><b>{_e(v)}</b>{_e(k)}</div>' for k, v in tiles)
    overall = [{"name": lv, "cards": figures["levels"][lv], "levels": {lv: figures["levels"][lv]}} for lv in LEVELS]
    by = figures["by"]
    body = [
        "<h1>Openness sweep</h1>",
        f"<p>{_e(figures['source'], 300)} · row schema {_e(figures['row_schema'])} · {figures['audited']:,} cards audited</p>",
        f'<div class="figures">{tile_html}</div>',
        f'<p class="legend">Levels:{_legend_svg()}</p>',
        _stacked("Level distribution", overall, "levels"),
        _stacked("By pipeline tag", by["pipeline_tag"], "pipeline_tag"),
        _stacked("By library", by["library"], "library"),
        _stacked("By organisation", by["organisation"], "name"),
        _stacked("By creation month", by["month"], "month"),
        _bars("Licence categories", figures["licence_categories"], "category"),
        _bars("Classification", figures["classifications"], None),
        _bars("Licences", figures["licences"], None),
        _bars("Binding terms (cards carrying each)", figures["binding_terms"], None, "#8c6bb1"),
        _org_table(figures["top_organisations"]),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1"><title>Openness sweep</title>'
        f"<style>{_STYLE}</style></head><body>{''.join(body)}"
        f'<script type="application/json" id="orgs">{_json_for_script(figures["top_organisations"])}</script>'
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


def _legend_svg() -> str:
    items = "".join(
        f'<rect x="{10 + i * 60}" y="3" width="12" height="12" fill="{c}"></rect><text x="{26 + i * 60}" y="14">{lv}</text>'
        for i, (lv, c) in enumerate(zip(LEVELS, LEVEL_COLOURS))
    )
    return f'<svg viewBox="0 0 400 18" width="400" height="18" aria-hidden="true">{items}</svg>'
