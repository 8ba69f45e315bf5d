# Open data of the whole register: one row per commitment, and the
# documents, organisations, municipalities and themes, as CSV (and the commitments
# as JSON too), plus a Frictionless Data Package descriptor (datapackage.json).
# One field list (REGISTER) drives the files, the descriptor and the open-data
# page, so the documentation cannot drift from what is written.
from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import model as m
from . import urls, xlsx
from .errors import GeneratorError
from .evidence import PROVENANCE_LABELS
from .export import DOCUMENT_KIND_LABELS
from .records import MARKED_FIELDS, CommitmentRecord, MarkedField, corpus_records
from .rendercache import base_key, unit_key
from .validate import Corpus
from .write import write_file

DATAPACKAGE = f"{urls.DOWNLOADS}/datapackage.json"
REGISTER_DIR = f"{urls.DOWNLOADS}/register"
REGISTER_XLSX = f"{REGISTER_DIR}/register.xlsx"
PACKAGE_NAME = "prestatieafspraken"
# Table Schema (https://specs.frictionlessdata.io/table-schema/) types used here.
TYPES = ("string", "integer", "number", "date", "boolean")
# Multi-valued cells (parties) are joined with this separator in CSV.
SEPARATOR = "; "
LICENSE = {  # to be confirmed by the maintainers: mkdocs.yml says "vrij te hergebruiken"
    "name": "CC0-1.0",
    "title": "Creative Commons Zero v1.0 Universal",
    "path": "https://creativecommons.org/publicdomain/zero/1.0/",
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # a Table Schema type (TYPES)
    nl: str  # description in Dutch (the site's language)
    en: str
    link: bool = False  # the address of a page on the site: absolute when the site's is known


@dataclass(frozen=True)
class Resource:
    name: str  # a Data Package resource name (lower case, a-z 0-9 - _ .)
    title: str  # Dutch
    description: str  # Dutch
    fields: tuple[FieldSpec, ...]
    primary_key: str

    @property
    def csv_path(self) -> str:
        return f"{REGISTER_DIR}/{self.name}.csv"

    @property
    def json_path(self) -> str:
        return f"{REGISTER_DIR}/{self.name}.json"


F = FieldSpec
_ADDRESS = (": het volledige adres (https://...), of ten opzichte van het adres van de site als "
            "dat bij het maken niet bekend was")
_ADDRESS_EN = ": absolute, or relative to the site's address if that was not known at build time"
# A document's kind in the downloads: the Dutch words a reader knows, beside the code.
DOCUMENT_KINDS = DOCUMENT_KIND_LABELS


def _provenance_nl(f: MarkedField) -> str:
    """The description of a provenance column (one per marked value of a commitment)."""
    kinds = ", ".join(f"'{label}'" for label in PROVENANCE_LABELS.values())
    return (f"Als {f.shown} niet precies zo in de bron staat: wat de redactie deed ({kinds}), "
            "een dubbele punt en waarop dat berust; leeg als het zo gedrukt is")


COMMITMENTS = Resource(
    "afspraken", "Afspraken", "Elke afspraak uit elk document, één rij per afspraak.", (
        F("gemeente", "string", "Id van de gemeente (zie gemeenten.csv)", "Municipality id"),
        F("gemeente_naam", "string", "Naam van de gemeente", "Municipality name"),
        F("document", "string", "Id van het document: <gemeente>/<slug> (zie documenten.csv)",
          "Document reference"),
        F("document_titel", "string", "Titel van het document", "Document title"),
        F("hoofdstuk", "string", "Hoofdstuk waarin de afspraak staat, met nummer en titel zoals "
          "gedrukt (subhoofdstukken na ›)", "Chapter, as printed"),
        F("nummer", "string", "Nummer van de afspraak zoals gedrukt, als tekst (1.10 is niet 1.1: "
          "lees de kolom niet als getal); leeg als het document opsommingstekens gebruikt",
          "Number as printed, a text (1.10 is not 1.1: do not read it as a number); "
          "empty for bullets"),
        F("id", "string", "Vaste id van de afspraak in het document (het anker van de permalink)",
          "Stable id of the commitment within its document"),
        F("permalink", "string", "Adres van de afspraak op deze site" + _ADDRESS,
          "Permanent link" + _ADDRESS_EN, link=True),
        F("tekst", "string", "Tekst van de afspraak zoals ondertekend", "Text as signed"),
        F("soort", "string", "prestatieafspraak of procesafspraak; leeg als het document het "
          "niet zegt", "Kind: result or process; empty if the source does not say"),
        F("partijen", "string", f"Ids van de verantwoordelijke partijen, gescheiden door "
          f"'{SEPARATOR.strip()}' (zie organisaties.csv)", "Ids of the responsible parties"),
        F("partij_namen", "string", f"Namen van de verantwoordelijke partijen, gescheiden door "
          f"'{SEPARATOR.strip()}'", "Names of the responsible parties"),
        F("thema", "string", "Id van het gemeenschappelijke thema (zie themas.csv); leeg als het "
          "hoofdstuk geen thema heeft", "Common theme id"),
        F("uiterlijk", "string", "Wanneer het klaar moet zijn, zoals in de data: 2026, 2026-06, "
          "Q1 2026 of 2028 t/m 2031", "Due, as in the data"),
        F("status", "string", "Laatst gerapporteerde stand; niet-gerapporteerd als er geen "
          "rapportage is", "Current status, computed from the reports"),
        F("pagina", "integer", "Pagina in de bron-PDF waarop de afspraak staat",
          "Source page"),
        *(F(f.column, "string", _provenance_nl(f), f"Provenance of {f.shown}, if not as printed")
          for f in MARKED_FIELDS),
    ), "permalink")

def _page_field(what: str) -> FieldSpec:
    """The field with the address of a register entry's own page on the site."""
    return FieldSpec("pagina", "string", f"Adres van {what} op deze site" + _ADDRESS,
                     "Page" + _ADDRESS_EN, link=True)


DOCUMENTS = Resource(
    "documenten", "Documenten", "Elk document met zijn periode, raamwerk en bron.", (
        F("document", "string", "Id van het document: <gemeente>/<slug>", "Document reference"),
        F("gemeente", "string", "Id van de gemeente", "Municipality id"),
        F("soort", "string", "Soort document: " + ", ".join(DOCUMENT_KINDS.values()),
          "Document kind, in Dutch"),
        F("soort_code", "string", "Dezelfde soort als vaste code voor scripts: " + ", ".join(
          f"{code} ({label})" for code, label in DOCUMENT_KINDS.items()), "Document kind, as a code"),
        F("titel", "string", "Titel van het document", "Title"),
        F("begin", "integer", "Eerste jaar van de looptijd", "First year in force"),
        F("eind", "integer", "Laatste jaar van de looptijd", "Last year in force"),
        F("raamwerk", "string", "Id van het kaderdocument waaronder het valt", "Framework document"),
        F("ondertekend", "date", "Datum van ondertekening (JJJJ-MM-DD)", "Date signed"),
        F("partijen", "string", f"Ids van de partijen, gescheiden door '{SEPARATOR.strip()}'",
          "Party ids"),
        F("afspraken", "integer", "Aantal afspraken in het document", "Number of commitments"),
        _page_field("het document"),
        F("bron_titel", "string", "Titel van de gepubliceerde PDF", "Title of the source PDF"),
        F("bron_uitgever", "string", "Wie de bron publiceerde", "Publisher"),
        F("bron_url", "string", "Adres van de bron", "Source URL"),
    ), "document")
ORGANISATIONS = Resource(
    "organisaties", "Organisaties", "Gemeenten, woningcorporaties en huurdersorganisaties.", (
        F("id", "string", "Vaste id van de organisatie", "Organisation id"),
        F("soort", "string", "gemeente, woningcorporatie, huurdersorganisatie of overig", "Kind"),
        F("naam", "string", "Volledige naam", "Full name"),
        F("korte_naam", "string", "Naam zoals mensen hem kennen", "Short name"),
        F("website", "string", "Website", "Website"),
        F("opvolger", "string", "Id van de organisatie die haar opvolgde (fusie of "
          "naamswijziging)", "Successor id"),
        _page_field("de organisatie"),
    ), "id")
MUNICIPALITIES = Resource(
    "gemeenten", "Gemeenten", "De gemeenten in het register.", (
        F("id", "string", "Id van de gemeente (in adressen)", "Municipality id (slug)"),
        F("cbs_code", "string", "Gemeentecode van het CBS (GMxxxx)", "CBS municipality code"),
        F("naam", "string", "Naam", "Name"),
        F("provincie", "string", "Provincie", "Province"),
        F("documenten", "integer", "Aantal documenten in het register", "Number of documents"),
        _page_field("de gemeente"),
    ), "id")
THEMES = Resource(
    "themas", "Thema's", "De gemeenschappelijke thema's.", (
        F("id", "string", "Id van het thema", "Theme id"),
        F("naam", "string", "Naam", "Name"),
        F("beschrijving", "string", "Beschrijving", "Description"),
        F("afspraken", "integer", "Aantal afspraken met dit thema", "Number of commitments"),
        _page_field("het thema"),
    ), "id")
REGISTER: tuple[Resource, ...] = (COMMITMENTS, DOCUMENTS, ORGANISATIONS, MUNICIPALITIES, THEMES)

Row = dict[str, Any]  # field name -> value (None, str, int, list of str)


def _page(path: str, anchor: str | None = None) -> str:
    url = urls.page_url(path)
    return f"{url}#{anchor}" if anchor else url


def commitment_row(corpus: Corpus, r: CommitmentRecord) -> Row:
    """One commitment's row; every marked value brings its `herkomst` column."""
    mun = corpus.municipalities[r.doc.municipality]
    parties = list(r.parties.value)
    return {
        "gemeente": mun.id, "gemeente_naam": mun.name, "document": r.doc.ref,
        "document_titel": r.doc.title, "hoofdstuk": r.chapter_path, "nummer": r.number,
        "id": r.id, "permalink": _page(urls.document_page(r.doc), r.id),
        "tekst": r.text.value, "soort": r.kind, "partijen": parties,
        "partij_namen": [corpus.organisations[p].name for p in parties],
        "thema": r.theme, "uiterlijk": r.due.value, "status": r.status, "pagina": r.page,
        **{f.column: f.get(r).note for f in MARKED_FIELDS},
    }


def commitment_rows(corpus: Corpus, records: dict[tuple[str, str], CommitmentRecord] | None = None,
                    ) -> Iterator[Row]:
    """A row per commitment, from the build's records (queries.Queries.records)."""
    for r in (records or corpus_records(corpus.documents, corpus.municipalities)).values():
        yield commitment_row(corpus, r)


def _count(doc: m.Document) -> int:
    return sum(len(g.commitments) for ch in m.iter_chapters(doc.chapters) for g in ch.groups)


def document_rows(corpus: Corpus) -> Iterator[Row]:
    for doc in corpus.documents:
        yield {
            "document": doc.ref, "gemeente": doc.municipality,
            "soort": DOCUMENT_KINDS[doc.kind], "soort_code": doc.kind,
            "titel": doc.title, "begin": doc.period.start, "eind": doc.period.end,
            "raamwerk": doc.framework,
            "ondertekend": doc.signing.date.isoformat() if doc.signing and doc.signing.date else None,
            "partijen": list(doc.parties), "afspraken": _count(doc),
            "pagina": _page(urls.document_page(doc)), "bron_titel": doc.source.title,
            "bron_uitgever": doc.source.publisher, "bron_url": doc.source.url,
        }


def organisation_rows(corpus: Corpus) -> Iterator[Row]:
    for org in corpus.organisations.values():
        yield {"id": org.id, "soort": org.kind, "naam": org.name, "korte_naam": org.short_name,
               "website": org.website, "opvolger": org.successor.id if org.successor else None,
               "pagina": _page(urls.organisation_page(org.id))}


def municipality_rows(corpus: Corpus) -> Iterator[Row]:
    for mun in sorted(corpus.municipalities.values(), key=lambda x: x.id):
        yield {"id": mun.id, "cbs_code": mun.cbs_code, "naam": mun.name,
               "provincie": mun.province, "documenten": len(corpus.documents_of(mun.id)),
               "pagina": _page(urls.municipality_page(mun.id))}


def theme_rows(corpus: Corpus, themes: Iterable[str | None]) -> Iterator[Row]:
    """A row per theme; `themes`: each commitment's theme."""
    counts: dict[str | None, int] = {}
    for theme_id in themes:
        counts[theme_id] = counts.get(theme_id, 0) + 1
    for theme in corpus.themes.values():
        yield {"id": theme.id, "naam": theme.name, "beschrijving": theme.description,
               "afspraken": counts.get(theme.id, 0), "pagina": _page(urls.theme_page(theme.id))}


def register_rows(corpus: Corpus, records: dict[tuple[str, str], CommitmentRecord] | None = None,
                  site_url: str = "") -> dict[str, list[Row]]:
    """Every table's rows; with `site_url` (SITE_URL) the addresses of pages are absolute,
    so that a link copied from a spreadsheet works."""
    commitments = list(commitment_rows(corpus, records))
    rows = {
        COMMITMENTS.name: commitments,
        DOCUMENTS.name: list(document_rows(corpus)),
        ORGANISATIONS.name: list(organisation_rows(corpus)),
        MUNICIPALITIES.name: list(municipality_rows(corpus)),
        THEMES.name: list(theme_rows(corpus, (row["thema"] for row in commitments))),
    }
    for resource in REGISTER:
        _absolute(resource, rows[resource.name], site_url)
    return rows


def _absolute(resource: Resource, rows: list[Row], site_url: str) -> None:
    """The addresses of pages in the rows made absolute with the site's (if known)."""
    if site_url:
        base = site_url.rstrip("/") + "/"
        for f in resource.fields:
            if f.link:
                for row in rows:
                    row[f.name] = base + row[f.name]


def register_counts(corpus: Corpus, records: dict[tuple[str, str], CommitmentRecord] | None = None,
                    ) -> dict[str, int]:
    """How many rows each table of register_rows has, without making the rows (the
    open-data page says it; nationally the commitments alone are 80,000 rows): one
    per commitment's record, document, organisation, municipality and theme."""
    commitments = records or corpus_records(corpus.documents, corpus.municipalities)
    return {
        COMMITMENTS.name: len(commitments),
        DOCUMENTS.name: len(corpus.documents),
        ORGANISATIONS.name: len(corpus.organisations),
        MUNICIPALITIES.name: len(corpus.municipalities),
        THEMES.name: len(corpus.themes),
    }


# A cell starting with one of these is run as a formula by spreadsheet programs
# (CSV injection); such text gets a leading apostrophe (as in export.py).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = SEPARATOR.join(value)
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


def _csv_text(rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _cells(resource: Resource, rows: list[Row]) -> list[list[str]]:
    """The rows' cells as the CSV writes them."""
    return [[_csv_value(row[f.name]) for f in resource.fields] for row in rows]


def register_csv(resource: Resource, rows: list[Row]) -> bytes:
    return _csv_text([[f.name for f in resource.fields], *_cells(resource, rows)])


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _json_lines(records: list[Any]) -> bytes:
    """A JSON array with one compact record per line: a fraction of the size of an
    indented file (national size: the commitments), still readable and diffable."""
    lines = ",\n".join(map(_COMPACT, records))
    return f"[\n{lines}\n]\n".encode()


def _schema(fields: tuple[FieldSpec, ...], primary_key: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": [
        {"name": f.name, "type": f.type, "description": f.nl, "description_en": f.en}
        for f in fields]}
    if primary_key:
        schema["primaryKey"] = primary_key
    return schema


_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?")
# Yes/no columns of the downloads: export.py writes ja and nee.
_BOOLEANS = {"ja", "nee"}


def csv_fields(data: bytes) -> list[dict[str, Any]]:
    """Each column of a download CSV with the Table Schema type its cells have, as
    written: integer or number only when every cell reads back as the same text (no
    leading zero, no trailing decimal zero: 1.10 stays text), boolean for yes/no
    columns, else string. An empty cell is a missing value and fits every type."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    # Column by column (the CSVs written here have a cell for every column in every row).
    columns: list[set[str]] = [set(column) for column in zip(*rows[1:], strict=True)] \
        if len(rows) > 1 else [set() for _ in rows[0]]
    fields: list[dict[str, Any]] = []
    for name, cells in zip(rows[0], columns, strict=True):
        cells.discard("")
        field: dict[str, Any] = {"name": name, "type": "string"}
        if cells and all(_INTEGER.fullmatch(c) for c in cells):
            field["type"] = "integer"
        elif cells and all(_NUMBER.fullmatch(c) for c in cells):
            field["type"] = "number"
        elif cells and cells <= _BOOLEANS:
            field.update(type="boolean", trueValues=["ja"], falseValues=["nee"])
        fields.append(field)
    return fields


def _relative(path: str) -> str:
    """A path in downloads/, relative to datapackage.json."""
    return path.removeprefix(f"{urls.DOWNLOADS}/")


def _csv_resource(name: str, path: str, title: str, description: str,
                  schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "path": _relative(path), "title": title, "description": description,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "profile": "tabular-data-resource", "schema": schema}


def datapackage(tables: list[dict[str, Any]]) -> dict[str, Any]:
    """The descriptor: the register's CSVs with their typed schemas, then every other
    CSV download (tables and indicators, table_resources)."""
    resources = [_csv_resource(r.name, r.csv_path, r.title, r.description,
                               _schema(r.fields, r.primary_key)) for r in REGISTER]
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "Prestatieafspraken wonen",
        "description": "Prestatieafspraken tussen gemeenten, woningcorporaties en "
                       "huurdersorganisaties: de afspraken, documenten, organisaties, gemeenten "
                       "en thema's, en elke tabel en indicator uit de documenten.",
        "licenses": [LICENSE],
        "resources": resources + tables,
    }


def _folders(corpus: Corpus) -> dict[str, m.Document]:
    """A document's downloads folder -> the document."""
    return {f"{urls.DOWNLOADS}/{d.municipality}/{d.slug}/": d for d in corpus.documents}


def _folder_of(path: str) -> str:
    return path.rsplit("/", 1)[0] + "/"


def table_resources(corpus: Corpus, tables: dict[str, bytes]) -> list[dict[str, Any]]:
    """A resource per CSV download other than the register's (`tables`: path -> CSV:
    the tables and indicators of the documents, the comparisons), by path."""
    by_folder = _folders(corpus)
    compared = {urls.comparison_download(c.id, "csv"): c.name for c in corpus.comparables.values()}

    def describe(path: str) -> str:
        if path in compared:
            return f"Vergelijking tussen gemeenten: {compared[path]}, één rij per waarde"
        doc = by_folder.get(_folder_of(path))
        return f"Tabel of indicator uit {doc.title} ({doc.ref})" if doc else "Tabel of indicator"

    resources = []
    for path in sorted(tables):
        name = path.rsplit("/", 1)[1].removesuffix(".csv")
        # Kept small (national size: thousands of files): names and types only; what a
        # column means is said by the table on its document's page.
        resources.append({"name": name, "path": _relative(path), "description": describe(path),
                          "format": "csv", "profile": "tabular-data-resource",
                          "schema": {"fields": csv_fields(tables[path])}})
    return resources


def table_workbooks(corpus: Corpus, tables: dict[str, bytes],
                    resources: list[dict[str, Any]] | None = None) -> dict[str, bytes]:
    """The same tables for spreadsheet programs: a document's tables and indicators in
    one workbook, a sheet each (one file per table would cost a national build
    minutes: openpyxl takes some 25 ms a file); a comparison's values in a workbook
    beside its CSV. `resources` are table_resources(corpus, tables), if made already."""
    by_folder = _folders(corpus)
    books: dict[str, list[tuple[str, bytes, list[str]]]] = {}
    for resource in resources if resources is not None else table_resources(corpus, tables):
        path = f"{urls.DOWNLOADS}/{resource['path']}"
        doc = by_folder.get(_folder_of(path))
        book = urls.document_tables_xlsx(doc) if doc else path.removesuffix(".csv") + ".xlsx"
        # A sheet is named by the table's id: the file's name repeats the document's.
        sheet = resource["name"].removeprefix(f"{doc.municipality}-{doc.slug}-") if doc \
            else resource["name"]
        books.setdefault(book, []).append(
            (sheet, tables[path], [f["type"] for f in resource["schema"]["fields"]]))
    return {book: xlsx.workbook(sheets) for book, sheets in books.items()}


def descriptor(resources: list[dict[str, Any]]) -> bytes:
    """datapackage.json of the register and the table_resources: the register's
    resources indented, the (many) table resources one per line."""
    package = datapackage(resources)
    head = json.dumps({k: v for k, v in package.items() if k != "resources"},
                      ensure_ascii=False, indent=2)[:-2]
    return (head + ',\n  "resources": ' + _json_lines(package["resources"])
            .decode("utf-8").rstrip("\n") + "\n}\n").encode("utf-8")


# --- the register's files, from pieces kept between builds -----------------------
# Nationally the register took 8 s of every build, most of it the commitments: their
# CSV, JSON and sheet. A commitment's row reads its own document, the registries
# (municipality and organisation names) and the site's address only (no other
# document: the citation's name for the document, which can depend on another's title,
# is not in it), so each document's part of those three files is a piece kept under
# build/cache/register/, named by the document's key (rendercache.unit_key: the code,
# the site's address, the registries, the document's text). A build makes only the
# pieces whose key it does not find and joins them, in the corpus's order, with the
# other tables, which are small and made every time. tests/test_register_pieces.py edits
# each document in turn and checks every other piece is the same.
PIECES = "register"  # under build/cache/
log = logging.getLogger("generator")


@dataclass(frozen=True)
class Piece:
    """A document's part of the files of the commitments."""

    csv: bytes  # its rows of afspraken.csv
    json: bytes  # its records of afspraken.json, one a line, without brackets or last ",\n"
    xml: xlsx.Deflated  # its rows of the sheet, without positions (xlsx.rows_part)

    def dump(self) -> bytes:
        head = {"csv": len(self.csv), "json": len(self.json), "xml": len(self.xml.data),
                "crc": self.xml.crc, "size": self.xml.size}
        return json.dumps(head).encode() + b"\n" + self.csv + self.json + self.xml.data

    @classmethod
    def read(cls, data: bytes) -> Piece | None:
        """A dumped piece; None if it is not one (cut short, say)."""
        try:
            line, rest = data.split(b"\n", 1)
            head = json.loads(line)
            a, b, c = int(head["csv"]), int(head["json"]), int(head["xml"])
            if min(a, b, c) < 0 or len(rest) != a + b + c:
                return None
            return cls(rest[:a], rest[a:a + b], xlsx.Deflated(rest[a + b:], int(head["crc"]), int(head["size"])))
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


def document_piece(corpus: Corpus, records: list[CommitmentRecord], site_url: str = "") -> Piece:
    rows = [commitment_row(corpus, r) for r in records]
    _absolute(COMMITMENTS, rows, site_url)
    cells = _cells(COMMITMENTS, rows)
    return Piece(_csv_text(cells), ",\n".join(map(_COMPACT, rows)).encode(),
                 xlsx.rows_part([f.type for f in COMMITMENTS.fields], cells))


def piece_keys(corpus: Corpus, site_url: str = "") -> dict[str, str]:
    """Document ref -> the key of its piece."""
    base = base_key(corpus.digests, site_url)
    return {doc.ref: unit_key(base, "register", doc.ref, [doc.ref], corpus.digests)
            for doc in corpus.documents}


def _pieces(corpus: Corpus, records: dict[tuple[str, str], CommitmentRecord], site_url: str,
            directory: Path | None) -> Callable[[], Iterator[Piece]]:
    """Every document's piece, in the corpus's order, as often as asked for: the one
    kept in `directory` under its key, else made (and kept there); pieces of other keys
    are removed. A kept piece is read again each time, not held: the register's files
    are joined one after the other (all pieces held with the joined files came to 440 MB
    nationally). A piece that cannot be read is made again."""
    by_document: dict[str, list[CommitmentRecord]] = {doc.ref: [] for doc in corpus.documents}
    for r in records.values():
        by_document[r.doc.ref].append(r)
    if directory is None:
        made = [document_piece(corpus, by_document[doc.ref], site_url) for doc in corpus.documents]
        return lambda: iter(made)
    keys = piece_keys(corpus, site_url)
    held: dict[str, Piece] = {}  # pieces that could not be kept
    writable = True
    for doc in corpus.documents:
        path = directory / keys[doc.ref]
        if path.is_file():
            continue  # read when asked for
        piece = document_piece(corpus, by_document[doc.ref], site_url)
        if writable:
            try:
                write_file(path, piece.dump())
                continue
            except GeneratorError as exc:
                # Only a cache: the build goes on, and the next one makes the pieces again.
                log.warning("warning: the register's pieces are not kept (%s); the next build "
                            "makes them again", exc)
                writable = False
        held[doc.ref] = piece
    kept = set(keys.values())
    with contextlib.suppress(OSError):
        for path in directory.iterdir():
            if path.name not in kept:
                path.unlink()

    def each() -> Iterator[Piece]:
        for doc in corpus.documents:
            piece = held.get(doc.ref)
            if piece is None:
                with contextlib.suppress(OSError):
                    piece = Piece.read((directory / keys[doc.ref]).read_bytes())
            if piece is None:  # damaged, or gone: made again, and kept again where it can be
                piece = document_piece(corpus, by_document[doc.ref], site_url)
                with contextlib.suppress(GeneratorError):
                    write_file(directory / keys[doc.ref], piece.dump())
            yield piece
    return each


def register_files(corpus: Corpus, records: dict[tuple[str, str], CommitmentRecord] | None = None,
                   site_url: str = "", pieces: Path | None = None) -> dict[str, bytes]:
    """The register's CSVs, the commitments as JSON, and the register in one workbook
    for spreadsheet programs, a sheet per table. With `pieces` (build/cache/register)
    each document's part of the commitments is kept there for the next build."""
    records = records or corpus_records(corpus.documents, corpus.municipalities)
    each_piece = _pieces(corpus, records, site_url, pieces)
    rows = {
        DOCUMENTS.name: list(document_rows(corpus)),
        ORGANISATIONS.name: list(organisation_rows(corpus)),
        MUNICIPALITIES.name: list(municipality_rows(corpus)),
        THEMES.name: list(theme_rows(corpus, (r.theme for r in records.values()))),
    }
    header = [f.name for f in COMMITMENTS.fields]
    # The commitments' three files one after the other, each from the pieces read again.
    files: dict[str, bytes] = {
        COMMITMENTS.csv_path: b"".join([_csv_text([header]), *(p.csv for p in each_piece())])}
    json_parts = [b"[\n"]
    for part in (p.json for p in each_piece() if p.json):
        json_parts += [part, b",\n"]
    if len(json_parts) > 1:
        json_parts.pop()  # no "," after the last record
    json_parts.append(b"\n]\n")
    files[COMMITMENTS.json_path] = b"".join(json_parts)
    del json_parts
    xml = [xlsx.sheet_head(header), *(p.xml for p in each_piece()), xlsx.SHEET_TAIL]
    sheets = [(COMMITMENTS.name, xml)]
    for resource in REGISTER[1:]:
        _absolute(resource, rows[resource.name], site_url)
        cells = _cells(resource, rows[resource.name])
        names = [f.name for f in resource.fields]
        files[resource.csv_path] = _csv_text([names, *cells])
        sheets.append((resource.name, xlsx.compressed_sheet(names, [f.type for f in resource.fields], cells)))
    files[REGISTER_XLSX] = xlsx.workbook_of_parts(sheets)
    return files


def csv_files(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if path.endswith(".csv")}


def export_register(corpus: Corpus, downloads: dict[str, bytes],
                    records: dict[tuple[str, str], CommitmentRecord] | None = None,
                    site_url: str = "") -> dict[str, bytes]:
    """The register's files and the descriptor, and the workbooks of the other
    open-data files: `downloads` (export.export_all, comparison_views.export_comparisons),
    whose CSVs the descriptor lists too; `records` are the build's
    (queries.Queries.records), built here without them. A build makes the same files
    in parts, in parallel (pipeline.py)."""
    files = register_files(corpus, records, site_url)
    tables = csv_files(downloads)
    resources = table_resources(corpus, tables)
    files.update(table_workbooks(corpus, tables, resources))
    files[DATAPACKAGE] = descriptor(resources)
    return files
