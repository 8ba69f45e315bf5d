# Turns loaded sources into a Corpus, or raises DataError with every problem at
# once. Two passes: the typed model per file (pydantic, errors mapped back to
# lines), then checks across files (references, unique ids, table shapes) that
# only make sense once every file has been read.
from __future__ import annotations

import difflib
import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from . import model as m
from . import urls
from .cache import SourceCache, text_key
from .errors import DataError, Diagnostic
from .sources import PathKey, Source, format_path, list_data_files, load_text, read_text

REGISTRIES: dict[str, tuple[str, type[BaseModel]]] = {
    "organisations": ("organisations.yaml", m.OrganisationsFile),
    "themes": ("themes.yaml", m.ThemesFile),
    "municipalities": ("municipalities.yaml", m.MunicipalitiesFile),
}

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class Corpus:
    """Everything in data/, validated and cross-checked."""

    organisations: dict[str, m.Organisation]
    themes: dict[str, m.Theme]
    municipalities: dict[str, m.Municipality]
    documents: list[m.Document]  # sorted: municipality, period, kind
    files: dict[str, str]  # document ref -> data file path (relative)

    # Lookups by dict, built once: planning asks these for every page, and a
    # scan of all documents per page is quadratic at national size.
    @cached_property
    def _by_ref(self) -> dict[str, m.Document]:
        return {d.ref: d for d in self.documents}

    @cached_property
    def _by_municipality(self) -> dict[str, list[m.Document]]:
        grouped: dict[str, list[m.Document]] = {}
        for d in self.documents:
            grouped.setdefault(d.municipality, []).append(d)
        return grouped

    @cached_property
    def _by_framework(self) -> dict[str, list[m.Document]]:
        grouped: dict[str, list[m.Document]] = {}
        for d in self.documents:
            if d.framework:
                grouped.setdefault(d.framework, []).append(d)
        return grouped

    def document(self, ref: str) -> m.Document:
        return self._by_ref[ref]

    def documents_of(self, municipality: str) -> list[m.Document]:
        return list(self._by_municipality.get(municipality, []))

    def documents_under(self, framework_ref: str) -> list[m.Document]:
        """The yearly documents that name this framework, in corpus order."""
        return list(self._by_framework.get(framework_ref, []))


def load_corpus(data_dir: Path, root: Path | None = None, cache_dir: Path | None = None) -> Corpus:
    """Load and validate every file under data_dir; raise DataError listing all problems.
    With cache_dir (build/cache), files read before with the same text are not parsed again."""
    root = root or data_dir.parent
    # Loading allocates millions of small objects and frees none of them in cycles;
    # the cyclic garbage collector's passes over the growing heap took two thirds of
    # a national `check` (6 of 9 s), so it is paused while loading.
    collecting = gc.isenabled()
    gc.disable()
    cache = SourceCache(cache_dir)
    try:
        return _load_corpus(data_dir, root, cache)
    finally:
        cache.save()
        if collecting:
            gc.enable()


