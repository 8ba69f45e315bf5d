# Planning (generator/pages.py) at the scale of the country: the navigation
# groups municipalities by province (with navigation.prune a page carries only
# its own province), and organisation pages stay out of the navigation.
from __future__ import annotations

from pathlib import Path

from generator import urls
from generator.pages import plan_nav
from generator.validate import load_corpus

ROOT = Path(__file__).resolve().parent.parent


def test_the_navigation_groups_municipalities_by_province() -> None:
    corpus = load_corpus(ROOT / "data", ROOT)
    gemeenten = next(item["Gemeenten"] for item in plan_nav(corpus) if "Gemeenten" in item)
    assert gemeenten[0] == urls.municipalities_index()
    provinces = {name: items for group in gemeenten[1:] for name, items in group.items()}
    assert sorted(provinces) == sorted({m.province for m in corpus.municipalities.values()})
    for name, items in provinces.items():
        assert {next(iter(i)) for i in items} == {m.name for m in corpus.municipalities.values()
                                                  if m.province == name}


def test_organisation_pages_are_not_in_the_navigation() -> None:
    corpus = load_corpus(ROOT / "data", ROOT)
    flat = repr(plan_nav(corpus))
    assert urls.organisations_index() in flat
    assert not [o for o in corpus.organisations if urls.organisation_page(o) in flat]
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "/" + urls.organisation_page("*") in mkdocs  # not_in_nav, or a strict build fails
