"""Transfer size of pages, and the cost of building chart figures.

Usage: python benchmarks/page_weight.py [site-dir]   (default: site/, build it first)

Prints the gzip-compressed size of each page type with everything it loads
(HTML, stylesheets, scripts, and plotly.js on pages with a chart), and the time
to build every figure in data/ directly as dicts versus through plotly's
validated graph objects. Figures are printed, never asserted.
"""
from __future__ import annotations

import gzip
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import model as m  # noqa: E402
from generator.charts import indicator_chart, table_charts  # noqa: E402
from generator.validate import load_corpus  # noqa: E402

PAGES = {
    "home": "index.html",
    "municipality": "gemeenten/tynaarlo/index.html",
    "document with charts": "gemeenten/het-hogeland/prestatieafspraken-2026/index.html",
    "document, most charts": "gemeenten/groningen/prestatieafspraken-2021/index.html",
}


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def page_weight(site: Path, rel: str) -> tuple[int, int, list[str]]:
    page = site / rel
    html = page.read_bytes()
    assets = re.findall(rb'(?:src|href)="([^"]+\.(?:js|css))"', html)
    total_raw, total_gz = len(html), gz(html)
    loaded = []
    for asset in assets:
        path = (page.parent / asset.decode()).resolve()
        if path.is_file():
            data = path.read_bytes()
            total_raw += len(data)
            total_gz += gz(data)
            loaded.append(path.name)
    if b'class="chart"' in html:  # charts.js fetches plotly.js only here
        plotly = site / "assets/javascripts/plotly-basic.min.js"
        total_raw += plotly.stat().st_size
        total_gz += gz(plotly.read_bytes())
        loaded.append(plotly.name)
    return total_raw, total_gz, loaded


def main() -> None:
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "site"
    print(f"{'page':28} {'raw kB':>9} {'gzip kB':>9}  files")
    for name, rel in PAGES.items():
        raw, compressed, loaded = page_weight(site, rel)
        print(f"{name:28} {raw / 1000:9.1f} {compressed / 1000:9.1f}  {len(loaded)}")

    corpus = load_corpus(ROOT / "data", ROOT)
    tables = [t for d in corpus.documents for c in m.iter_chapters(d.chapters) for t in c.tables]
    indicators = [i for d in corpus.documents for c in m.iter_chapters(d.chapters)
                  for g in c.goals for i in g.indicators]
    rounds = 50
    start = time.perf_counter()
    for _ in range(rounds):
        figures = [c.figure for t in tables for c in table_charts(t)]
        figures += [c.figure for i in indicators if (c := indicator_chart(i))]
    direct = (time.perf_counter() - start) / rounds / len(figures)
    import plotly.graph_objects as go

    start = time.perf_counter()
    for figure in figures * 5:
        go.Figure(figure)
    validated = (time.perf_counter() - start) / (5 * len(figures))
    print(f"\n{len(figures)} figures; building a figure dict: {direct * 1000:.3f} ms; "
          f"validating it with plotly.graph_objects: {validated * 1000:.2f} ms")


if __name__ == "__main__":
    main()