def _load_corpus(data_dir: Path, root: Path, cache: SourceCache) -> Corpus:
    problems: list[Diagnostic] = []

    def shown(path: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return path.as_posix()

    if not data_dir.is_dir():
        raise DataError([Diagnostic(shown(data_dir), 0, 0, "", "the data directory is missing")])
    files = list_data_files(data_dir, root)
    problems += files.problems
    registries: dict[str, tuple[Any, Source]] = {}
    for name, (filename, file_model) in REGISTRIES.items():
        path = files.registries.get(filename)
        if path is None:
            if not (data_dir / filename).is_symlink():  # a bad link is reported already
                problems.append(Diagnostic(shown(data_dir / filename), 0, 0, "",
                                           "registry file is missing"))
            continue
        source, found = load_source(path, shown(path), cache)
        problems += found
        if source is not None:
            parsed = validate_model(source, file_model, problems, found)
            if parsed is not None:
                registries[name] = (parsed, source)

    documents: list[tuple[m.Document, Source]] = []
    sources: list[Source] = []
    for path in files.documents:
        source, found = load_source(path, shown(path), cache)
        problems += found
        if source is not None:
            sources.append(source)
            doc = validate_model(source, m.Document, problems, found)
            if doc is not None:
                documents.append((doc, source))

    organisations = _index(registries.get("organisations"), "organisations", problems)
    themes = _index(registries.get("themes"), "themes", problems)
    municipalities = _index(registries.get("municipalities"), "municipalities", problems)
    if len(registries) == len(REGISTRIES):
        # References are checked on the raw data, so a file with a type error
        # still gets its unknown organisations and themes reported in the same run.
        for source in sources:
            problems += check_references(source, organisations, themes)
        problems += check_documents(documents, municipalities)
    if problems:
        raise DataError(problems)
    documents.sort(key=lambda pair: (pair[0].municipality, pair[0].period.start,
                                     pair[0].kind != "framework", pair[0].slug))
    return Corpus(
        organisations=dict(sorted(organisations.items())),
        themes=themes,
        municipalities=dict(sorted(municipalities.items(), key=lambda kv: kv[1].name)),
        documents=[doc for doc, _ in documents],
        files={doc.ref: source.path for doc, source in documents},
    )


def load_source(path: Path, shown_as: str, cache: SourceCache) -> tuple[Source | None, list[Diagnostic]]:
    """One file from the cache if its text was read before, else parsed (and cached
    when the fast reading accepted it)."""
    text, problems = read_text(path, shown_as)
    if text is None:
        return None, problems
    key = text_key(text) if cache.directory is not None else b""
    entry = cache.get(key) if key else None
    if entry is not None:
        cached = Source(shown_as, entry[0], text)
        cached.refs = entry[1]
        return cached, []
    source, problems = load_text(text, shown_as)
    if key and source is not None and source.fast:
        source.refs = references(source.data)
        cache.put(key, (source.data, source.refs))
    return source, problems


def _index(registry: tuple[BaseModel, Source] | None, attr: str,
           problems: list[Diagnostic]) -> dict[str, Any]:
    if registry is None:
        return {}
    parsed, source = registry
    result: dict[str, Any] = {}
    first: dict[str, int] = {}
    for i, entry in enumerate(getattr(parsed, attr)):
        if entry.id in result:
            line, col = source.place((attr, i, "id"))
            problems.append(Diagnostic(source.path, line, col, f"{attr}[{i}].id",
                                       f"duplicate id '{entry.id}' (already used by "
                                       f"{attr}[{first[entry.id]}], line "
                                       f"{source.place((attr, first[entry.id], 'id'))[0]})"))
            continue
        first[entry.id] = i
        result[entry.id] = entry
    return result


# --- pass 1: the typed model, errors mapped to places ------------------------

_EXPECTED = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "string_type": "text",
    "none_required": "nothing (leave the cell empty)",
    "model_type": "a mapping",
    "dict_type": "a mapping",
    "model_attributes_type": "a mapping",
    "bool_type": "true or false",
    "list_type": "a list",
    "date_type": "a date (YYYY-MM-DD)",
}
_UNION_TAGS = {"int", "float", "str", "bool", "none", "list", "dict", "date"}
_FIELD_NAMES = sorted({name for cls in vars(m).values()
                       if isinstance(cls, type) and issubclass(cls, BaseModel)
                       for name in cls.model_fields})


def validate_model(source: Source, model_cls: type[ModelT], problems: list[Diagnostic],
                   refused: Iterable[Diagnostic] = ()) -> ModelT | None:
    """The file as a model, or None with its problems added. A value the source
    stage refused (and replaced by nothing) is reported once, by that stage: model
    errors at that field, or about its parents, would only repeat it."""
    try:
        return model_cls.model_validate(source.data)
    except ValidationError as exc:
        covered = {d.field for d in refused if d.field}
        problems += [d for d in diagnostics_from(exc, source)
                     if not any(field == d.field or field.startswith((f"{d.field}.", f"{d.field}["))
                                for field in covered)]
        return None


