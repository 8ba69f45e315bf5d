# Site search (Pagefind). Two steps, on either side of the site builder:
#   plan_search(corpus) -> per page: index it or not, what each result shows
#     (municipality, document) and the filters; written to build/search.json,
#     which the MkDocs hook hands to the theme (site_theme/main.html prints it
#     as data-pagefind-* attributes);
#   index_site(site_dir) runs Pagefind on the finished HTML (builder-independent),
#     before the site is swapped in, writing site_dir/pagefind/ (index in chunks).
from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import subprocess
import sys
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import model as m
from . import urls
from .errors import GeneratorError
from .evidence import PROVENANCE_LABELS
from .publish import helper_threads
from .queries import Queries
from .records import CommitmentRecord
from .validate import Corpus
from .write import link_dir, write_file
from .years import years_in_force

# Filter names as the reader sees them (Pagefind shows the key).
FILTER_MUNICIPALITY = "Gemeente"
FILTER_YEAR = "Jaar"
FILTER_THEME = "Thema"
FILTER_ORGANISATION = "Organisatie"
FILTER_KIND = "Soort"
# Commitment status is in the model now (queries.current_status); a FILTER_STATUS =
# "Status" with the statuses of a page's commitments waits until the data reports
# any: today every commitment is "niet-gerapporteerd", a filter with one value.

# Pagefind's weight for the municipality's name on its own pages, and an
# organisation's on its page (headings weigh 7 for h1 down to 2): "sociale
# huurwoningen Groningen" ranks Groningen's pages first.
# A page about one municipality or organisation also carries its exact name as
# the metadata NAME_META, which search.js weighs heavily (Pagefind's metaWeights):
# a word counts the same on every page that repeats it, so only this puts
# Woonborg's own page above the documents that name Woonborg fifty times, and
# "De Huismeesters" above "Huurdersraad De Huismeesters".
NAME_META = "naam"
MUNICIPALITY_WEIGHT = 10.0

# Never indexed: the "#" permalinks after headings, Material's navigation.
EXCLUDE_SELECTORS = [".headerlink"]
BUNDLE_DIR = "pagefind"
# Pagefind needs about 1 MB of memory per page it indexes; parts of this many
# pages keep it under 1 GB (bench/README.md).
PAGES_PER_PART = 800

SearchEntry = dict[str, Any]  # {"index": bool, "meta": {...}, "filters": {...}, "weighted": {...}}


# Pagefind decodes HTML entities in what it indexes twice: the page's own escaping
# (which the theme adds) and once more. Its UI then shows filter values as HTML
# (innerHTML) and result metadata as text. So a name from the registries reaches
# the reader's DOM as markup unless it is escaped once more than the page needs,
# and twice more for a filter value. tests/test_search.py proves both in Chromium
# with names that carry markup and entities.
def _as_meta(text: str) -> str:
    """A result's metadata: after Pagefind's extra decoding, the text itself."""
    return html.escape(text, quote=False)


def _as_filter(text: str) -> str:
    """A filter value: after Pagefind's extra decoding, the text escaped for its UI's innerHTML."""
    return html.escape(html.escape(text, quote=False), quote=False)


def _entry(meta: dict[str, str], filters: dict[str, list[str]], weighted: str) -> SearchEntry:
    return {
        "index": True,
        "meta": {key: _as_meta(value) for key, value in meta.items()},
        "filters": {key: [_as_filter(v) for v in values] for key, values in filters.items()},
        "weighted": {"text": _as_meta(weighted), "weight": MUNICIPALITY_WEIGHT},
    }


