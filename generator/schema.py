# JSON Schema of the data format, generated from the model. Committed in schema/
# (editors read it through the `# yaml-language-server: $schema=` line of each
# data file), published on the site, and tested to be current.
# Field descriptions (what an editor shows on hover) come from the model too:
# the comment on or right above each field in model.py, else FIELD_HELP below
# for the fields whose name says enough to the code but not to a maintainer.
from __future__ import annotations

import ast
import inspect
import io
import json
import tokenize
from typing import Any

from pydantic import BaseModel

from . import model as m

SCHEMAS: dict[str, type[BaseModel]] = {
    "document.schema.json": m.Document,
    "organisations.schema.json": m.OrganisationsFile,
    "themes.schema.json": m.ThemesFile,
    "municipalities.schema.json": m.MunicipalitiesFile,
    "redirects.schema.json": m.RedirectsFile,
    "comparisons.schema.json": m.ComparablesFile,
}

# Help in a maintainer's words: "Class.field" goes before the comment in model.py
# (where that is written for programmers), "field" after it (for fields without one).
FIELD_HELP = {
    # Evidence and provenance (generator/evidence.py).
    "Provenance.kind": "repaired (a reading error of the PDF put right), derived (computed or "
                       "rebuilt from what is printed) or inferred (not printed: the editors' reading).",
    "TextProvenance.kind": "repaired, derived or inferred (as on any value), or secondary: the text is "
                           "not in the signed document but taken from another publication (a press "
                           "release) that the note names and the document lists under 'sources'.",
    "SecondarySource.title": "Title of the other source, e.g. a council letter or press release.",
    "SecondarySource.kind": "What it is, e.g. raadsbrief or persbericht (optional).",
    "SecondarySource.date": "Its date, YYYY-MM-DD (optional).",
    "SecondarySource.url": "Its web address, http or https (optional).",
    # Organisations over time, status and lineage.
    "Organisation.predecessors": "Organisations that merged into this one, or its earlier names: "
                                 "each {id, date, event}; the other side lists this one as 'successor'.",
    "Organisation.successor": "The organisation this one merged into or was renamed to: {id, date, "
                              "event}; that organisation lists this one among its 'predecessors'.",
    "Predecessor.id": "Id of the earlier organisation in organisations.yaml.",
    "Predecessor.event": "fusie (merger, the default) or naamswijziging (rename).",
    "Successor.id": "Id of the later organisation in organisations.yaml.",
    "Successor.date": "When the merger or rename took effect: a day (2023-07-01), or, when the source "
                      "gives no day, a month (\"2023-07\") or a year (2023).",
    "Predecessor.date": "When the merger or rename took effect: a day (2023-07-01), or, when the "
                        "source gives no day, a month (\"2023-07\") or a year (2023).",
    "Successor.date_note": "Where the date comes from; required for a month or a year. The same "
                           "on both records of the event.",
    "Predecessor.date_note": "Where the date comes from; required for a month or a year. The same "
                             "on both records of the event.",
    "Successor.event": "fusie (merger, the default) or naamswijziging (rename).",
    "StatusEntry.source": "Where the status is reported: {title, url} of a monitoring report or "
                          "council letter.",
    "StatusSource.title": "Title of the report or letter that gives the status.",
    "StatusSource.url": "Web address (http or https) of that report or letter (optional).",
    "Continues.document": "The earlier document, as '<municipality>/<slug>'.",
    "Continues.id": "The id of the commitment in that document that this one continues.",
    "Document.kind": "framework (kaderafspraken), yearly (prestatieafspraken for one year) or "
                     "multi-year (prestatieafspraken for several years, e.g. 2024 t/m 2027).",
    "Document.framework": "The framework this document falls under, as '<municipality>/<slug>' "
                          "of a framework document in data/ (optional).",
    "Document.framework_name": "The name of a framework that is not in data/ (optional).",
    "Commitment.id": "Permanent anchor of the commitment (afspraak-7, afspraak-1-2); set once, "
                     "never derived from its position.",
    "Commitment.kind": "prestatieafspraak or procesafspraak; omit if the source does not say.",
    "Commitment.parties": "Who is responsible, if not the group's actors (ids in organisations.yaml).",
    "Commitment.serves": "Ids of goals in the document's framework that this commitment serves.",
    "Column.compare": ("The comparison across municipalities (data/comparisons.yaml) this column's "
                       "total row, or without one each row, is a value of (optional)."),
    "Column.measures": ("Id of an indicator in the document's framework whose quantity this column "
                        "gives; the table's total row is the planned (or, with status gerealiseerd, "
                        "realised) value shown against the target (optional)."),
    "Column.status": "gerealiseerd, prognose, doel or begroot, for every cell in the column (optional).",
    "ChartSpec.kind": "bar (default), stacked-bar, stacked-percent, line, or none for no chart.",
    "Source.url": "Web address of the published PDF; only if known for sure.",
    "Organisation.id": "Permanent id (a-z, 0-9, '-'), used in every document that names this organisation.",
    "Organisation.kind": "gemeente, woningcorporatie, huurdersorganisatie or overig.",
    "Organisation.name": "Full name, as the organisation calls itself.",
    "Organisation.short_name": "The name as documents abbreviate it (\"AH WOON\", \"SEW\").",
    "Organisation.website": "Web address (optional).",
    "Theme.id": "Permanent id of the common theme; chapters refer to it in 'theme'.",
    "Theme.name": "The theme's name on the site.",
    "Theme.description": "One sentence on what the theme covers.",
    "Municipality.id": "Slug in URLs and the name of its directory data/<id>/.",
    "Municipality.cbs_code": "CBS code, e.g. GM1730: the identity that survives renames and mergers.",
    "Municipality.name": "The municipality's name.",
    "Municipality.province": "Province (optional); groups the navigation.",
    "OrganisationsFile.organisations": "One record per organisation, shared by all municipalities.",
    "ThemesFile.themes": "The common themes.",
    "MunicipalitiesFile.municipalities": "The municipalities, by CBS code.",
    # Lasting links (generator/redirects.py).
    "RedirectsFile.redirects": "Old URLs that keep working, each sent on to a page's new URL.",
    "Redirect.from": "The URL that was published, as 'gemeenten/x/oud/' (no leading slash).",
    "Redirect.to": "The page's URL now; it must exist and not be redirected itself.",
    "Column.id": "Id of the column, unique in the table.",
    "Column.title": "The column heading as printed.",
    "Column.type": "number (default) or text.",
    "Column.decimals": "Decimals shown (0-4): 1.4 with decimals 2 shows as 1,40.",
    "Row.label": "The row's label as printed (first column).",
    "Row.organisation": "The organisation the row is about (id in organisations.yaml, optional).",
    "Row.values": "One cell per column: a number, a text, null (empty in the source) or a mapping.",
    "Row.note": "A note on this row, shown under the table.",
    "Table.id": "Anchor of the table on the page; unique in the document.",
    "Table.title": "The table's title as printed.",
    "Table.row_header": "Heading of the first (label) column.",
    "Table.columns": "The columns, in printed order.",
    "Table.rows": "The rows, in printed order.",
    "Table.notes": "Notes printed with the table, or transcription notes.",
    "Table.chart": "How the table is drawn (optional; inferred from its shape).",
    "Point.year": "The year the value is for.",
    "Point.kind": "uitgangspunt, doel (default), gerealiseerd or prognose.",
    "Indicator.id": "Anchor of the indicator; unique in the document.",
    "Indicator.name": "The indicator's name.",
    "Indicator.decimals": "Decimals shown (0-4).",
    "Indicator.points": "Values per year: starting point, targets, realised, forecast.",
    "Goal.id": "Anchor of the goal; commitments refer to it in 'serves'.",
    "Goal.text": "The goal as printed.",
    "Goal.indicators": "How the goal is measured (optional).",
    "Item.text": "The sub-item as printed.",
    "Figure.label": "What the figure is (\"Kosten per jaar\").",
    "Figure.value": "The figure as a plain number.",
    "Figure.decimals": "Decimals shown (0-4).",
    "Commitment.text": "The commitment as printed.",
    "Commitment.items": "Sub-items a, b, c (optional).",
    "Commitment.due": "When it is due: \"2023\", \"Q1 2023\", \"2023-06\", \"2023-06-30\", or a range "
                      "\"2028 t/m 2031\" (in quotes).",
    "Commitment.figures": "Key figures in the text (optional).",
    "Group.actors": "Who acts in this group (ids in organisations.yaml); parties of the document.",
    "Group.commitments": "The commitments, in printed order.",
    "Context.kind": "doel, richtingen, actualiteit, ambitie, toelichting or tekst (default).",
    "Context.text": "The text as printed; paragraphs separated by a blank line.",
    "Box.title": "The box's title as printed.",
    "Box.text": "The box's text as printed.",
    "Chapter.id": "Anchor of the chapter on the page; unique in the document.",
    "Chapter.number": "The number as printed (optional).",
    "Chapter.context": "Texts before the commitments: goal, directions, current situation.",
    "Chapter.boxes": "Framed boxes in the source (optional).",
    "Chapter.goals": "Framework documents: what the parties want to achieve.",
    "Chapter.groups": "Commitments grouped by who acts.",
    "Chapter.tables": "Tables in this chapter.",
    "Chapter.chapters": "Sub-chapters, of the same shape.",
    "Chapter.theme": "Id of the common theme in themes.yaml (optional).",
    "Period.start": "First year the document covers.",
    "Period.end": "Last year the document covers (the same as start for one year).",
    "Source.pages": "Number of pages (optional).",
    "Signatory.person": "Name of the person who signed.",
    "Signatory.role": "Their role (\"Wethouder Volkshuisvesting\").",
    "Signatory.organisation": "The organisation they signed for (id in organisations.yaml).",
    "Signing.date": "Date of signing (YYYY-MM-DD).",
    "Signing.place": "Place of signing.",
    "Signing.signatories": "One entry per person who signed.",
    "Signing.note": "A note on the signing, shown to readers.",
    "Document.municipality": "Id of the municipality in municipalities.yaml; also the file's directory.",
    "Document.slug": "The page URL and the file name: data/<municipality>/<slug>.yaml.",
    "Document.title": "The document's title as printed.",
    "Document.period": "The years the document covers, e.g. {start: 2024, end: 2027}.",
    "Document.summary": "One short paragraph (optional).",
    "Document.source": "The published document (PDF) this file transcribes.",
    "Document.parties": "The parties that made the agreements (ids in organisations.yaml), "
                        "the municipality's own gemeente organisation among them.",
    "Document.signing": "The signing: date, place, signatories (optional).",
    "Document.chapters": "The chapters, in printed order.",
    "uncertain": "True when the value cannot be read with certainty; say why in 'note'.",
    "note": "A note, shown to readers.",
    "unit": "Unit: EUR, %, woningen, ton CO2, ... (optional).",
    "status": "gerealiseerd, prognose, doel or begroot (optional).",
    "value": "The value as a plain number (3571, 1.4, -12).",
    "min": "Lower end of a range.",
    "max": "Upper end of a range.",
    "total": "True for a total row as printed in the source.",
}


