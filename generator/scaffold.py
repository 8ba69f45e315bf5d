# `new`: writes the data file for a municipality's agreements of a new year, as
# a starting point a maintainer fills in. The file validates as written (so the
# site builds while it is being filled) and lists, as comments, the
# organisations and themes to pick from. Registries are appended to, never
# rewritten, so their comments and order survive.
from __future__ import annotations

from pathlib import Path

from . import model as m
from .errors import GeneratorError
from .validate import Corpus


def scaffold_document(corpus: Corpus, data_dir: Path, municipality: str, year: int,
                      kind: str = "yearly") -> Path:
    if not m.YEARS[0] <= year <= m.YEARS[1]:
        raise GeneratorError(f"--year {year} is not a year between {m.YEARS[0]} and {m.YEARS[1]}")
    if municipality not in corpus.municipalities:
        known = ", ".join(sorted(corpus.municipalities))
        raise GeneratorError(f"unknown municipality '{municipality}' (known: {known}); add it "
                             f"to data/municipalities.yaml first, with its CBS code")
    slug = f"prestatieafspraken-{year}" if kind == "yearly" else f"kaderafspraken-{year}"
    path = data_dir / municipality / f"{slug}.yaml"
    if path.exists():
        raise GeneratorError(f"{path} already exists")
    previous = corpus.documents_of(municipality)
    latest = previous[-1] if previous else None
    gemeente = next((o.id for o in corpus.organisations.values()
                     if o.kind == "gemeente" and o.name.endswith(corpus.municipalities[municipality].name)),
                    None)
    parties = list(latest.parties) if latest else ([gemeente] if gemeente else [])
    if not parties:
        raise GeneratorError(f"no organisation for gemeente {municipality} in "
                             f"data/organisations.yaml; add it first")
    framework = latest.framework if latest and latest.framework else None
    name = corpus.municipalities[municipality].name
    lines = [
        "# yaml-language-server: $schema=../../schema/document.schema.json",
        f"# Prestatieafspraken {year}, {name}. Gemaakt met `python -m generator new`.",
        "# Vul de velden in zoals ze in het ondertekende document staan; zie data/README.md.",
        "# Controleer met `python -m generator check`, bekijk met `python -m generator serve`.",
        f"municipality: {municipality}",
        f"slug: {slug}",
        f"kind: {kind}",
        f"title: Prestatieafspraken {year}" if kind == "yearly" else f"title: Kaderafspraken {year}",
        f"period: {{start: {year}, end: {year}}}",
    ]
    if framework:
        lines.append(f"framework: {framework}")
    lines += [
        "source:",
        f"  title: Prestatieafspraken {year} gemeente {name}   # titel van de pdf",
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
            "    #   - title: Gezamenlijke prestaties   # zoals gedrukt",
            f"    #     actors: [{', '.join(parties)}]",
            "    #     commitments:",
            "    #       - {id: afspraak-1, number: \"1\", text: ...}",
        ]
    text = "\n".join(lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
