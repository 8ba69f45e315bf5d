# Plans every page of the site from the validated corpus, before anything is
# rendered or written: which template, at which path (from urls.py), with which
# context, plus the navigation. Planning everything first is what lets pages
# link to each other and lets the writer refuse two files at one path.
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from . import model as m
from . import urls
from .comparison_views import plan_comparisons
from .concreteness import CRITERIA
from .errors import OutputConflict
from .formatting import Safe
from .markup import attributes
from .overview import plan_overview
from .queries import STATUSES, Comparison, Entry, Queries
from .register import DATAPACKAGE, LICENSE, REGISTER, REGISTER_XLSX, register_counts
from .render import (
    STATUS_LABELS,
    Deferred,
    PageContext,
    PlannedPage,
    chapter_label,
    contents_label,
    count_commitments,
    kind_label,
    opening_words,
    page_title,
    period_label,
)
from .rendercache import scopes
from .validate import Corpus
from .years import years_in_force

NavItem = Any  # str | dict[str, list | str], the shape of mkdocs.yml's nav
NO_PROVINCE = m.NO_PROVINCE  # nav group of municipalities without a province in the data

# Hand-written pages in content/, in navigation order, with their nav titles.
CONTENT_NAV = [
    ("Zo lees je een afspraak", "lezen.md"),
    ("Over deze site", "over.md"),
    ("Afspraken toevoegen", "bijdragen.md"),
    ("Toegankelijkheid", "toegankelijkheid.md"),
]


def plan_pages(corpus: Corpus, content_dir: Path, queries: Queries | None = None) -> list[PlannedPage]:
    pages: list[PlannedPage] = []
    queries = queries or Queries.build(corpus)  # once per build; every planner below asks it
    # A municipality's pages and those of its documents read only the documents linked
    # to it (tests/test_rendercache.py checks it, document by document).
    linked = scopes(corpus.documents, corpus.municipalities)
    for doc in corpus.documents:
        pages.append(replace(plan_document(corpus, doc, queries), scope=linked[doc.municipality]))
    in_force = years_in_force(corpus)
    for mun in corpus.municipalities.values():
        pages.append(replace(plan_municipality(corpus, mun, sorted(in_force.get(mun.id, {})), queries),
                             scope=linked[mun.id]))
    pages += [replace(page, scope=linked[page.context["municipality"].id])
              for page in plan_years(corpus, in_force, queries)]
    rows = [(mun, list(reversed(corpus.documents_of(mun.id))))
            for mun in corpus.municipalities.values()]
    shared = {"urls": urls, "rows": rows}
    home = urls.home()
    intro_path = content_dir / "_home.md"
    intro = intro_path.read_text(encoding="utf-8").strip() if intro_path.exists() else "# Prestatieafspraken"
    pages.append(PlannedPage(home, "home.md.j2", {
        **shared, "link": lambda target, anchor=None: Safe(urls.markdown_relative(home, target, anchor)),
        "intro": Safe(intro),
        "total_commitments": sum(count_commitments(d) for d in corpus.documents),
        "total_documents": len(corpus.documents),
        # The register at a glance.
        "overview": plan_overview(corpus, queries, in_force),
        "municipality_name": _municipality_name(corpus),
        "comparables": bool(corpus.comparables),
    }))
    index = urls.municipalities_index()
    pages.append(PlannedPage(index, "municipalities.html.j2",
                             {**shared, "link": PageContext(index, corpus).link}))
    pages += plan_themes(corpus, queries)
    pages += plan_organisations(corpus, queries)
    pages.append(plan_concreteness(corpus, queries))  # the published rules and their counts
    pages.append(plan_open_data(corpus, queries))  # what each download holds, from the register's field list
    pages += plan_comparisons(corpus)
    check_unique([p.path for p in pages])
    return pages


def _municipality_name(corpus: Corpus):  # type: ignore[no-untyped-def]
    return lambda doc: corpus.municipalities[doc.municipality].name


