# `new`: writes the data file for a municipality's agreements of a new year or a
# period of years, as a starting point a maintainer fills in. The scaffold is a
# valid model but not filled in (empty chapters): `check` reports that, so it can
# never be published as is. It lists, as comments, the organisations and themes
# to pick from. Registries are appended to, never rewritten.
from __future__ import annotations

from pathlib import Path

from . import model as m
from .errors import GeneratorError
from .validate import Corpus, gemeente_of

NOT_FILLED_IN = "is not filled in yet"  # validate.py's words for a scaffold's empty parts


def parse_period(text: str) -> tuple[int, int]:
    """'2024-2027' (or '2024 t/m 2027') as (2024, 2027); a single year as (y, y)."""
    parts = text.replace(" t/m ", "-").split("-")
    try:
        start, end = (int(parts[0]), int(parts[-1])) if len(parts) <= 2 else (0, -1)
    except ValueError:
        start, end = 0, -1
    if len(parts) > 2 or end < start:
        raise GeneratorError(f"--period {text} is not a period; write it as 2024-2027")
    return start, end


def check_years(start: int, end: int, option: str = "--year") -> None:
    for y in (start, end):
        if not m.YEARS[0] <= y <= m.YEARS[1]:
            raise GeneratorError(f"{option} {y} is not a year between {m.YEARS[0]} and {m.YEARS[1]}")


def effective_kind(kind: str, start: int, end: int) -> str:
    """A period of several years is never "jaarafspraken": yearly becomes multi-year."""
    return "multi-year" if kind == "yearly" and end != start else kind


def scaffold_path(data_dir: Path, municipality: str, start: int, end: int, kind: str) -> Path:
    """Where `new` writes: data/<municipality>/<prestatie|kader>afspraken-<years>.yaml."""
    years = str(start) if end == start else f"{start}-{end}"
    name = "kaderafspraken" if kind == "framework" else "prestatieafspraken"
    return data_dir / municipality / f"{name}-{years}.yaml"


def scaffold_document(corpus: Corpus, data_dir: Path, municipality: str, year: int,
                      kind: str = "yearly", end: int | None = None) -> Path:
    end = year if end is None else end
    check_years(year, end)
    if municipality not in corpus.municipalities:
        known = ", ".join(sorted(corpus.municipalities))
        raise GeneratorError(f"unknown municipality '{municipality}' (known: {known}); add it "
                             f"to data/municipalities.yaml first, with its CBS code")
    kind = effective_kind(kind, year, end)
    years = str(year) if end == year else f"{year}-{end}"
    name_of_kind = "Kaderafspraken" if kind == "framework" else "Prestatieafspraken"
    path = scaffold_path(data_dir, municipality, year, end, kind)
    slug = path.stem
    if path.exists():
        raise GeneratorError(f"{path} already exists")
    previous = corpus.documents_of(municipality)
    latest = previous[-1] if previous else None
    mun = corpus.municipalities[municipality]
    gemeente = gemeente_of(mun)
    if gemeente not in corpus.organisations:
        raise GeneratorError(f"no organisation for gemeente {mun.name}: add '{gemeente}' "
                             f"(kind: gemeente, name: Gemeente {mun.name}) to "
                             f"data/organisations.yaml first, or name its id in 'organisation:' "
                             f"of {municipality} in data/municipalities.yaml")
    parties = list(latest.parties) if latest else [gemeente]
    if gemeente not in parties:
        parties.insert(0, gemeente)
    framework = latest.framework if latest and latest.framework and kind != "framework" else None
    name = corpus.municipalities[municipality].name
    lines = [
        "# yaml-language-server: $schema=../../schema/document.schema.json",
        f"# {name_of_kind} {years}, {name}. Gemaakt met `python -m generator new`.",
        "# Nog niet ingevuld: `check` meldt dit bestand tot de hoofdstukken gevuld zijn.",
        "# Vul de velden in zoals ze in het ondertekende document staan; zie data/README.md.",
        "# Controleer met `python -m generator check`, bekijk met `python -m generator serve`.",
        f"municipality: {municipality}",
        f"slug: {slug}",
        f"kind: {kind}",
        f"title: {name_of_kind} {years}",
        f"period: {{start: {year}, end: {end}}}",
    ]
    if framework:
        lines.append(f"framework: {framework}")
    lines += [
        "source:",
        f"  title: {name_of_kind} {years} gemeente {name}   # titel van de pdf",
        f"  publisher: Gemeente {name}",
        "# Organisaties (id: naam). Zet de ids van de partijen hieronder; ontbreekt er een,",
        "# voeg die dan toe aan data/organisations.yaml.",
    ]
    lines += [f"#   {o.id}: {o.name} ({o.kind})" for o in corpus.organisations.values()]
    lines += ["parties:"] + [f"  - {p}" for p in parties]
    lines += [
        "signing:",
        "  # date: 2025-12-08",
        "  # place: ...",
        "  signatories: []",
        "  #  - {person: ..., role: ..., organisation: ...}",
        "# Thema's (id: naam): " + "; ".join(f"{t.id}: {t.name}" for t in corpus.themes.values()),
        "chapters:",
    ]
    for theme in corpus.themes.values():
        lines += [
            f"  - id: {theme.id}",
            f"    title: {theme.name}   # de titel zoals in het document",
            f"    theme: {theme.id}",
            "    # context:",
            "    #   - {kind: doel, text: ...}",
            "    # groups:",
            "    #   - title: Gezamenlijke prestaties   # zoals gedrukt; weglaten als de bron geen kop heeft",
            f"    #     actors: [{', '.join(parties)}]",
            "    #     commitments:",
            "    #       - {id: afspraak-1, number: \"1\", text: ...}",
        ]
    text = "\n".join(lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
