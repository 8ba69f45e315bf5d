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


def test_a_multi_year_document_is_listed_under_each_of_its_years(tmp_path: Path) -> None:
    import shutil

    from generator.pages import plan_pages
    from generator.years import years_in_force

    shutil.copytree(ROOT / "tests/fixtures/corpus", tmp_path / "data")
    corpus = load_corpus(tmp_path / "data", tmp_path)
    doc = corpus.document("testdorp/prestatieafspraken-2025-2028")
    by_year = years_in_force(corpus)["testdorp"]
    assert [y for y, docs in by_year.items() if doc in docs] == [2025, 2026, 2027, 2028]
    assert [d.ref for d in by_year[2024]] == ["testdorp/prestatieafspraken-2024"]
    planned = {p.path: p for p in plan_pages(corpus, ROOT / "content")}
    for year in range(2023, 2029):
        assert urls.municipality_year_page("testdorp", year) in planned
    assert planned[urls.municipality_page("testdorp")].context["years"] == list(range(2023, 2029))
    # Year pages are reached from the municipality page, not the navigation.
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "/gemeenten/*/[0-9][0-9][0-9][0-9].md" in mkdocs
    assert urls.municipality_year_page("testdorp", 2025) not in repr(plan_nav(corpus))


def test_a_merger_date_without_a_day_is_shown_the_dutch_way_with_its_note(tmp_path: Path) -> None:
    """A month or a year is shown as the source gives it ("juli 2023", "2023"), never as
    a day, with where the date comes from; the history is in order of the first day."""
    import shutil

    from generator.pages import plan_pages
    from generator.queries import Queries
    from generator.render import render_pages

    shutil.copytree(ROOT / "tests/fixtures/corpus", tmp_path / "data")
    orgs = tmp_path / "data/organisations.yaml"
    text = orgs.read_text(encoding="utf-8")
    month = 'date: "2023-07", event: fusie, date_note: "Jaarverslag 2023 van Woonborg: <in juli>"'
    year = 'date: 2023, date_note: "Persbericht van Woonborg"'
    for old, new in [("{id: woonstichting-oost, date: 2023-07-01, event: fusie}",
                      f"{{id: woonstichting-oost, {month}}}"),
                     ("{id: het-westerhuis, date: 2023-07-01}", f"{{id: het-westerhuis, {year}}}"),
                     ("successor: {id: woonborg, date: 2023-07-01, event: fusie}",
                      f"successor: {{id: woonborg, {month}}}"),
                     ("successor: {id: woonborg, date: 2023-07-01}", f"successor: {{id: woonborg, {year}}}")]:
        assert old in text, old
        text = text.replace(old, new)
    orgs.write_text(text, encoding="utf-8")
    corpus = load_corpus(tmp_path / "data", tmp_path)
    pages = render_pages(plan_pages(corpus, ROOT / "content", Queries.build(corpus)))
    woonborg = pages[urls.organisation_page("woonborg")].decode()
    section = woonborg.split(">Geschiedenis<", 1)[1].split("<h2", 1)[0]
    history = [line for line in section.splitlines() if line.startswith("<li>")]
    assert history == [
        '<li>2023: <a href="../het-westerhuis/">Het Westerhuis</a> is opgegaan in Woonborg (fusie). Over de datum: '
        "Persbericht van Woonborg</li>",
        '<li>juli 2023: <a href="../woonstichting-oost/">Woonstichting Oost</a> is opgegaan in Woonborg (fusie). '
        "Over de datum: Jaarverslag 2023 van Woonborg: &lt;in juli&gt;</li>"]
    oost = pages[urls.organisation_page("woonstichting-oost")].decode()
    assert ('<li>juli 2023: Woonstichting Oost is opgegaan in <a href="../woonborg/">Woonborg</a> (fusie). Over de '
            "datum: Jaarverslag 2023 van Woonborg: &lt;in juli&gt;</li>") in oost.splitlines()
