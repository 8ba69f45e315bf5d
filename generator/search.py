# Site search (Pagefind). Two steps, on either side of the site builder:
#   plan_search(corpus) -> per page: index it or not, what each result shows
#     (municipality, document) and the filters; written to build/search.json,
#     which the MkDocs hook hands to the theme (site_theme/main.html prints it
#     as data-pagefind-* attributes);
#   index_site(site_dir) runs Pagefind on the finished HTML (builder-independent),
#     before the site is swapped in, writing site_dir/pagefind/ (index in chunks).
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from . import model as m
from . import urls
from .errors import GeneratorError
from .validate import Corpus

# Filter names as the reader sees them (Pagefind shows the key).
FILTER_MUNICIPALITY = "Gemeente"
FILTER_YEAR = "Jaar"
FILTER_THEME = "Thema"
FILTER_ORGANISATION = "Organisatie"
FILTER_KIND = "Soort"
# A commitment status ("uitgevoerd", "loopt", ...) is not in the model yet; when it
# is, add FILTER_STATUS = "Status" here with the statuses of a page's commitments.

# Pagefind's weight for the municipality's name on its own pages (headings weigh
# 7 for h1 down to 2): "sociale huurwoningen Groningen" ranks Groningen's pages first.
MUNICIPALITY_WEIGHT = 10.0

# Never indexed: the "#" permalinks after headings, Material's navigation.
EXCLUDE_SELECTORS = [".headerlink"]
BUNDLE_DIR = "pagefind"

SearchEntry = dict[str, Any]  # {"index": bool, "meta": {...}, "filters": {...}, "weighted": {...}}


def plan_search(corpus: Corpus) -> dict[str, SearchEntry]:
    """Page path -> what search knows about it. Pages without an entry (the
    hand-written ones in content/) are indexed with their title only."""
    plan: dict[str, SearchEntry] = {}
    for doc in corpus.documents:
        plan[urls.document_page(doc)] = _document_entry(corpus, doc)
    for mun in corpus.municipalities.values():
        plan[urls.municipality_page(mun.id)] = {
            "index": True,
            "meta": {"title": f"Gemeente {mun.name}", "gemeente": mun.name},
            "filters": {FILTER_MUNICIPALITY: [mun.name]},
            "weighted": {"text": mun.name, "weight": MUNICIPALITY_WEIGHT},
        }
    # Listings of the whole corpus: every word on them is on a document page too.
    for path in (urls.home(), urls.municipalities_index(), urls.theme_index(), urls.organisations_index()):
        plan[path] = {"index": False}
    return plan


def _document_entry(corpus: Corpus, doc: m.Document) -> SearchEntry:
    mun = corpus.municipalities[doc.municipality]
    themes = sorted({corpus.themes[c.theme].name for c in m.iter_chapters(doc.chapters) if c.theme})
    organisations = sorted({corpus.organisations[p].name for p in doc.parties})
    return {
        "index": True,
        "meta": {"title": f"{doc.title} – {mun.name}", "gemeente": mun.name, "document": doc.title},
        "filters": {
            FILTER_MUNICIPALITY: [mun.name],
            FILTER_YEAR: [str(y) for y in range(doc.period.start, doc.period.end + 1)],
            FILTER_THEME: themes,
            FILTER_ORGANISATION: organisations,
            FILTER_KIND: ["Kaderafspraken" if doc.kind == "framework" else "Jaarafspraken"],
        },
        "weighted": {"text": mun.name, "weight": MUNICIPALITY_WEIGHT},
    }


def index_site(site_dir: Path) -> None:
    """Write the Pagefind bundle into site_dir/pagefind/ from the built HTML.

    Only pages marked data-pagefind-body (site_theme/main.html) are indexed; the
    language comes from <html lang="nl">, so words are stemmed the Dutch way.
    Pagefind's output is deterministic: the same HTML gives the same bytes.
    """
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", BUNDLE_DIR,
               "--exclude-selectors", ", ".join(EXCLUDE_SELECTORS), "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or "Error" in result.stderr:
        raise GeneratorError(f"pagefind failed:\n{result.stdout}{result.stderr}")
    # The playground and the UI flavours we do not load are left out of the site.
    for unused in ("pagefind-modular-ui.js", "pagefind-modular-ui.css",
                   "pagefind-component-ui.js", "pagefind-component-ui.css"):
        (site_dir / BUNDLE_DIR / unused).unlink(missing_ok=True)