def plan_document(corpus: Corpus, doc: m.Document, queries: Queries | None = None) -> PlannedPage:
    path = urls.document_page(doc)
    framework = corpus.document(doc.framework) if doc.framework else None
    ctx = PageContext(path, corpus, doc=doc, framework=framework,
                      queries=queries or Queries.build(corpus))
    parties = [corpus.organisations[p] for p in doc.parties]
    signatories = doc.signing.signatories if doc.signing else []
    yearly = corpus.documents_under(doc.ref)
    municipality = corpus.municipalities[doc.municipality]
    title = (page_title(doc.title) if municipality.name.lower() in doc.title.lower()
             else page_title(municipality.name, doc.title))
    return PlannedPage(path, "document.html.j2", {
        "doc": doc,
        "page_title": title,
        "municipality": municipality,
        "framework": framework,
        "yearly_docs": yearly,
        "parties": parties,
        "signatories_of": lambda org_id: [s for s in signatories if s.organisation == org_id],
        "kind_label": kind_label(doc),
        "period_label": period_label(doc),
        # A spreadsheet of its tables and indicators exists only when it has some (register.py).
        "has_tables": any(ch.tables or any(g.indicators for g in ch.goals)
                          for ch in m.iter_chapters(doc.chapters)),
        "urls": urls,
        "link": ctx.link,
        "ctx": ctx,
    })


def plan_years(corpus: Corpus, in_force: dict[str, dict[int, list[m.Document]]],
               queries: Queries | None = None) -> list[PlannedPage]:
    """A page per municipality and year: every document in force that year."""
    pages = []
    queries = queries or Queries.build(corpus)
    for mun_id, by_year in in_force.items():
        mun = corpus.municipalities[mun_id]
        years = list(by_year)
        # Once per municipality; which documents follow an earlier one of their kind
        comparisons = queries.comparisons(mun_id)
        first_of_kind: dict[str, m.Document] = {}
        for d in sorted((d for d in corpus.documents_of(mun_id) if queries.count(d)),
                        key=lambda d: (d.period.start, d.period.end, d.slug)):
            first_of_kind.setdefault(d.kind, d)
        first = {d.ref for d in first_of_kind.values()}
        for i, (year, docs) in enumerate(by_year.items()):
            path = urls.municipality_year_page(mun_id, year)
            pages.append(PlannedPage(path, "year.html.j2", {
                "municipality": mun, "year": year, "documents": docs,
                "previous": years[i - 1] if i else None,
                "next": years[i + 1] if i + 1 < len(years) else None,
                "period": period_label, "kind_label": kind_label, "contents": contents_label,
                "page_title": page_title(f"Gemeente {mun.name}", str(year)),
                "urls": urls, "link": PageContext(path, corpus).link,
                **_year_changes(year, docs, comparisons, first, queries),
                "ctx": PageContext(path, corpus, queries=queries),
            }))
    return pages


def _year_changes(year: int, docs: list[m.Document], comparisons: list[Comparison],
                  first: set[str], queries: Queries) -> dict[str, Any]:
    """Status counts of the year's documents with commitments, and for each
    document that starts this year what is new, continued and dropped against the one
    before it, where `continues` is recorded (else: said not to be recorded)."""
    with_commitments = [d for d in docs if queries.count(d)]
    starting = [d for d in with_commitments if d.period.start == year]
    by_later = {c.later.ref: c for c in comparisons}
    return {
        "year_status": [(d, queries.status_counts(d)) for d in with_commitments],
        # (document, its comparison or None, whether an earlier one of its kind exists)
        "year_changes": [(d, by_later.get(d.ref), d.ref not in first) for d in starting],
        "continuing": [d for d in with_commitments if d.period.start != year],
    }