def plan_search(corpus: Corpus, queries: Queries | None = None) -> dict[str, SearchEntry]:
    """Page path -> what search knows about it. Pages without an entry (the
    hand-written ones in content/) are indexed with their title only."""
    plan: dict[str, SearchEntry] = {}
    queries = queries or Queries.build(corpus)
    for doc in corpus.documents:
        plan[urls.document_page(doc)] = _document_entry(corpus, doc, queries.records_of(doc))
    for mun in corpus.municipalities.values():
        plan[urls.municipality_page(mun.id)] = _entry(
            {"title": f"Gemeente {mun.name}", "gemeente": mun.name, NAME_META: mun.name},
            {FILTER_MUNICIPALITY: [mun.name]}, mun.name)
    # An organisation's own page, found by its name (its commitments are on the
    # document pages too, but "Woonborg" should offer Woonborg's page first).
    for org in corpus.organisations.values():
        names = org.short_name if org.short_name == org.name else f"{org.short_name} {org.name}"
        plan[urls.organisation_page(org.id)] = _entry(
            {"title": f"Organisatie {org.short_name}", NAME_META: names},
            {FILTER_ORGANISATION: [org.name]},
            names)
    # Listings of the whole corpus: every word on them is on a document page too.
    listings = [urls.home(), urls.municipalities_index(), urls.theme_index(), urls.organisations_index()]
    listings += [urls.theme_page(t) for t in corpus.themes]
    listings += [urls.theme_province_page(t, p)  # a theme's list, per province
                 for t, provinces in m.theme_provinces(corpus.documents, corpus.municipalities).items()
                 for p in provinces]
    listings += [urls.municipality_year_page(mun, year)  # the documents, listed per year
                 for mun, by_year in years_in_force(corpus).items() for year in by_year]
    for path in listings:
        plan[path] = {"index": False}
    return plan


def marks_meta(doc: m.Document, records: list[CommitmentRecord]) -> str | None:
    """What on the page is not as printed, counted: 'Wie: afgeleid (niet in de bron) bij
    23 afspraken; Tekst: bewerkt door de redactie bij 2 afspraken'; None if nothing."""
    counts: dict[str, int] = {}
    for r in records:
        for f, value in r.marked():
            key = f"{f.name_nl}: {value.label}"
            counts[key] = counts.get(key, 0) + 1
    parts = [f"Partijen: {PROVENANCE_LABELS[doc.parties_provenance.kind]}"] if doc.parties_provenance else []
    parts += [f"{key} bij {n} {'afspraak' if n == 1 else 'afspraken'}" for key, n in counts.items()]
    return "; ".join(parts) or None


def _document_entry(corpus: Corpus, doc: m.Document, records: list[CommitmentRecord]) -> SearchEntry:
    mun = corpus.municipalities[doc.municipality]
    themes = sorted({corpus.themes[c.theme].name for c in m.iter_chapters(doc.chapters) if c.theme})
    organisations = sorted({corpus.organisations[p].name for p in doc.parties})
    marks = marks_meta(doc, records)
    return _entry(
        {"title": f"{doc.title} – {mun.name}", "gemeente": mun.name, "document": doc.title,
         # What the editors did, with the result (the page says why at each value).
         **({"herkomst": marks} if marks else {})},
        {
            FILTER_MUNICIPALITY: [mun.name],
            FILTER_YEAR: [str(y) for y in range(doc.period.start, doc.period.end + 1)],
            FILTER_THEME: themes,
            FILTER_ORGANISATION: organisations,
            FILTER_KIND: [{"framework": "Kaderafspraken", "multi-year": "Meerjarige afspraken"}
                          .get(doc.kind, "Jaarafspraken")],
        },
        mun.name)


@dataclass(frozen=True)
class Previous:
    """The last build, for indexing again only the parts whose pages changed."""
    site: Path
    parts: list[str | None]  # its plan_parts
    changed: Collection[str]  # HTML pages (site paths) written with other bytes, or removed, since