def _clean(loc: Iterable[str | int], data: Any) -> PathKey:
    """pydantic's error location without the union members it inserts ('int', 'Cell',
    'function-after[...]'): a part is kept when the data has it at that place, so a
    key in the data that looks like a member name (a capitalised key) is kept too."""
    out: list[str | int] = []
    node = data
    for part in loc:
        present = (part in node if isinstance(node, dict)
                   else isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node))
        if present:
            node = node[part]
        elif isinstance(part, int) or not (part in _UNION_TAGS or "[" in part or part[:1].isupper()):
            node = None  # a missing field: keep the name, nothing below it
        else:
            continue
        out.append(part)
    return tuple(out)


def diagnostics_from(exc: ValidationError, source: Source) -> list[Diagnostic]:
    groups: dict[PathKey, list[Any]] = {}
    for error in exc.errors():
        groups.setdefault(_clean(error["loc"], source.data), []).append(error)
    out: list[Diagnostic] = []
    for loc, errors in groups.items():
        # A union member that got further (a mapping with a bad field) explains
        # the problem better than "not a number" from the other members.
        if any(other[: len(loc)] == loc and len(other) > len(loc) for other in groups):
            continue
        line, col = source.place(loc)
        message = _message(loc, errors)
        raw = source.raw.get(loc)
        if raw is not None and errors[0]["type"] == "string_type":
            message = (f"expected text, got {raw}, which YAML reads as {_yaml_kind(errors[0].get('input'))}; "
                       f"put it in quotes: \"{raw}\"")
        out.append(Diagnostic(source.path, line, col, format_path(loc), message))
    return out


def _yaml_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return "a date"


def _message(loc: PathKey, errors: list[dict[str, Any]]) -> str:
    first = errors[0]
    value = first.get("input")
    if first["type"] == "missing":
        return f"required field '{loc[-1]}' is missing"
    if first["type"] == "extra_forbidden":
        hint = _did_you_mean(str(loc[-1]), _FIELD_NAMES)
        return f"unknown field '{loc[-1]}'{hint}"
    if isinstance(value, str) and m.DUTCH_NUMBER.match(value.strip()):
        return dutch_number_hint(value)
    kinds = [e["type"] for e in errors]
    if len(errors) > 1 and all(k in _EXPECTED for k in kinds):
        expected = " or ".join(dict.fromkeys(_EXPECTED[k] for k in kinds))
        return f"expected {expected}, got {_show(value)}"
    if first["type"] in _EXPECTED:
        return f"expected {_EXPECTED[first['type']]}, got {_show(value)}"
    if first["type"] == "string_pattern_mismatch":
        return f"{_show(value)} does not have the expected form ({first['ctx']['pattern']})"
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{message} (got {_show(value)})" if not isinstance(value, dict | list) else message


def dutch_number_hint(value: str) -> str:
    plain = value.strip().replace(".", "").replace(",", ".")
    return (f"'{value}' is a number written the Dutch way; write it as a plain number "
            f"without quotes or thousands separators, with a point for decimals: {plain}")


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _did_you_mean(name: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# --- pass 2: checks across files ------------------------------------------------

ORGANISATION_KEYS = ("parties", "actors", "organisation")


def check_references(source: Source, organisations: dict[str, m.Organisation],
                     themes: dict[str, m.Theme]) -> list[Diagnostic]:
    """Unknown organisation and theme ids anywhere in a file's raw data."""
    problems: list[Diagnostic] = []
    registries: dict[str, dict[str, Any]] = {"organisation": organisations, "theme": themes}
    for loc, value, what in source.refs if source.refs is not None else references(source.data):
        registry = registries[what]
        if value not in registry:
            line, col = source.place(loc)
            problems.append(Diagnostic(source.path, line, col, format_path(loc),
                                       f"unknown {what} '{value}'" + _did_you_mean(value, registry)))
    return problems


def references(data: Any) -> list[tuple[PathKey, str, str]]:
    """(field path, id, "organisation" or "theme") of every organisation and theme
    id in a file's raw data, so a file with a type error still has them checked."""
    found: list[tuple[PathKey, str, str]] = []

    def check(value: Any, loc: PathKey, what: str) -> None:
        if isinstance(value, str):
            found.append((loc, value, what))

    def walk(node: Any, loc: PathKey) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                here = (*loc, key)
                if key in ORGANISATION_KEYS:
                    for i, ref in enumerate(value if isinstance(value, list) else [value]):
                        check(ref, (*here, i) if isinstance(value, list) else here, "organisation")
                elif key == "theme" and loc[:1] == ("chapters",):
                    check(value, here, "theme")
                walk(value, here)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*loc, i))

    walk(data, ())
    return found