def plan_municipality(corpus: Corpus, mun: m.Municipality, years: list[int] | None = None,
                      queries: Queries | None = None) -> PlannedPage:
    path = urls.municipality_page(mun.id)
    queries = queries or Queries.build(corpus)
    docs = list(reversed(corpus.documents_of(mun.id)))
    party_ids = sorted({p for d in docs for p in d.parties},
                       key=lambda p: (corpus.organisations[p].kind, corpus.organisations[p].name))
    return PlannedPage(path, "municipality.html.j2", {
        "municipality": mun,
        "documents": docs,
        "parties": [corpus.organisations[p] for p in party_ids],
        "period": period_label,
        "kind_label": kind_label,
        "contents": contents_label,
        "page_title": page_title(f"Gemeente {mun.name}"),
        "years": years or [],
        "urls": urls,
        "link": PageContext(path, corpus).link,
        # Status and lineage: statuses per document, changes between documents.
        "status_rows": [(d, queries.status_counts(d)) for d in docs if queries.count(d)],
        "comparisons": queries.comparisons(mun.id),
        "ctx": PageContext(path, corpus, queries=queries),
    })


def plan_themes(corpus: Corpus, queries: Queries | None = None) -> list[PlannedPage]:
    """The themes index, one page per theme and one per theme and province. One pass
    over the chapters of all documents. A theme's page counts its chapters and
    commitments per province; the province's page groups the chapters per
    municipality and holds the full, filterable list of its commitments, so no page
    lists every document or commitment of the country."""
    by_theme: dict[str, list[tuple[m.Document, m.Chapter, str, int]]] = {t: [] for t in corpus.themes}
    for doc in corpus.documents:
        for chapter, label in _labelled_chapters(doc.chapters, ""):
            if chapter.theme:
                count = sum(len(g.commitments) for c in m.iter_chapters([chapter]) for g in c.groups)
                by_theme[chapter.theme].append((doc, chapter, label, count))
    path = urls.theme_index()
    queries = queries or Queries.build(corpus)  # once, not per theme
    rows = [(theme, by_theme[theme.id]) for theme in corpus.themes.values()]
    pages = [PlannedPage(path, "themes.html.j2", {
        "rows": rows, "urls": urls, "link": PageContext(path, corpus).link,
    })]
    provinces_of = m.theme_provinces(corpus.documents, corpus.municipalities)
    every_province = sorted({m.province_of(mun) for mun in corpus.municipalities.values()},
                            key=m.province_key)

    def province(doc: m.Document) -> str:
        return m.province_of(corpus.municipalities[doc.municipality])

    for theme, entries in rows:
        chapters: dict[str, list[tuple[m.Document, m.Chapter, str, int]]] = {}
        for entry in entries:
            chapters.setdefault(province(entry[0]), []).append(entry)
        items: dict[str, list[Entry]] = {}
        for e in queries.commitments_on(theme.id):
            items.setdefault(province(e.doc), []).append(e)
        provinces = provinces_of.get(theme.id, [])
        page = urls.theme_page(theme.id)
        summary = []
        for name in provinces:
            docs = {d.ref for d, _, _, _ in chapters[name]}
            muns = {d.municipality for d, _, _, _ in chapters[name]}
            summary.append((name, urls.theme_province_page(theme.id, name), len(muns), len(docs),
                            len(chapters[name]), len(items.get(name, []))))
        pages.append(PlannedPage(page, "theme.html.j2", {
            "theme": theme, "page_title": page_title(theme.name), "provinces": summary, "urls": urls,
            "link": PageContext(page, corpus).link,
            "total": sum(len(es) for es in items.values()),
            "list_anchor": urls.THEME_COMMITMENTS_ANCHOR,
            "without": [p for p in every_province if p not in provinces],
        }))
        for name in provinces:
            page = urls.theme_province_page(theme.id, name)
            grouped: dict[str, list[tuple[m.Document, m.Chapter, str, int]]] = {}
            for entry in chapters[name]:
                grouped.setdefault(corpus.municipalities[entry[0].municipality].name, []).append(entry)
            title = f"{theme.name}: overige gemeenten" if name == NO_PROVINCE else f"{theme.name} in {name}"
            listed = items.get(name, [])

            def context(theme: m.Theme = theme, name: str = name, page: str = page, title: str = title,
                        grouped: dict[str, Any] = grouped, provinces: list[str] = provinces,
                        listed: list[Entry] = listed) -> dict[str, Any]:
                return {
                    "theme": theme, "province": name, "by_municipality": sorted(grouped.items()),
                    "title": title, "page_title": page_title(title),
                    "in_province": "overige gemeenten" if name == NO_PROVINCE else f"gemeenten in {name}",
                    "others": [(p, urls.theme_province_page(theme.id, p)) for p in provinces if p != name],
                    "urls": urls, "link": PageContext(page, corpus).link,
                    # All its commitments in this province, filterable.
                    **_theme_commitments(corpus, listed),
                    "ctx": PageContext(page, corpus),
                }

            scope = {d.ref for d, _, _, _ in chapters[name]} | {e.doc.ref for e in listed}
            pages.append(PlannedPage(page, "theme_province.html.j2", Deferred(context), scope=sorted(scope),
               # which other provinces have the theme: a document elsewhere can change that
               keyed=tuple(provinces)))
    return pages


