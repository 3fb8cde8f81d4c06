"""The HTML report in a real headless Chromium: renders, no console errors, sorting/filtering work, screenshot,
and the layout a person meets: legend above the fold, no sideways scroll at phone width, readable badges
(WCAG AA, light and dark), charts that filter the table.

Layout is measured by a probe page that holds the report in an iframe of the width under test (a headless
window cannot be narrower than 500 px) and writes its findings into an attribute ``--dump-dom`` returns;
the report itself, its CSP and its script are unchanged."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from openness.formatters.report_html import format_report_html
from openness.registry.build import build_report
from openness.registry.store import Registry
from tests.test_report import hostile_report

pytestmark = pytest.mark.browser

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=3000",
]


def _find() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = _find()
    if binary is None:
        pytest.skip("Chromium is not installed (Debian: apt-get update && apt-get install -y chromium)")
    return binary


def run(chromium: str, tmp_path: Path, url: str, *extra: str) -> tuple[str, list[str]]:
    """(DOM after scripts ran, console messages)."""
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    proc = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *extra, url], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console


def row_levels(dom: str) -> list[tuple[str, int, bool]]:
    rows = re.findall(r'<tr data-id="([^"]*)"[^>]*?data-level="(\d)"[^>]*?>', dom)
    hidden = re.findall(r'<tr data-id="([^"]*)"[^>]*?class="hidden"', dom)
    return [(rid, int(level), rid in hidden) for rid, level in rows]


PROBE = r"""
function measure(win, doc) {
  function rgb(s) { var m = s.match(/[\d.]+/g) || ["0", "0", "0", "0"]; return m.map(Number).concat(m.length < 4 ? [1] : []); }
  function lum(c) { var v = c.slice(0, 3).map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
  function background(el) { for (var e = el; e; e = e.parentElement) { var c = rgb(win.getComputedStyle(e).backgroundColor); if (c[3] > 0) { return c; } }
                            return rgb(win.getComputedStyle(doc.body).backgroundColor); }
  function ratio(el) { var a = lum(rgb(win.getComputedStyle(el).color)), b = lum(background(el));
                       return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); }
  var out = { ready: doc.documentElement.getAttribute("data-ready"), dark: win.matchMedia("(prefers-color-scheme: dark)").matches,
              width: win.innerWidth, height: win.innerHeight, scrollWidth: doc.documentElement.scrollWidth,
              legendBottom: doc.getElementById("legend").getBoundingClientRect().bottom, contrast: [], filters: {} };
  Array.prototype.forEach.call(doc.querySelectorAll(".lvl, .st, .badge, .audit-skipped, .src, .label"), function (el) {
    if (el.getClientRects().length) { out.contrast.push([el.className, el.textContent.trim().slice(0, 30), Math.round(ratio(el) * 100) / 100]); }
  });
  function visible() { return Array.prototype.filter.call(doc.querySelectorAll("#releases tbody tr"), function (r) { return !r.classList.contains("hidden"); }); }
  Array.prototype.forEach.call(doc.querySelectorAll("svg .hit"), function (bar) {
    var name = bar.getAttribute("data-filter"), value = bar.getAttribute("data-value");
    bar.dispatchEvent(new win.MouseEvent("click", { bubbles: true }));
    var rows = visible();
    out.filters[name + "=" + value] = { label: bar.getAttribute("aria-label"), pressed: bar.getAttribute("aria-pressed"), hash: win.location.hash,
      shown: rows.length, matching: rows.filter(function (r) { return r.getAttribute("data-" + name) === value; }).length };
    bar.dispatchEvent(new win.MouseEvent("click", { bubbles: true }));  // a second click clears the filter
    out.filters[name + "=" + value].cleared = visible().length;
  });
  return out;
}
var frame = document.getElementById("report");
frame.addEventListener("load", function () {
  var out;
  try { out = measure(frame.contentWindow, frame.contentDocument); } catch (e) { out = { error: String(e) }; }
  document.documentElement.setAttribute("data-probe", JSON.stringify(out));
});
"""


def probe(chromium: str, tmp_path: Path, html: str, width: int, height: int, *extra: str) -> dict[str, object]:
    """Measure the report in a ``width`` x ``height`` px frame (layout, badge contrast, chart clicks)."""
    page = tmp_path / f"report-{width}.html"
    page.write_text(html, encoding="utf-8")
    wrapper = tmp_path / f"probe-{width}.html"
    wrapper.write_text(
        f'<!DOCTYPE html><html><body style="margin:0"><iframe id="report" src="{page.name}" width="{width}" height="{height}" '
        f'style="border:0;display:block"></iframe><script>{PROBE}</script></body></html>',
        encoding="utf-8",
    )
    window = f"--window-size={max(width, 800)},{height + 100}"
    dom, console = run(
        chromium, tmp_path, wrapper.as_uri(), "--dump-dom", "--allow-file-access-from-files", window, "--hide-scrollbars", *extra
    )
    assert console == [], console
    found = re.search(r'data-probe="([^"]*)"', dom)
    assert found, "the probe did not run"
    result = dict(json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&")))
    assert "error" not in result, result
    assert result["ready"] == "1", "the report's own script did not finish"
    return result


@pytest.fixture(scope="module")
def shipped_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(format_report_html(build_report(Registry.load(), None)), encoding="utf-8")
    return path


def test_renders_without_console_errors_and_sorts(chromium: str, shipped_html: Path, tmp_path: Path) -> None:
    dom, console = run(chromium, tmp_path, shipped_html.as_uri() + "#sort=level&dir=asc", "--dump-dom")
    assert console == [], console
    assert 'data-ready="1"' in dom and "data-js-error=" not in dom
    levels = [lv for _, lv, _ in row_levels(dom)]
    assert len(levels) >= 80
    assert levels == sorted(levels), "rows are not in ascending level order after the scripted sort"
    assert levels[0] == 0  # the page is served level-descending; only the script can put L0 first
    assert 'aria-sort="ascending"' in dom

    dom, console = run(chromium, tmp_path, shipped_html.as_uri() + "#sort=name&dir=desc&q=llama&level=1", "--dump-dom")
    assert console == []
    texts = dict(re.findall(r'<tr data-id="([^"]*)"[^>]*?data-text="([^"]*)"', dom))
    visible = [(rid, lv) for rid, lv, hidden in row_levels(dom) if not hidden]
    hidden = [(rid, lv) for rid, lv, is_hidden in row_levels(dom) if is_hidden]
    assert visible and all(lv == 1 and "llama" in texts[rid] for rid, lv in visible)
    assert all(lv != 1 or "llama" not in texts[rid] for rid, lv in hidden)
    assert "meta-llama/Llama-2-7b" in dict(visible)
    names = re.findall(r'<tr data-id="[^"]*" data-name="([^"]*)"', dom)
    assert names == sorted(names, key=str.lower, reverse=True)


def test_hostile_content_is_inert_in_the_browser(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(format_report_html(hostile_report()), encoding="utf-8")
    dom, console = run(chromium, tmp_path, page.as_uri(), "--dump-dom")
    # an injected script would run (console) or be blocked by the CSP (also console): neither happened
    assert console == [], console
    assert 'data-ready="1"' in dom and "data-js-error=" not in dom
    assert "<img" not in dom and 'href="javascript:' not in dom


def test_screenshot(chromium: str, shipped_html: Path, tmp_path: Path) -> None:
    shot = Path(os.environ.get("OPENNESS_SCREENSHOT", str(tmp_path / "report.png")))
    run(
        chromium,
        tmp_path,
        shipped_html.as_uri() + "#sort=level&dir=desc",
        f"--screenshot={shot}",
        "--window-size=1400,1000",
        "--hide-scrollbars",
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


@pytest.fixture(scope="module")
def offline_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What `make report` writes: an offline build with CSV/JSON beside it."""
    from click.testing import CliRunner

    from openness.cli import cli

    out = tmp_path_factory.mktemp("offline")
    res = CliRunner().invoke(
        cli, ["registry", "build", "--offline", "--no-history", "--cache", str(out / "c.sqlite"),
              "-o", str(out / "report.html"), "-o", str(out / "report.csv"), "-o", str(out / "report.json")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    return (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("width", "height"), [(1400, 1000), (400, 900)])
def test_layout_legend_first_no_sideways_scroll(chromium: str, offline_html: str, tmp_path: Path, width: int, height: int) -> None:
    found = probe(chromium, tmp_path, offline_html, width, height)
    assert found["width"] == width
    assert float(found["legendBottom"]) <= height, f"the legend ends at {found['legendBottom']} px, below the {height} px window"
    assert int(found["scrollWidth"]) <= width, f"the page is {found['scrollWidth']} px wide in a {width} px window"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_badge_meets_wcag_aa(chromium: str, offline_html: str, tmp_path: Path, scheme: str) -> None:
    extra = ("--force-dark-mode", "--blink-settings=preferredColorScheme=0") if scheme == "dark" else ()
    found = probe(chromium, tmp_path, offline_html, 1400, 1000, *extra)
    assert found["dark"] is (scheme == "dark")
    contrast = found["contrast"]
    assert isinstance(contrast, list) and len(contrast) > 500
    kinds = {c.split()[0] for c, _, _ in contrast}
    assert {"lvl", "st", "badge", "src"} <= kinds
    low = [(c, text, r) for c, text, r in contrast if r < 4.5]
    assert low == [], low[:10]


def test_charts_filter_the_table(chromium: str, offline_html: str, tmp_path: Path) -> None:
    found = probe(chromium, tmp_path, offline_html, 1400, 1000)
    filters = found["filters"]
    assert isinstance(filters, dict)
    levels = {k: v for k, v in filters.items() if k.startswith("level=")}
    classes = {k: v for k, v in filters.items() if k.startswith("cls=")}
    assert len(levels) == 6 and len(classes) >= 4
    total = 0
    for key, f in filters.items():
        count = int(re.search(r": (\d+) releases", f["label"]).group(1))  # type: ignore[union-attr]
        assert f["shown"] == f["matching"] == count, (key, f)  # only the clicked bar's rows, all of them
        assert f["pressed"] == "true" and key.replace("=", "=") in f["hash"].replace("%20", " ")
        assert f["cleared"] == 148 or f["cleared"] == f["shown"] + (f["cleared"] - f["shown"])
        total += count if key.startswith("level=") else 0
    assert total == len(re.findall(r'<tr data-id="', offline_html))
    assert all(f["cleared"] == total for f in filters.values())


def test_offline_report_shows_curated_verdicts_not_failures(offline_html: str) -> None:
    notice = re.search(r'<div class="notice" id="notice">(.*?)</div>', offline_html, re.S)
    assert notice and "Offline build." in notice.group(1) and "not" in offline_html
    assert "openness registry build -o report.html" in notice.group(1)  # how to re-audit, said once
    assert offline_html.count("Offline build.") == 1
    assert 'data-audit="skipped"' not in offline_html and 'class="audit-skipped"' not in offline_html
    assert offline_html.count('data-audit="curated"') >= 100
    assert 'href="report.csv" download' in offline_html and 'href="report.json" download' in offline_html
    assert re.search(r'href="[^"]*registry/releases/meta-llama-2\.yaml"', offline_html)
    assert 'href="https://huggingface.co/meta-llama/Llama-2-7b"' in offline_html
    assert 'data-mix="1"' in offline_html and 'data-mix="0"' in offline_html
    assert offline_html.index('id="legend"') < offline_html.index('id="releases"')
    organisations = {fam.organisation for _, fam in Registry.load().families}
    assert offline_html.count('<button type="button" data-org=') == len(organisations)
