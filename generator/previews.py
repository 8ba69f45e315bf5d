# A link to one commitment that previews its text (for journalists).
# A permalink ends in #afspraak-41; a fragment never reaches a server or a link
# preview, so a pasted permalink shows the document's title and description. Each
# commitment therefore also has a small page of its own at a stable address,
# afspraak/<municipality>/<document>/<commitment id>/, with its own title,
# description and Open Graph tags, its text for readers without JavaScript, and a
# script that takes a reader straight to the commitment in its document (X and
# Facebook read og:title and og:description; neither runs the script). The "Kopieer
# link" control of a commitment copies this address (site_theme/.../share.js).
from __future__ import annotations

import html
import re

from . import csp, urls
from . import model as m
from .queries import Queries
from .records import CommitmentRecord
from .share import share_image_meta
from .validate import Corpus

DESCRIPTION_LIMIT = 200  # characters of the commitment's text in og:description


def _description(text: str) -> str:
    """The commitment's text on one line, cut at a word before the limit."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) <= DESCRIPTION_LIMIT:
        return flat
    cut = flat[:DESCRIPTION_LIMIT].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


PAGE = """<!doctype html>
<html lang="nl" data-forward="{forward}">
<head>
<meta charset="utf-8">
{csp}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta name="description" content="{description}">
<meta name="robots" content="noindex">
<link rel="canonical" href="{canonical}">
<meta property="og:site_name" content="{site}">
<meta property="og:title" content="{title}">
<meta property="og:description" content="{description}">
<meta property="og:type" content="article">
<meta property="og:locale" content="nl_NL">
{own}<meta name="twitter:card" content="{card}">
<link rel="icon" href="{root}assets/images/favicon.png">
<link rel="stylesheet" href="{root}assets/stylesheets/embed.css">
<script src="{root}assets/javascripts/forward.js"></script>
</head>
<body class="embed preview">
<main>
<p>{municipality} · {document}</p>
<h1>{title}</h1>
<blockquote>
{paragraphs}
</blockquote>
{marks}<p>{who}</p>
<p><a href="{back}">Lees deze afspraak in {document} van {municipality} op {site}</a></p>
</main>
</body>
</html>
"""


def _marks(record: CommitmentRecord) -> str:
    """What the editors did to the values the page shows, each with its reason: the
    same marks the document page prints beside the values (records.MARKED_FIELDS)."""
    return "".join(f'<p class="provenance"><strong>{html.escape(f.name_nl)}:</strong> '
                   f"{html.escape(value.note or '')}</p>\n" for f, value in record.marked())


def render_previews(corpus: Corpus, site_name: str, site_url: str = "",
                    queries: Queries | None = None) -> dict[str, bytes]:
    """One small page per commitment of every document (docs-relative path -> bytes),
    from the build's records (built here without the build's Queries)."""
    files: dict[str, bytes] = {}
    for one in document_previews(corpus, site_name, site_url, queries).values():
        files.update(one)
    return files


def preview_scopes(corpus: Corpus) -> dict[str, list[str]]:
    """Document ref -> the documents its previews read (rendercache.py): its own
    records and share image (the document and the registries), and the other
    documents of its municipality, as a commitment is cited with its document's period
    and slug when another document there has the same title (records.corpus_records)."""
    by_municipality: dict[str, list[str]] = {}
    for doc in corpus.documents:
        by_municipality.setdefault(doc.municipality, []).append(doc.ref)
    return {doc.ref: by_municipality[doc.municipality] for doc in corpus.documents}


def document_previews(corpus: Corpus, site_name: str, site_url: str = "",
                      queries: Queries | None = None,
                      documents: list[m.Document] | None = None) -> dict[str, dict[str, bytes]]:
    """The previews of `documents` (by default every document), by document ref."""
    queries = queries or Queries.build(corpus)
    out: dict[str, dict[str, bytes]] = {}
    for doc in corpus.documents if documents is None else documents:
        out[doc.ref] = _previews_of(corpus, site_name, site_url, queries.records_of(doc))
    return out


def _previews_of(corpus: Corpus, site_name: str, site_url: str,
                 records: list[CommitmentRecord]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    # Every record is of one document, whose share image they all show.
    image = share_image_meta(corpus, records[0].doc, site_url) if records else None
    for r in records:
        doc = r.doc
        mun = corpus.municipalities[doc.municipality]
        doc_url = urls.page_url(urls.document_page(doc))
        path = urls.commitment_preview(doc, r.id)
        root = urls.to_root(path)
        parties = [corpus.organisations[p].short_name for p in r.parties.value]
        who = "Wie: " + ", ".join(parties) + (" (zie hierboven)" if r.parties.mark else "")
        who += (f". Wanneer: {r.due.value}" + (" (zie hierboven)" if r.due.mark else "")
                if r.due.value else "") + "."
        # The citation's title: the same in <title>, og:title and the heading.
        title = r.citation.title
        # og:url and og:image must be absolute: given only where the site's address is
        # known. The image is the document's (share.py says why not one per commitment).
        own = ""
        if site_url and image:
            own = (f'<meta property="og:url" content="'
                   f'{html.escape(urls.absolute(site_url, urls.commitment_preview_url(doc, r.id)))}">\n'
                   f'<meta property="og:image" content="{html.escape(image["url"])}">\n'
                   '<meta property="og:image:type" content="image/png">\n'
                   f'<meta property="og:image:width" content="{image["width"]}">\n'
                   f'<meta property="og:image:height" content="{image["height"]}">\n'
                   f'<meta property="og:image:alt" content="{html.escape(image["alt"])}">\n')
        # The marks first: a link preview shows only the first words of a long text.
        labels = r.marks_labels()
        description = _description(f"[{labels}] {r.text.value}" if labels else r.text.value)
        files[path] = PAGE.format(
            title=html.escape(title), description=html.escape(description),
            site=html.escape(site_name), root=root,
            canonical=html.escape(urls.absolute(site_url, doc_url) if site_url else root + doc_url),
            own=own, card="summary_large_image" if own else "summary",
            forward=html.escape(root + doc_url + "#" + r.id), csp=csp.META,
            municipality=html.escape(mun.name), document=html.escape(doc.title),
            paragraphs="\n".join(f"<p>{html.escape(p.strip())}</p>"
                                 for p in r.text.value.split("\n\n") if p.strip()),
            marks=_marks(r), who=html.escape(who),
            back=html.escape(root + doc_url + "#" + r.id),
        ).encode("utf-8")
    return files