def index_site(site_dir: Path, pages_per_part: int = PAGES_PER_PART, previous: Previous | None = None,
               jobs: int = 1) -> tuple[list[str | None], int]:
    """Write the Pagefind bundle into site_dir/pagefind/ from the built HTML; returns
    the parts (plan_parts) and how many of them were indexed.

    Only pages marked data-pagefind-body (site_theme/main.html) are indexed; the
    language comes from <html lang="nl">, so words are stemmed the Dutch way.
    Pagefind holds the whole index in memory while it builds (about 1 MB per
    page), so a large site is indexed in parts of whole municipalities, each its
    own bundle (pagefind/, pagefind-1/, ...); the browser searches them all
    (pagefind/parts.json lists the others, search.js merges them).
    Pagefind writes its filter files in hash-map order, which changes from run
    to run; canonical_filters() sorts them so two builds are byte-identical, and
    a part's bundle depends only on its pages. So with `previous` split the same
    way, a part none of whose pages changed keeps the previous bundle (hard links).
    """
    parts = plan_parts(site_dir, pages_per_part)
    bundles = [BUNDLE_DIR] + [f"{BUNDLE_DIR}-{i}" for i in range(1, len(parts))]
    redo = set(range(len(parts)))
    if previous is not None and previous.parts == parts:
        redo = {i for i in (part_of(page, parts) for page in previous.changed) if i is not None}
        for i, bundle in enumerate(bundles):
            if i not in redo:
                link_dir(previous.site / bundle, site_dir / bundle)
    work = [(bundles[i], parts[i]) for i in sorted(redo)]
    with helper_threads(max(1, jobs)) as pool:
        list(pool.map(lambda part: _index_part(site_dir, *part), work))
    # Replaced, not rewritten: a kept bundle's file is a link into the previous site.
    write_file(site_dir / BUNDLE_DIR / "parts.json",
               (json.dumps({"merge": [f"{b}/" for b in bundles[1:]]}) + "\n").encode("utf-8"))
    return parts, len(work)


def _index_part(site_dir: Path, bundle: str, glob: str | None) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", bundle,
               "--exclude-selectors", ", ".join(EXCLUDE_SELECTORS), "--quiet"]
    if glob:
        command += ["--glob", glob]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or "Error" in result.stderr:
        raise GeneratorError(f"pagefind failed:\n{result.stdout}{result.stderr}")
    canonical_filters(site_dir / bundle)
    # Only the main bundle's UI and highlighting are loaded.
    unused = ["pagefind-modular-ui.js", "pagefind-modular-ui.css",
              "pagefind-component-ui.js", "pagefind-component-ui.css"]
    if bundle != BUNDLE_DIR:
        unused += ["pagefind-ui.js", "pagefind-ui.css", "pagefind-highlight.js"]
    for name in unused:
        (site_dir / bundle / name).unlink(missing_ok=True)


# A part's glob names whole folders as "<top>/{<name>,<name>}/**/*.html".
_FOLDERS = re.compile(r"(?:^|[{,])([^{},/]+)/\{([^{}]*)\}/\*\*/\*\.html")


def part_of(page: str, parts: list[str | None]) -> int | None:
    """Which of the parts (plan_parts) indexes a page of the site; None: no part."""
    top, _, rest = page.partition("/")
    if top in NOT_INDEXED or top.startswith(BUNDLE_DIR):
        return None
    if "/" in rest:
        name = rest.split("/", 1)[0]
        for i, glob in enumerate(parts):
            for folder, names in _FOLDERS.findall(glob or ""):
                if folder == top and name in names.split(","):
                    return i
    return 0


# Directories of standalone pages that are never indexed (no data-pagefind-body): each
# commitment's preview page and each chart's embed page (tens of thousands nationally).
# Folders of the site with no page to index; the files in them may still be arriving
# while Pagefind runs (pipeline.build).
NOT_INDEXED = frozenset({urls.PREVIEWS, urls.EMBEDS, urls.FEEDS, urls.DOWNLOADS, urls.SHARE_IMAGES,
                         "assets", "schema"})


