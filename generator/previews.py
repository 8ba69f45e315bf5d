# A link to one commitment that previews its text (issue 12, "for journalists").
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
from .render import PageContext
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
{own}<meta name="twitter:card" content="summary">
<link rel="icon" href="{root}assets/images/favicon.png">
<link rel="stylesheet" href="{root}assets/stylesheets/embed.css">
<script src="{root}assets/javascripts/forward.js"></script>
</head>
<body class="embed preview">
<main>
<p>{municipality} · {document}</p>
<h1>{label}</h1>
<blockquote>
{paragraphs}
</blockquote>
<p>{who}</p>
<p><a href="{back}">Lees deze afspraak in {document} van {municipality} op {site}</a></p>
</main>
</body>
</html>
"""


def render_previews(corpus: Corpus, site_name: str, site_url: str = "") -> dict[str, bytes]:
    """One small page per commitment of every document (docs-relative path -> bytes)."""
    files: dict[str, bytes] = {}
    ctx = PageContext("", corpus)
    for doc in corpus.documents:
        mun = corpus.municipalities[doc.municipality]
        doc_url = urls.page_url(urls.document_page(doc))
        for chapter in m.iter_chapters(doc.chapters):
            for group in chapter.groups:
                for c in group.commitments:
                    path = urls.commitment_preview(doc, c.id)
                    root = urls.to_root(path)
                    label = ctx.commitment_label(c)
                    parties = [corpus.organisations[p].short_name
                               for p in dict.fromkeys(c.parties or group.actors)]
                    who = "Wie: " + ", ".join(parties) + (f". Wanneer: {c.due}" if c.due else "") + "."
                    title = f"{mun.name}: {doc.title}, {label}"
                    # og:url must be absolute: given only where the site's address is known.
                    own = (f'<meta property="og:url" content="'
                           f'{html.escape(site_url + urls.commitment_preview_url(doc, c.id))}">\n'
                           if site_url else "")
                    files[path] = PAGE.format(
                        title=html.escape(title), description=html.escape(_description(c.text)),
                        site=html.escape(site_name), root=root,
                        canonical=html.escape(site_url + doc_url if site_url else root + doc_url),
                        own=own, forward=html.escape(root + doc_url + "#" + c.id), csp=csp.META,
                        municipality=html.escape(mun.name), document=html.escape(doc.title),
                        label=html.escape(label),
                        paragraphs="\n".join(f"<p>{html.escape(p.strip())}</p>"
                                             for p in c.text.split("\n\n") if p.strip()),
                        who=html.escape(who),
                        back=html.escape(root + doc_url + "#" + c.id),
                    ).encode("utf-8")
    return files