def check_documents(documents: list[tuple[m.Document, Source]],
                    municipalities: dict[str, m.Municipality]) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    by_ref: dict[str, m.Document] = {}
    for doc, source in documents:
        def report(loc: PathKey, message: str, source: Source = source) -> None:
            line, col = source.place(loc)
            problems.append(Diagnostic(source.path, line, col, format_path(loc), message))

        if doc.ref in by_ref:
            report(("slug",), f"another file already defines document '{doc.ref}'")
        by_ref[doc.ref] = doc
        folder, filename = source.path.rsplit("/", 2)[-2:]
        if folder != doc.municipality:
            report(("municipality",), f"the file is in data/{folder}/ but belongs to municipality "
                   f"'{doc.municipality}'; move it to data/{doc.municipality}/ (a document's "
                   f"directory is its municipality's id)")
        if filename != f"{doc.slug}.yaml":
            report(("slug",), f"the file is named {filename} but its slug is '{doc.slug}'; "
                   f"rename the file to {doc.slug}.yaml (or change the slug)")
        if doc.slug in urls.RESERVED_SLUGS:
            report(("slug",), f"the slug '{doc.slug}' is reserved: the site uses "
                   f"{urls.RESERVED_SLUGS[doc.slug]}; choose another slug")
        if doc.municipality not in municipalities:
            report(("municipality",), f"unknown municipality '{doc.municipality}'"
                   + _did_you_mean(doc.municipality, municipalities))
        _check_anchors(doc, report)
        _check_numbers(doc, report)
        for loc, table in _tables(doc):
            _check_table(table, loc, report)

    for doc, source in documents:
        def report(loc: PathKey, message: str, source: Source = source) -> None:
            line, col = source.place(loc)
            problems.append(Diagnostic(source.path, line, col, format_path(loc), message))

        framework = by_ref.get(doc.framework) if doc.framework else None
        if doc.framework and framework is None:
            report(("framework",), f"unknown document '{doc.framework}'"
                   + _did_you_mean(doc.framework, by_ref))
        elif framework is not None and framework.kind != "framework":
            report(("framework",), f"'{doc.framework}' is not a framework document")
        goal_ids = {g.id for c in m.iter_chapters(framework.chapters) for g in c.goals} \
            if framework else set()
        for loc, commitment in _commitments(doc):
            for j, goal in enumerate(commitment.serves):
                if framework is None:
                    report((*loc, "serves", j), "'serves' needs the document's 'framework'")
                elif goal not in goal_ids:
                    report((*loc, "serves", j), f"unknown goal '{goal}' in {framework.ref}"
                           + _did_you_mean(goal, goal_ids))
    return problems


def _walk_chapters(chapters: list[m.Chapter], loc: PathKey) -> Iterator[tuple[PathKey, m.Chapter]]:
    for i, chapter in enumerate(chapters):
        yield (*loc, i), chapter
        yield from _walk_chapters(chapter.chapters, (*loc, i, "chapters"))


def _commitments(doc: m.Document) -> Iterator[tuple[PathKey, m.Commitment]]:
    for loc, chapter in _walk_chapters(doc.chapters, ("chapters",)):
        for g, group in enumerate(chapter.groups):
            for c, commitment in enumerate(group.commitments):
                yield (*loc, "groups", g, "commitments", c), commitment