def _labelled_chapters(chapters: list[m.Chapter], parent: str) -> Iterator[tuple[m.Chapter, str]]:
    """Chapters with a label that includes their parents ("2 Prestatieafspraken 2026, then
    Betaalbaar wonen"), so two sub-chapters with the same title can be told apart."""
    for chapter in chapters:
        own = chapter_label(chapter)
        label = f"{parent} › {own}" if parent else own
        yield chapter, label
        yield from _labelled_chapters(chapter.chapters, label)


def plan_organisations(corpus: Corpus, queries: Queries | None = None) -> list[PlannedPage]:
    """The organisations index and one page per organisation (documents indexed
    by party once, in queries.py, not scanned per organisation). Sorted by the
    name people know (sort_name, else short_name): "De Volmacht", not "Woningstichting"."""
    path = urls.organisations_index()
    queries = queries or Queries.build(corpus)
    rows = []
    for org in sorted(corpus.organisations.values(), key=lambda o: (o.sort_key, o.id)):
        entries = [(doc, queries.count(doc, org.id)) for doc in queries.signed_by(org.id)]
        rows.append((org, entries))
    pages = [PlannedPage(path, "organisations.html.j2", {
        "rows": rows, "urls": urls, "link": PageContext(path, corpus).link,
        "organisations": corpus.organisations,
    })]
    for org, entries in rows:
        page = urls.organisation_page(org.id)

        def context(org: m.Organisation = org, entries: list[Any] = entries, page: str = page,
                    queries: Queries = queries) -> dict[str, Any]:
            return {
                "org": org, "page_title": page_title(org.short_name), "entries": entries, "urls": urls,
                "link": PageContext(page, corpus).link,
                "municipality_name": _municipality_name(corpus), "contents": contents_label,
                # Organisations over time and status.
                "organisations": corpus.organisations,
                "from_predecessors": queries.from_predecessors(org.id),
                "successors": queries.successors_of(org.id),
                # Every commitment it is responsible for, and its predecessors'.
                **_organisation_commitments(corpus, org.id, queries),
                "ctx": PageContext(page, corpus, queries=queries),
            }

        pages.append(PlannedPage(page, "organisation.html.j2", Deferred(context),
                                 scope=_organisation_scope(org.id, queries)))
    return pages


def _organisation_scope(org_id: str, queries: Queries) -> list[str]:
    """The documents an organisation's page reads: those it or an organisation that
    went over into it signed or is responsible for a commitment in. A document that
    names it anew joins the scope, and so changes the page's key."""
    refs: set[str] = set()
    for org in [org_id, *(pre.id for pre in queries.predecessors_of(org_id))]:
        refs.update(doc.ref for doc in queries.signed_by(org))
        refs.update(e.doc.ref for e in queries.commitments_of(org))
    return sorted(refs)


# --- concreteness ---------------------------------------------------