def plan_parts(site_dir: Path, pages_per_part: int) -> list[str | None]:
    """Globs that split the site into parts of at most about pages_per_part
    HTML pages, by whole folders (a municipality's, an organisation's, a theme's: a
    part's index then holds every page of its folders); the first part also holds
    the pages outside them. One part when the site is small enough. No glob covers
    NOT_INDEXED."""
    # A hidden folder is no part of the site (the previews, staged there while the site is
    # built, go in after Pagefind).
    tops = sorted(p.name for p in site_dir.iterdir() if p.is_dir() and not p.name.startswith((BUNDLE_DIR, "."))
                  and p.name not in NOT_INDEXED)
    # Every folder inside a top folder is a unit a part takes whole, weighed by its
    # pages (all read by Pagefind; their number, unlike their size, changes only when
    # pages come or go, so an edited page leaves the parts as they were and only its
    # part is indexed again). The organisations' and themes' pages, a fifth of the
    # national site, spread over the parts like the municipalities': in one part of
    # their own they took twice as long as any other.
    units = {(top, unit.name): sum(1 for _ in unit.rglob("*.html"))
             for top in tops for unit in sorted((site_dir / top).iterdir()) if unit.is_dir()}
    units = {unit: pages for unit, pages in units.items() if pages}
    first = ["*.html", *(f"{top}/*.html" for top in tops)]
    loose = sum(1 for top in tops for page in (site_dir / top).glob("*.html")
                if b"data-pagefind-body" in page.read_bytes())
    total = sum(units.values()) + loose
    if total <= pages_per_part:  # one index; the pages of NOT_INDEXED are not even read
        return ["{" + ",".join([*first, *(f"{top}/**/*.html" for top in tops)]) + "}"]
    count = -(-total // pages_per_part)
    # Parts alike (Pagefind ranks within each part): the folders spread evenly, the
    # few loose pages in the first part besides them.
    groups: list[list[tuple[str, str]]] = [[] for _ in range(count)]
    filled = [loose] + [0] * (count - 1)
    for unit in sorted(units, key=lambda u: (-units[u], u)):  # largest first, into the emptiest part
        i = min(range(count), key=lambda k: (filled[k], k))
        groups[i].append(unit)
        filled[i] += units[unit]
    globs: list[str | None] = []
    for i, group in enumerate(groups):
        if i and not group:
            continue
        patterns = [f"{top}/{{{','.join(sorted(name for t, name in group if t == top))}}}/**/*.html"
                    for top in sorted({top for top, _ in group})]
        globs.append("{" + ",".join((first if i == 0 else []) + patterns) + "}")
    return globs


# --- deterministic filter files ---------------------------------------------------
# Pagefind's files are gzip("pagefind_dcd" + CBOR). Filter files hold
# [name, [[value, [page, ...]], ...]] and the language's meta file lists them as
# [name, hash] pairs; both come out in hash-map order. The few CBOR types they
# use (unsigned integers, text, arrays) are decoded and encoded here, sorted,
# and the files renamed after their new content, as Pagefind names them.
SIGNATURE = b"pagefind_dcd"


def _cbor_decode(data: bytes, pos: int = 0) -> tuple[Any, int]:
    major, info = data[pos] >> 5, data[pos] & 0x1F
    pos += 1
    if info < 24:
        arg = info
    else:
        size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        arg, pos = int.from_bytes(data[pos:pos + size], "big"), pos + size
    if major == 0:
        return arg, pos
    if major == 3:
        return data[pos:pos + arg].decode("utf-8"), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = _cbor_decode(data, pos)
            items.append(item)
        return items, pos
    raise GeneratorError(f"unexpected CBOR type {major} in a Pagefind file")


def _cbor_head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise GeneratorError("CBOR value too large")


def _cbor_encode(value: Any) -> bytes:
    if isinstance(value, int):
        return _cbor_head(0, value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _cbor_head(3, len(raw)) + raw
    return _cbor_head(4, len(value)) + b"".join(_cbor_encode(v) for v in value)


def _read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise GeneratorError(f"{path} is not a Pagefind file")
    value, _ = _cbor_decode(data, len(SIGNATURE))
    return value


def _write(folder: Path, prefix: str, digits: int, suffix: str, value: Any) -> str:
    """Write value under a name from its content; returns the name's hash part."""
    payload = SIGNATURE + _cbor_encode(value)
    name = f"{prefix}{hashlib.sha256(payload).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(payload, mtime=0))
    return name


def canonical_filters(bundle: Path) -> None:
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_file = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_file)
        filters = next((i for i, part in enumerate(meta) if isinstance(part, list) and part
                        and all(isinstance(f, list) and len(f) == 2 and isinstance(f[1], str)
                                and (bundle / "filter" / f"{f[1]}.pf_filter").is_file() for f in part)), None)
        if filters is None:  # no page of this bundle has a filter
            continue
        renamed = []
        for name, old in sorted(meta[filters]):
            old_file = bundle / "filter" / f"{old}.pf_filter"
            key, values = _read(old_file)
            old_file.unlink()
            new = _write(bundle / "filter", f"{language}_", 7, ".pf_filter", [key, sorted(values)])
            renamed.append([name, new])
        meta[filters] = renamed
        meta_file.unlink()
        info["hash"] = _write(bundle, f"pagefind.{language}_", 10, ".pf_meta", meta).removeprefix("pagefind.")
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