def field_comments(module: Any = m) -> dict[str, str]:
    """'Class.field' -> the comment on the field's line, or the comment lines right
    above it, in the module's source ('# --- ...' section lines excepted)."""
    source = inspect.getsource(module)
    comments: dict[int, tuple[str, bool]] = {}  # line -> (text, whole line)
    lines = source.splitlines()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            text = tok.string.lstrip("#").strip()
            whole = not lines[tok.start[0] - 1][: tok.start[1]].strip()
            comments[tok.start[0]] = (text, whole)
    out: dict[str, str] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        for stmt in node.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            text = ""
            trailing = comments.get(stmt.end_lineno or stmt.lineno)
            if trailing and not trailing[1]:
                text = trailing[0]
            else:
                above: list[str] = []
                line = stmt.lineno - 1
                while line in comments and comments[line][1] and not comments[line][0].startswith("---"):
                    above.insert(0, comments[line][0])
                    line -= 1
                text = " ".join(above)
            if text:
                out[f"{node.name}.{stmt.target.id}"] = text
    return out


def _describe(schema: dict[str, Any], name: str, help_: dict[str, str]) -> None:
    for field, prop in schema.get("properties", {}).items():
        if "description" in prop:
            continue
        text = FIELD_HELP.get(f"{name}.{field}") or help_.get(f"{name}.{field}") or FIELD_HELP.get(field)
        if text:
            prop["description"] = text[0].upper() + text[1:]


def render_schemas() -> dict[str, bytes]:
    help_ = field_comments()
    out: dict[str, bytes] = {}
    for name, model_cls in SCHEMAS.items():
        schema = model_cls.model_json_schema()
        _describe(schema, model_cls.__name__, help_)
        for def_name, definition in schema.get("$defs", {}).items():
            _describe(definition, def_name, help_)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = name
        out[name] = (json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True)
                     + "\n").encode("utf-8")
    return out


def undescribed() -> list[str]:
    """Fields of the data format without a description: 'schema: Class.field'."""
    missing = []
    for name, data in render_schemas().items():
        schema = json.loads(data)
        for def_name, definition in [(SCHEMAS[name].__name__, schema),
                                     *schema.get("$defs", {}).items()]:
            missing += [f"{name}: {def_name}.{field}"
                        for field, prop in definition.get("properties", {}).items()
                        if "description" not in prop]
    return sorted(set(missing))