def plan_concreteness(corpus: Corpus, queries: Queries) -> PlannedPage:
    """The criteria of concreteness and the counts per document, theme and organisation
    (tallied once in queries.py)."""
    path = urls.concreteness_page()
    docs = [d for d in corpus.documents if queries.count(d)]
    orgs = sorted((o for o in corpus.organisations.values() if queries.tally("organisatie", o.id).total),
                  key=lambda o: (o.sort_key, o.id))
    themes = [(t.name, queries.tally("thema", t.id)) for t in corpus.themes.values()
              if queries.tally("thema", t.id).total]
    if queries.tally("thema", "").total:
        themes.append(("(hoofdstuk zonder thema)", queries.tally("thema", "")))
    return PlannedPage(path, "concreteness.html.j2", {
        "criteria": CRITERIA, "all": queries.tally("alle"),
        "documents": [(d, corpus.municipalities[d.municipality], queries.tally("document", d.ref))
                      for d in docs],
        "themes": themes,
        "organisations": [(o, queries.tally("organisatie", o.id)) for o in orgs],
        "urls": urls, "link": PageContext(path, corpus).link,
        "page_title": page_title("Hoe concreet zijn de afspraken?"),
    })

# --- views by organisation, theme and year ---------------------------

# (municipality, its entries' status counts, [(document, [(theme or None, entries)])])
CommitmentGroups = list[tuple[m.Municipality, list[Entry],
                              list[tuple[m.Document, list[tuple[m.Theme | None, list[Entry]]]]]]]


def group_commitments(corpus: Corpus, entries: list[Entry]) -> CommitmentGroups:
    """Entries by municipality (by name), then document (newest first), then theme
    (registry order, commitments outside a common theme last); linear in the entries."""
    by_mun: dict[str, dict[str, dict[str | None, list[Entry]]]] = {}
    docs: dict[str, m.Document] = {}
    for e in entries:
        docs[e.doc.ref] = e.doc
        by_mun.setdefault(e.doc.municipality, {}).setdefault(e.doc.ref, {}).setdefault(e.theme, []).append(e)
    theme_order = {t: i for i, t in enumerate(corpus.themes)}
    out: CommitmentGroups = []
    for mun_id in sorted(by_mun, key=lambda i: (corpus.municipalities[i].name, i)):
        doc_groups = []
        for ref in sorted(by_mun[mun_id], key=lambda r: (-docs[r].period.start, -docs[r].period.end, r)):
            themes = by_mun[mun_id][ref]
            doc_groups.append((docs[ref], [
                (corpus.themes[t] if t is not None else None, themes[t])
                for t in sorted(themes, key=lambda t: (t is None, theme_order.get(t or "", 0)))]))
        flat = [e for _, by_theme in doc_groups for _, es in by_theme for e in es]
        out.append((corpus.municipalities[mun_id], flat, doc_groups))
    return out


def _organisation_commitments(corpus: Corpus, org_id: str, queries: Queries) -> dict[str, Any]:
    # Responsibility the source does not print (a party list the editors inferred) is
    # listed apart, with what the editors based it on: a reader quoting the page must
    # not take it for what was signed.
    every = queries.commitments_of(org_id)
    own = [e for e in every if e.parties.mark is None]
    inferred = [e for e in every if e.parties.mark is not None]
    inferred_in: dict[str, int] = {}
    for e in inferred:
        inferred_in[e.doc.ref] = inferred_in.get(e.doc.ref, 0) + 1
    by_doc: dict[str, list[Entry]] = {}
    for e in own:
        by_doc.setdefault(e.doc.ref, []).append(e)
    predecessors = [(pre, group_commitments(corpus, es))
                    for pre in queries.predecessors_of(org_id)
                    if (es := queries.commitments_of(pre.id))]
    return {
        "own_groups": group_commitments(corpus, own),
        "commitment_total": len(own),
        "commitment_statuses": Queries.count_statuses(own),
        "inferred_groups": group_commitments(corpus, inferred),
        "inferred_total": len(inferred),
        # The same mark object stands on many entries: told apart by identity first,
        # which is cheap, then by value (a model's hash and equality are not).
        "inferred_notes": list(dict.fromkeys({id(e.parties.mark): e.parties.mark
                                              for e in inferred if e.parties.mark}.values())),
        "inferred_in": lambda doc: inferred_in.get(doc.ref, 0),
        # Per document the statuses of what the source makes it responsible for.
        "status_rows": [(es[0].doc, Queries.count_statuses(es)) for es in by_doc.values()],
        "predecessor_groups": predecessors,
        "count_statuses": Queries.count_statuses,
        "opening_words": opening_words,
    }


