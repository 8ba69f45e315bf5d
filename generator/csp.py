# The Content Security Policy every page carries, as <meta http-equiv> (a static
# site has no headers of its own). It is the second line of defence: text from
# data/ is escaped where it is printed, and should an escaping mistake ever let
# markup through, the browser still runs no script that is not a file of this site.
# The theme prints it (the hook puts it in config.extra), and so do the pages the
# generator writes without the theme (previews, redirects, chart embeds).
#
# - script-src 'self': no inline script and no inline event handler runs, so the
#   theme's own inline scripts are files (site_theme/assets/javascripts/md-*.js);
#   'wasm-unsafe-eval' lets Pagefind compile its WebAssembly search (its docs).
# - style-src 'unsafe-inline': plotly.js writes <style> rules and style
#   attributes while it draws, and Markdown tables align cells with style
#   attributes. A style cannot run script; what this allows is markup that looks
#   different, which escaping prevents.
# - A <meta> policy cannot carry frame-ancestors or reporting (the spec ignores
#   them there): chart embeds are meant to be framed by other sites anyway.
from __future__ import annotations

import html

DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("style-src", "'self' 'unsafe-inline'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)

POLICY = "; ".join(f"{name} {value}" for name, value in DIRECTIVES)
# The policy as the <meta> element that must come before any script or style in <head>.
META = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(POLICY, quote=True)}">'