def _tables(doc: m.Document) -> Iterator[tuple[PathKey, m.Table]]:
    for loc, chapter in _walk_chapters(doc.chapters, ("chapters",)):
        for t, table in enumerate(chapter.tables):
            yield (*loc, "tables", t), table


def _check_anchors(doc: m.Document, report: Any) -> None:
    """Chapter, goal, table and commitment ids share one namespace: the page's anchors."""
    seen: dict[str, PathKey] = {}

    def claim(anchor: str, loc: PathKey) -> None:
        reserved = urls.reserved_anchor(anchor)
        if reserved:
            report(loc, f"the identifier '{anchor}' is reserved: the page uses it {reserved}; "
                   f"choose another id")
        elif anchor in seen:
            report(loc, f"duplicate identifier '{anchor}' (already used at "
                        f"{format_path(seen[anchor])})")
        else:
            seen[anchor] = loc

    for loc, chapter in _walk_chapters(doc.chapters, ("chapters",)):
        claim(chapter.id, (*loc, "id"))
        for g, goal in enumerate(chapter.goals):
            claim(goal.id, (*loc, "goals", g, "id"))
            for i, indicator in enumerate(goal.indicators):
                claim(indicator.id, (*loc, "goals", g, "indicators", i, "id"))
        for t, table in enumerate(chapter.tables):
            claim(table.id, (*loc, "tables", t, "id"))
    for loc, commitment in _commitments(doc):
        claim(commitment.id, (*loc, "id"))


def _check_numbers(doc: m.Document, report: Any) -> None:
    """A printed number appears once per top-level chapter (some documents restart
    their numbering in every theme, so "1.1" may recur in another chapter)."""
    for i, top in enumerate(doc.chapters):
        seen: dict[str, str] = {}
        for loc, chapter in _walk_chapters([top], ("chapters",)):
            loc = (loc[0], i, *loc[2:])
            for g, group in enumerate(chapter.groups):
                for c, commitment in enumerate(group.commitments):
                    here = (*loc, "groups", g, "commitments", c)
                    if commitment.number is None:
                        continue
                    if commitment.number in seen:
                        report((*here, "number"), f"commitment number '{commitment.number}' "
                               f"appears twice in this chapter (also at {seen[commitment.number]})")
                    else:
                        seen[commitment.number] = format_path(here)


def _check_table(table: m.Table, loc: PathKey, report: Any) -> None:
    column_ids: set[str] = set()
    for c, column in enumerate(table.columns):
        if column.id in column_ids:
            report((*loc, "columns", c, "id"), f"duplicate column id '{column.id}'")
        column_ids.add(column.id)
    if table.chart and table.chart.columns:
        for c, ref in enumerate(table.chart.columns):
            if ref not in column_ids:
                report((*loc, "chart", "columns", c), f"unknown column '{ref}'"
                       + _did_you_mean(ref, column_ids))
    width = len(table.columns)
    for r, row in enumerate(table.rows):
        if len(row.values) != width:
            report((*loc, "rows", r, "values"),
                   f"row '{row.label}' has {len(row.values)} values but the table has "
                   f"{width} columns ({', '.join(c.id for c in table.columns)})")
        for v, (column, cell) in enumerate(zip(table.columns, row.values, strict=False)):
            problem = _cell_problem(column, cell)
            if problem:
                report((*loc, "rows", r, "values", v), problem)


def _cell_problem(column: m.Column, cell: m.CellValue) -> str | None:
    value = cell.value if isinstance(cell, m.Cell) else cell
    if column.type == "text":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"column '{column.id}' holds text; put the value in quotes"
        return None
    if isinstance(value, str):
        if m.DUTCH_NUMBER.match(value.strip()):
            return dutch_number_hint(value)
        return f"column '{column.id}' holds numbers, got text {value!r}"
    if isinstance(value, float) and column.decimals == 0 and not value.is_integer():
        return (f"column '{column.id}' holds whole numbers, got {value}; if this is a "
                f"Dutch thousands separator, write {str(value).replace('.', '')}, "
                f"or set 'decimals' on the column")
    return None