KIND_FILTER_LABELS = {"prestatieafspraak": "prestatieafspraak", "procesafspraak": "procesafspraak",
                      "onbekend": "soort niet vermeld"}
_FILTER_VALUE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def filter_attrs(corpus: Corpus, e: Entry) -> Markup:
    """The attributes of one item of a theme's list (' data-gemeente="..." ...'):
    what the filters match on. Every value is a slug, a year or a fixed word, checked
    here: theme-filter.js splits them at spaces, so no value may hold one."""
    values: dict[str, list[str]] = {
        "gemeente": [e.doc.municipality],
        "jaar": [str(y) for y in range(e.doc.period.start, e.doc.period.end + 1)],
        "organisatie": list(e.parties.value),
        "soort": [e.kind or "onbekend"],
        "status": [e.status],
    }
    for vs in values.values():
        for v in vs:
            if not _FILTER_VALUE.fullmatch(v):
                raise ValueError(f"not a filter value: {v!r}")
    return attributes(**{f"data_{k}": " ".join(vs) for k, vs in values.items()})


def _options(pairs: list[tuple[str, str]]) -> list[Markup]:
    """<option> elements, HTML-escaped."""
    return [Markup('<option value="{}">{}</option>').format(v, label) for v, label in pairs]


def _theme_commitments(corpus: Corpus, entries: list[Entry]) -> dict[str, Any]:
    """A theme's commitments of every municipality and year, one flat list (by
    municipality, newest document first, in document order), and the filter choices."""
    mun_order = {mid: (mun.name, mid) for mid, mun in corpus.municipalities.items()}
    ordered = sorted(enumerate(entries), key=lambda ie: (mun_order[ie[1].doc.municipality],
                                                          -ie[1].doc.period.start, -ie[1].doc.period.end,
                                                          ie[1].doc.slug, ie[0]))
    items = [e for _, e in ordered]
    muns = sorted({e.doc.municipality for e in items}, key=mun_order.__getitem__)
    years = sorted({y for e in items for y in range(e.doc.period.start, e.doc.period.end + 1)})
    orgs = sorted({p for e in items for p in e.parties.value},
                  key=lambda p: (corpus.organisations[p].sort_key, p))
    kinds = [k for k in KIND_FILTER_LABELS if any((e.kind or "onbekend") == k for e in items)]
    statuses = [s for s in STATUSES if any(e.status == s for e in items)]
    return {
        "items": items,
        "filter_attrs": lambda e: filter_attrs(corpus, e),
        "filters": [
            ("gemeente", "Gemeente", "Alle gemeenten",
             _options([(i, corpus.municipalities[i].name) for i in muns])),
            ("jaar", "Jaar", "Alle jaren", _options([(str(y), str(y)) for y in years])),
            ("organisatie", "Organisatie", "Alle organisaties",
             _options([(o, corpus.organisations[o].short_name) for o in orgs])),
            ("soort", "Soort", "Alle soorten", _options([(k, KIND_FILTER_LABELS[k]) for k in kinds])),
            ("status", "Status", "Alle statussen", _options([(s, STATUS_LABELS[s]) for s in statuses])),
        ],
        "municipality_name": lambda e: corpus.municipalities[e.doc.municipality].name,
        "party_names": lambda e: ", ".join(corpus.organisations[p].short_name for p in e.parties.value),
        "opening_words": opening_words,
        "list_anchor": urls.THEME_COMMITMENTS_ANCHOR,
        "list_id": urls.THEME_LIST_ID,
        "filter_id": urls.theme_filter_id,
    }
# --- end of the views -------------------------------------------------------------


# --- open data ---------------------------------------------------

TYPE_LABELS = {"string": "tekst", "integer": "geheel getal", "number": "getal",
               "date": "datum (JJJJ-MM-DD)", "boolean": "ja/nee"}


