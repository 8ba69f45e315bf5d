# Links that last: an old URL of a page whose slug changed (a renamed
# document, a merged organisation, a theme) keeps working through a redirect
# recorded in data/redirects.yaml. Checked with the rest of data/ (validate.py
# calls check_redirects); each becomes a static page at the old URL (render_redirects)
# that sends the reader on, with the #anchor of a permalink carried over.
from __future__ import annotations

import html
from collections.abc import Collection, Mapping

from . import csp, urls
from . import model as m
from .errors import Diagnostic
from .sources import PathKey, Source, format_path

REDIRECTS_FILE = "redirects.yaml"


def published_pages(documents: list[m.Document], municipalities: Mapping[str, m.Municipality],
                    themes: Collection[str], organisations: Collection[str]) -> set[str]:
    """The URLs of the generated pages a redirect may lead to (urls.page_url form)."""
    paths = [urls.home(), urls.municipalities_index(), urls.theme_index(),
             urls.organisations_index(), urls.open_data_page(), urls.concreteness_page(),
             urls.comparisons_index()]
    paths += [urls.municipality_page(mid) for mid in municipalities]
    paths += [urls.theme_page(t) for t in themes]
    paths += [urls.theme_province_page(t, p)
              for t, provinces in m.theme_provinces(documents, municipalities).items() for p in provinces]
    paths += [urls.organisation_page(o) for o in organisations]
    for doc in documents:
        paths.append(urls.document_page(doc))
        paths += [urls.municipality_year_page(doc.municipality, year)
                  for year in range(doc.period.start, doc.period.end + 1)]
    return {urls.page_url(p) for p in paths}


def check_redirects(parsed: m.RedirectsFile, source: Source, pages: set[str]) -> list[Diagnostic]:
    """Each old URL is recorded once and is no page any more; each target is a page
    (so there are no chains of redirects, and no loops)."""
    problems: list[Diagnostic] = []

    def report(loc: PathKey, message: str) -> None:
        line, col = source.place(loc)
        problems.append(Diagnostic(source.path, line, col, format_path(loc), message))

    olds = {r.old for r in parsed.redirects}
    seen: set[str] = set()
    for i, r in enumerate(parsed.redirects):
        if r.old in seen:
            report(("redirects", i, "from"), f"'{r.old}' is redirected twice")
        seen.add(r.old)
        if r.old in pages:
            report(("redirects", i, "from"), f"'{r.old}' is a page of the site; a redirect "
                   "would hide it")
        elif r.old.startswith(f"{urls.PREVIEWS}/"):  # the build would stop on it (pipeline.py)
            report(("redirects", i, "from"), f"'{r.old}' lies in {urls.PREVIEWS}/, the directory "
                   "of the commitments' preview pages; no redirect can be there")
        if r.to == r.old:
            report(("redirects", i, "to"), "a redirect cannot lead to itself")
        elif r.to in olds:
            report(("redirects", i, "to"), f"'{r.to}' is redirected itself: point to where it "
                   "leads (no chains of redirects)")
        elif r.to not in pages:
            report(("redirects", i, "to"), f"'{r.to}' is no page of the site")
    return problems


def render_redirect(redirect: m.Redirect) -> bytes:
    """A page at the old URL: a script that keeps the #anchor, a meta refresh for
    readers without JavaScript, a canonical link, and a visible link; noindex."""
    root = "../" * redirect.old.count("/")  # relative: works under a sub-path
    href = html.escape(root + redirect.to, quote=True)
    return f"""<!doctype html>
<html lang="nl" data-forward="{href}">
<head>
<meta charset="utf-8">
{csp.META}
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Deze pagina is verplaatst</title>
<link rel="canonical" href="{href}">
<script src="{root}assets/javascripts/forward.js"></script>
<meta http-equiv="refresh" content="0; url={href}">
</head>
<body>
<main>
<h1>Deze pagina is verplaatst</h1>
<p>Ga naar <a href="{href}">het nieuwe adres van deze pagina</a>.</p>
</main>
</body>
</html>
""".encode()


def render_redirects(redirects: list[m.Redirect]) -> dict[str, bytes]:
    return {urls.redirect_page(r.old): render_redirect(r) for r in redirects}