def plan_open_data(corpus: Corpus, queries: Queries | None = None) -> PlannedPage:
    """The open-data page, from the field list the files and the descriptor use."""
    path = urls.open_data_page()
    records = queries.records if queries else None
    counts = register_counts(corpus, records)
    return PlannedPage(path, "open_data.html.j2", {
        "resources": REGISTER, "counts": counts, "type_labels": TYPE_LABELS,
        "datapackage": DATAPACKAGE, "register_xlsx": REGISTER_XLSX, "license": LICENSE, "urls": urls,
        "link": PageContext(path, corpus).link, "code": _field_code,
        "comparables": bool(corpus.comparables), "page_title": page_title("Open data"),
    })


def _field_code(name: str) -> Markup:
    """A field name as code; field names are column names in files that scripts read,
    so only a-z, 0-9 and _ are taken."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"field name {name!r} is not a plain identifier")
    return Markup("<code>{}</code>").format(name)


def plan_nav(corpus: Corpus) -> list[NavItem]:
    """The navigation: home, province -> municipality -> documents (newest first), then the rest.

    MkDocs and Material print nav titles (and the page titles taken from them)
    as raw HTML, so titles from data are HTML-escaped here.
    """
    by_province: dict[str, list[NavItem]] = {}
    for mun in corpus.municipalities.values():
        docs = list(reversed(corpus.documents_of(mun.id)))
        entries: list[NavItem] = [urls.municipality_page(mun.id)]
        entries += [{str(escape(d.title)): urls.document_page(d)} for d in docs]
        by_province.setdefault(m.province_of(mun), []).append({str(escape(mun.name)): entries})
    # Grouped by province: with navigation.prune (mkdocs.yml) a page carries
    # only its own province's municipalities, not all 342.
    municipalities: list[NavItem] = [urls.municipalities_index()]
    municipalities += [{str(escape(province)): by_province[province]}
                       for province in sorted(by_province, key=m.province_key)]
    nav: list[NavItem] = [
        {"Start": urls.home()},
        {"Gemeenten": municipalities},
        {"Thema's": [urls.theme_index()]
         + [{str(escape(t.name)): urls.theme_page(t.id)} for t in corpus.themes.values()]},
        {"Organisaties": urls.organisations_index()},
        {"Concreetheid": urls.concreteness_page()},
    ]
    nav.append({"Vergelijken": [urls.comparisons_index()]
                + [{str(escape(c.name)): urls.comparison_page(c.id)}
                   for c in corpus.comparables.values()]})
    nav += [{title: path} for title, path in CONTENT_NAV]
    nav.append({"Open data": urls.open_data_page()})
    return nav


def plan_sources(corpus: Corpus) -> dict[str, str]:
    """The repository file behind each generated page."""
    sources = {urls.document_page(d): corpus.files[d.ref] for d in corpus.documents}
    sources.update({urls.municipality_page(mid): "data/municipalities.yaml"
                    for mid in corpus.municipalities})
    sources.update({urls.municipality_year_page(mid, year): "data/municipalities.yaml"
                    for mid, by_year in years_in_force(corpus).items() for year in by_year})
    sources[urls.municipalities_index()] = "data/municipalities.yaml"
    sources[urls.theme_index()] = "data/themes.yaml"
    sources[urls.organisations_index()] = "data/organisations.yaml"
    sources.update({urls.theme_page(t): "data/themes.yaml" for t in corpus.themes})
    sources.update({urls.theme_province_page(t, p): "data/themes.yaml"
                    for t, provinces in m.theme_provinces(corpus.documents, corpus.municipalities).items()
                    for p in provinces})
    sources.update({urls.organisation_page(o): "data/organisations.yaml" for o in corpus.organisations})
    sources[urls.home()] = "content/_home.md"
    sources[urls.concreteness_page()] = "generator/concreteness.py"


    sources[urls.open_data_page()] = "generator/register.py"
    sources[urls.comparisons_index()] = "data/comparisons.yaml"
    sources.update({urls.comparison_page(c): "data/comparisons.yaml" for c in corpus.comparables})
    return sources


def check_unique(paths: list[str]) -> None:
    seen: set[str] = set()
    for path in paths:
        if path in seen:
            raise OutputConflict(f"two outputs planned at {path}")
        seen.add(path)
