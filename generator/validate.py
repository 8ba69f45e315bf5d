# Turns loaded sources into a Corpus, or raises DataError with every problem at
# once. Two passes: the typed model per file (pydantic, errors mapped back to
# lines), then checks across files (references, unique ids, table shapes) that
# only make sense once every file has been read.
from __future__ import annotations

import datetime as dt
import difflib
import gc
import itertools
import json
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from . import comparisons, fields, sourcetext, urls
from . import model as m
from .cache import SourceCache, text_key
from .errors import DataError, Diagnostic
from .evidence import TextProvenance
from .loading import load_sources
from .redirects import REDIRECTS_FILE, check_redirects, published_pages
from .sources import PathKey, Source, format_path, list_data_files

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
    redirects: list[m.Redirect] = field(default_factory=list)  # data/redirects.yaml
    comparables: dict[str, m.Comparable] = field(default_factory=dict)  # data/comparisons.yaml
    # document ref -> its source text (data/<municipality>/<slug>.source.txt), for the
    # documents checked against one; the others say on their page they were not.
    source_texts: dict[str, str] = field(default_factory=dict)
    # document ref, or a registry's file name -> the hash of its text (hex): what a
    # build compares to tell what changed since the last (rendercache.py)
    digests: dict[str, str] = field(default_factory=dict)
    # What `check` cannot decide from the data but a maintainer may want to look at
    # (a party named in a document signed in the month or year its merger took
    # effect): printed, never a reason to refuse the data.
    notes: list[Diagnostic] = field(default_factory=list)

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
    with collector_paused():
        cache = SourceCache(cache_dir)
        try:
            return _load_corpus(data_dir, root, cache)
        finally:
            cache.save()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off meanwhile: for work that makes many objects that
    live on and form no cycles, over which its passes are pure cost."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if not gc.get_freeze_count():
                # What was made meanwhile is all in the youngest generation, and the
                # first pass after enabling would look at each object (national: 1.5 s
                # after loading). Frozen and unfrozen, it joins the oldest at once.
                gc.freeze()
                gc.unfreeze()
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
    digests: dict[str, str] = {}
    raw_ids: dict[str, set[str]] = {}  # ids in a registry that failed the model
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
            digests[filename] = source.digest.hex()
            parsed = validate_model(source, file_model, problems, found)
            if parsed is not None:
                registries[name] = (parsed, source)
            else:  # still check references against the ids it names
                entries = source.data.get(name) if isinstance(source.data, dict) else None
                raw_ids[name] = {e["id"] for e in entries or [] if isinstance(e, dict)
                                 and isinstance(e.get("id"), str)} if isinstance(entries, list) else set()

    def validated(loaded: tuple[Source | None, list[Diagnostic]]
                  ) -> tuple[Source | None, m.Document | None, list[Diagnostic]]:
        source, found = loaded
        file_problems = list(found)
        doc = None if source is None else validate_model(source, m.Document, file_problems, found)
        return source, doc, file_problems

    documents: list[tuple[m.Document, Source]] = []
    sources: list[Source] = []
    for source, doc, found in load_sources(files.documents, shown, cache, references, validated):
        problems += found
        if source is not None:
            sources.append(source)
            if doc is not None:
                documents.append((doc, source))
    cache.save_early()

    organisations = _index(registries.get("organisations"), "organisations", problems)
    history_problems = (check_organisation_history(*registries["organisations"])
                        if "organisations" in registries else [])
    problems += history_problems
    themes = _index(registries.get("themes"), "themes", problems)
    municipalities = _index(registries.get("municipalities"), "municipalities", problems)
    # References are checked on the raw data, so a file with a type error still
    # gets its unknown organisations and themes reported in the same run; and each
    # registry that loaded is used even when another did not (one run
    # reports everything, not one batch after the other).
    def known(name: str, index: dict[str, Any]) -> Collection[str] | None:
        """The ids to check references against: the registry's, or those a registry
        that failed the model names (when it has any), or None: not checked."""
        return index if name in registries else (raw_ids.get(name) or None)

    for source in sources:
        problems += check_references(source, known("organisations", organisations),
                                     known("themes", themes))
    valid = {id(source) for _, source in documents}
    problems += check_identities([source for source in sources if id(source) not in valid])
    # Refs of every document file, valid or not: a reference to a file that failed
    # to load is not reported again (its own problems are).
    file_refs = {f"{path.parent.name}/{path.stem}" for path in files.documents}
    problems += check_documents(documents, known("municipalities", municipalities), file_refs)
    if "municipalities" in registries and "organisations" in registries:
        problems += check_municipality_organisations(registries["municipalities"][1],
                                                     municipalities, organisations)
        problems += check_parties(documents, municipalities, organisations)
    notes: list[Diagnostic] = []
    problems += check_across_time(
        documents, municipalities if "municipalities" in registries else None,
        # Successors that contradict each other would only repeat as party problems.
        organisations if "organisations" in registries and not history_problems else None,
        build_date(), notes)
    if "municipalities" in registries:
        problems += check_municipality_mergers(registries["municipalities"][1], municipalities)
    # Lasting links: the optional data/redirects.yaml.
    redirects: list[m.Redirect] = []
    redirects_path = files.registries.get(REDIRECTS_FILE)
    if redirects_path is not None:
        source, found = load_source(redirects_path, shown(redirects_path), cache)
        problems += found
        parsed = validate_model(source, m.RedirectsFile, problems, found) if source else None
        if source is not None and parsed is not None:
            digests[REDIRECTS_FILE] = source.digest.hex()
            redirects = list(parsed.redirects)
            problems += check_redirects(parsed, source, published_pages(
                [doc for doc, _ in documents], municipalities, themes, organisations))
    comparables = _load_comparables(files.registries.get(comparisons.FILE), shown, cache,
                                    documents, problems, digests)
    texts = {shown(path): (path, text) for path, text in files.source_texts.items()}
    source_texts = check_source_texts(documents, texts, shown, cache, problems)
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
        redirects=redirects,
        comparables=comparables,
        source_texts=source_texts,
        # Whether a document was checked against a source text shows on its page.
        digests={**digests, **{doc.ref: document_digest(source, doc.ref in source_texts)
                               for doc, source in documents}},
        notes=sorted(set(notes)),
    )


def check_source_texts(documents: list[tuple[m.Document, Source]],
                       texts: dict[str, tuple[Path, Path]], shown: Any, cache: SourceCache,
                       problems: list[Diagnostic]) -> dict[str, str]:
    """Every document that has a source text checked against it (sourcetext.py);
    returns document ref -> the source text's path, for the documents checked. A pass
    is remembered in the cache by the texts of both files (and the generator's code),
    so an unchanged document is not checked again."""
    checked: dict[str, str] = {}
    for doc, source in documents:
        paths = texts.get(source.path)
        if paths is None:
            continue
        data_path, text_path = paths
        raw, problem = sourcetext.read_source_text(text_path)
        if raw is None:
            problems.append(Diagnostic(shown(text_path), 0, 0, "", problem or "cannot be read"))
            continue
        checked[doc.ref] = shown(text_path)
        key = b""
        if cache.directory is not None:
            try:
                key = text_key("\0".join(("source text", data_path.read_text(encoding="utf-8"),
                                           raw)))
            except (OSError, UnicodeDecodeError):  # read before; changed since: check it
                key = b""
            if key and cache.get(key) is not None:
                continue
        found: list[Diagnostic] = []

        def report(loc: PathKey, message: str, source: Source = source,
                   found: list[Diagnostic] = found) -> None:
            line, col = source.place(loc)
            found.append(Diagnostic(source.path, line, col, format_path(loc), message))

        sourcetext.check_document(doc, sourcetext.SourceText(shown(text_path), raw), report)
        problems += found
        if key and not found:
            # An entry of the cache's one shape (data, references): only its presence counts.
            cache.put(key, ({"source_text": "passed"}, []))
    return checked


def _load_comparables(path: Path | None, shown: Any, cache: SourceCache,
                      documents: list[tuple[m.Document, Source]],
                      problems: list[Diagnostic], digests: dict[str, str]) -> dict[str, m.Comparable]:
    """The optional data/comparisons.yaml, and every `compare:` in the documents
    checked against it (an unknown one is reported also when the file is missing)."""
    comparables: dict[str, m.Comparable] = {}
    loaded = path is None
    if path is not None:
        source, found = load_source(path, shown(path), cache)
        problems += found
        parsed = validate_model(source, m.ComparablesFile, problems, found) if source else None
        if source is not None and parsed is not None:
            digests[comparisons.FILE] = source.digest.hex()
            comparables = _index((parsed, source), "comparisons", problems)
            loaded = True
    # A registry that failed to load has been reported; its marks are not checked.
    if loaded:
        check_compare_marks(documents, comparables if path is not None else None, problems)
    return comparables


def check_compare_marks(documents: list[tuple[m.Document, Source]],
                        comparables: dict[str, m.Comparable] | None, problems: list[Diagnostic]) -> None:
    """Every `compare:` of the documents against data/comparisons.yaml (None: there is
    none, and a mark is a problem)."""
    for doc, source in documents:
        def report(loc: PathKey, message: str, source: Source = source) -> None:
            line, col = source.place(loc)
            problems.append(Diagnostic(source.path, line, col, format_path(loc), message))

        comparisons.check_marks(doc, comparables, report)


def document_digest(source: Source, checked_against_text: bool) -> str:
    """A document's entry in Corpus.digests: whether it was checked against a source
    text shows on its page, so it is part of what its pages are made from."""
    return source.digest.hex() + ("+source" if checked_against_text else "")


def load_source(path: Path, shown_as: str, cache: SourceCache) -> tuple[Source | None, list[Diagnostic]]:
    """One file from the cache if its text was read before, else parsed (and cached
    when the fast reading accepted it)."""
    return load_sources([path], lambda _: shown_as, cache, references, lambda loaded: loaded)[0]


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
    "date_type": "a date written YYYY-MM-DD (e.g. 2023-12-31)",
}
_UNION_TAGS = {"int", "float", "str", "bool", "none", "list", "dict", "date", "constrained-str"}
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
    text_rules = [e for e in errors if e["type"] in ("string_pattern_mismatch", "string_too_long")]
    if isinstance(value, str) and text_rules:
        # Text where a cell takes a number or text: the text rule it breaks, not
        # "expected a whole number".
        first = text_rules[0]
        errors = text_rules
    if first["type"] == "missing":
        return f"required field '{loc[-1]}' is missing"
    if first["type"] == "extra_forbidden":
        hint = _did_you_mean(str(loc[-1]), _FIELD_NAMES)
        if value is None and not hint:
            # In a flow mapping, {note: a, b} is note: "a" plus a field "b" without a value.
            hint = (f"; if '{loc[-1]}' is text after a comma inside {{...}}, put the whole "
                    f"text in quotes: note: \"..., {loc[-1]}\"")
        return f"unknown field '{loc[-1]}'{hint}"
    if isinstance(value, str) and m.DUTCH_NUMBER.match(value.strip()):
        return dutch_number_hint(value)
    if first["type"] in {"model_type", "model_attributes_type", "dict_type"} and loc[-1:] == ("period",):
        return f"expected a mapping, got {_show(value)}; write for example {{start: 2024, end: 2027}}"
    if first["type"] == "date_type" and isinstance(value, str):
        return f"expected a date, got {_show(value)}; write the date without quotes: {value}"
    kinds = [e["type"] for e in errors]
    if len(errors) > 1 and all(k in _EXPECTED for k in kinds):
        expected = " or ".join(dict.fromkeys(_EXPECTED[k] for k in kinds))
        return f"expected {expected}, got {_show(value)}"
    if first["type"] in _EXPECTED:
        return f"expected {_EXPECTED[first['type']]}, got {_show(value)}"
    if first["type"] == "literal_error" and value == "secondary" and loc[-1:] == ("kind",):
        return ("'secondary' marks a text taken from another publication (on a commitment, "
                "a context block, a box or a goal); what the editors did here is repaired, "
                "derived or inferred")
    if first["type"] == "string_pattern_mismatch" and isinstance(value, str):
        pattern = first["ctx"]["pattern"]
        if pattern in (fields.LINE_PATTERN, fields.TEXT_PATTERN) and not value.strip():
            return "the text is empty or only spaces (an optional field can be left out instead)"
        if pattern in (fields.LINE_PATTERN, r"^[^\n\t]*$"):
            what = "a line break" if "\n" in value else "a tab"
            return (f"{_show(value)} holds {what}; this field is one line of text (only "
                    f"texts, descriptions and notes may hold several lines)")
        return f"{_show(value)} does not have the expected form: {_form(loc, pattern)}"
    if first["type"] == "string_too_long" and isinstance(value, str):
        return (f"the text is {len(value):,} characters long; this field allows at most "
                f"{first['ctx']['max_length']:,} (limits: data/README.md)")
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{message} (got {_show(value)})" if not isinstance(value, dict | list) else message


# The forms a pattern admits, said in words (a raw regular expression helps no one).
_FORMS = {
    m.SLUG_PATTERN: "a lower-case id of letters a-z and digits, words joined by '-' (e.g. 'woonborg')",
    m.DUE_PATTERN: m.DUE_FORMS,
    r"^GM\d{4}$": "'GM' and four digits, the CBS code (e.g. 'GM1730')",
    fields.URL_PATTERN: "a web address starting with https:// or http://, without spaces, "
                        "quotes or angle brackets (write a space as %20)",
    r"^[a-z0-9-]+/[a-z0-9-]+$": "'<municipality>/<slug>' (e.g. 'groningen/ambitiekader-2021-2025')",
}


def _form(loc: PathKey, pattern: str) -> str:
    return _FORMS.get(pattern, f"the pattern {pattern}")


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


def check_references(source: Source, organisations: Collection[str] | None,
                     themes: Collection[str] | None) -> list[Diagnostic]:
    """Unknown organisation and theme ids anywhere in a file's raw data (a registry
    that did not load, None, is not checked against)."""
    problems: list[Diagnostic] = []
    registries: dict[str, Collection[str] | None] = {"organisation": organisations, "theme": themes}
    for loc, value, what in source.refs if source.refs is not None else references(source.data):
        registry = registries[what]
        if registry is not None and value not in registry:
            hint = _did_you_mean(value, registry)
            if what == "theme":  # a short list: name it all
                hint += f"; the themes are: {', '.join(sorted(registry))} (data/themes.yaml)"
            line, col = source.place(loc)
            problems.append(Diagnostic(source.path, line, col, format_path(loc),
                                       f"unknown {what} '{value}'" + hint))
    return problems


def references(data: Any) -> list[tuple[PathKey, str, str]]:
    """(field path, id, "organisation" or "theme") of every organisation and theme
    id in a file's raw data, so a file with a type error still has them checked."""
    found: list[tuple[PathKey, str, str]] = []

    # It visits every value of every file (a national `check` has 2 million), so
    # it descends only into mappings and lists and makes a path only for those.
    # Data read from YAML or the cache holds plain dicts and lists, never subclasses.
    organisation_keys = frozenset(ORGANISATION_KEYS)

    def walk(node: Any, loc: PathKey) -> None:
        if type(node) is dict:
            for key, value in node.items():
                kind = type(value)
                if key in organisation_keys:
                    if kind is list:
                        found.extend(((*loc, key, i), ref, "organisation")
                                     for i, ref in enumerate(value) if isinstance(ref, str))
                    elif kind is str:
                        found.append(((*loc, key), value, "organisation"))
                elif key == "theme" and kind is str and loc[:1] == ("chapters",):
                    found.append(((*loc, key), value, "theme"))
                if kind is dict or kind is list:
                    walk(value, (*loc, key))
        else:
            for i, value in enumerate(node):
                kind = type(value)
                if kind is dict or kind is list:
                    walk(value, (*loc, i))

    if type(data) is dict or type(data) is list:
        walk(data, ())
    return found


def _identity(municipality: str, slug: str, source: Source, report: Any,
              municipalities: Collection[str] | None) -> None:
    """Where a document's file is against what it says it is: its directory is its
    municipality, its name its slug."""
    folder, filename = source.path.rsplit("/", 2)[-2:]
    if folder != municipality:
        report(("municipality",), f"the file is in data/{folder}/ but belongs to municipality "
               f"'{municipality}'; move it to data/{municipality}/ (a document's "
               f"directory is its municipality's id)")
    if filename != f"{slug}.yaml":
        report(("slug",), f"the file is named {filename} but its slug is '{slug}'; "
               f"rename the file to {slug}.yaml (or change the slug)")
    reserved = urls.reserved_slug(slug)
    if reserved:
        report(("slug",), f"the slug '{slug}' is reserved: the site uses {reserved}; "
               f"choose another slug")
    if municipalities is not None and municipality not in municipalities:
        report(("municipality",), f"unknown municipality '{municipality}'"
               + _did_you_mean(municipality, municipalities))


def check_identities(sources: list[Source]) -> list[Diagnostic]:
    """The identity checks for files whose model did not validate, on their raw data,
    so that a wrong directory or name is reported in the same run as a type error."""
    problems: list[Diagnostic] = []
    for source in sources:
        data = source.data if isinstance(source.data, dict) else {}
        municipality, slug = data.get("municipality"), data.get("slug")
        if not (isinstance(municipality, str) and isinstance(slug, str)):
            continue

        def report(loc: PathKey, message: str, source: Source = source) -> None:
            line, col = source.place(loc)
            problems.append(Diagnostic(source.path, line, col, format_path(loc), message))

        _identity(municipality, slug, source, report, None)
    return problems


def check_documents(documents: list[tuple[m.Document, Source]],
                    municipalities: Collection[str] | None,
                    file_refs: set[str] | None = None) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    by_ref: dict[str, m.Document] = {}
    paths: dict[str, str] = {}
    for doc, source in documents:
        def report(loc: PathKey, message: str, source: Source = source) -> None:
            line, col = source.place(loc)
            problems.append(Diagnostic(source.path, line, col, format_path(loc), message))

        if doc.ref in by_ref:
            report(("slug",), f"another file already defines document '{doc.ref}': "
                   f"{paths[doc.ref]}")
        else:
            paths[doc.ref] = source.path
        by_ref[doc.ref] = doc
        _identity(doc.municipality, doc.slug, source, report, municipalities)
        if doc.kind == "multi-year" and doc.period.start == doc.period.end:
            report(("kind",), f"a multi-year document spans more than one year, this one only "
                   f"{doc.period.start}; write kind: yearly, or the period as printed")
        elif doc.kind == "yearly" and doc.period.start != doc.period.end:
            # The site would call a four-year agreement "jaarafspraken" and list it
            # as the agreements of its first year only.
            report(("kind",), f"a yearly document covers one year, this one "
                   f"{doc.period.start}-{doc.period.end}; write kind: multi-year "
                   f"(agreements for several years), or the period as printed")
        _check_filled_in(doc, report)
        _check_anchors(doc, report)
        _check_numbers(doc, report)
        for loc, table in _tables(doc):
            _check_table(table, loc, report)
        _check_decimals(doc, report)
        _check_pages(doc, report)
        _check_marks(doc, report)

    commitment_ids = {doc.ref: [c.id for _, c in _commitments(doc)] for doc in by_ref.values()}
    for doc, source in documents:
        def report(loc: PathKey, message: str, source: Source = source) -> None:
            line, col = source.place(loc)
            problems.append(Diagnostic(source.path, line, col, format_path(loc), message))

        _check_status_and_lineage(doc, by_ref, commitment_ids, file_refs or set(), report)
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
        _check_measures(doc, framework, report)
    return problems


# --- a table column that gives a framework indicator's quantity -----

def _check_measures(doc: m.Document, framework: m.Document | None, report: Any) -> None:
    indicator_ids = {ind.id for c in m.iter_chapters(framework.chapters) for g in c.goals
                     for ind in g.indicators} if framework else set()
    for loc, table in _tables(doc):
        for i, col in enumerate(table.columns):
            if col.measures is None:
                continue
            where = (*loc, "columns", i, "measures")
            if framework is None:
                report(where, "'measures' needs the document's 'framework'")
            elif col.measures not in indicator_ids:
                report(where, f"unknown indicator '{col.measures}' in {framework.ref}"
                       + _did_you_mean(col.measures, indicator_ids))
            if col.type != "number":
                report(where, "'measures' needs a number column")
            elif not any(r.total for r in table.rows):
                report(where, "'measures' needs a total row (total: true) with the value "
                       "for the whole municipality")


# --- scaffolds not filled in, who is bound by what ------------------

def gemeente_of(mun: m.Municipality) -> str:
    """The id of a municipality's own gemeente organisation in organisations.yaml."""
    return mun.organisation or f"gemeente-{mun.id}"


def _check_filled_in(doc: m.Document, report: Any) -> None:
    """A chapter with nothing in it is a scaffold (`new`) not filled in yet: it must
    not be published as if the document said nothing."""
    for loc, chapter in m.walk_chapters(doc.chapters, ("chapters",)):
        if not (chapter.context or chapter.boxes or chapter.goals or chapter.groups
                or chapter.tables or chapter.chapters or chapter.note):
            report((*loc, "id"), f"chapter '{chapter.id}' is not filled in yet: it has no "
                   f"context, boxes, goals, groups, tables or chapters; copy them from the "
                   f"signed document, give a 'note' on why it is empty here, or remove it")


def check_municipality_organisations(source: Source, municipalities: dict[str, m.Municipality],
                                     organisations: dict[str, m.Organisation]) -> list[Diagnostic]:
    """Every municipality has its own gemeente organisation in organisations.yaml."""
    problems: list[Diagnostic] = []
    for i, mun in enumerate(municipalities.values()):
        org_id = gemeente_of(mun)
        org = organisations.get(org_id)
        loc: PathKey = ("municipalities", i, "organisation" if mun.organisation else "id")
        line, col = source.place(loc)
        if org is None:
            problems.append(Diagnostic(source.path, line, col, format_path(loc),
                f"no organisation for gemeente {mun.name}: add '{org_id}' (kind: gemeente, "
                f"name: Gemeente {mun.name}) to data/organisations.yaml, or name its id in "
                f"'organisation:' here"))
        elif org.kind != "gemeente":
            problems.append(Diagnostic(source.path, line, col, format_path(loc),
                f"'{org_id}' is a {org.kind}, not the gemeente {mun.name}"))
    return problems


def check_parties(documents: list[tuple[m.Document, Source]],
                  municipalities: dict[str, m.Municipality],
                  organisations: dict[str, m.Organisation]) -> list[Diagnostic]:
    """Who a document binds: the municipality itself and at least one other party;
    chapters bind some of the document's parties, groups and commitments name only
    parties bound where they stand."""
    problems: list[Diagnostic] = []
    for doc, source in documents:
        def report(loc: PathKey, message: str, source: Source = source) -> None:
            line, col = source.place(loc)
            problems.append(Diagnostic(source.path, line, col, format_path(loc), message))

        mun = municipalities.get(doc.municipality)
        own = gemeente_of(mun) if mun else None
        if own in organisations and own not in doc.parties:
            report(("parties",), f"the municipality's own organisation '{own}' is not a party; "
                   f"add it to 'parties'")
        if doc.kind != "framework" and own in doc.parties and len(set(doc.parties)) == 1:
            # Agreements are made with corporations (Woningwet art. 44); a framework
            # may be the municipality's own (groningen/ambitiekader-2021-2025).
            report(("parties",), "only the municipality is a party: this document is not "
                   "filled in yet; add the corporations and tenant organisations that signed it")

        def within(refs: list[str], bound: list[str], loc: PathKey, where: str) -> None:
            for j, ref in enumerate(refs):
                if ref in organisations and ref not in bound:
                    report((*loc, j), f"'{ref}' is not a party {where}; "
                           f"add it there, or remove it here")

        def walk(chapters: list[m.Chapter], loc: PathKey, bound: list[str], where: str) -> None:
            for i, chapter in enumerate(chapters):
                here = (*loc, i)
                inner, inner_where = bound, where
                if chapter.parties is not None:
                    within(chapter.parties, bound, (*here, "parties"), where)
                    inner = chapter.parties
                    inner_where = f"that chapter '{chapter.id}' binds (its 'parties')"
                for g, group in enumerate(chapter.groups):
                    within(group.actors, inner, (*here, "groups", g, "actors"), inner_where)
                    for c, commitment in enumerate(group.commitments):
                        within(commitment.parties or [], inner,
                               (*here, "groups", g, "commitments", c, "parties"), inner_where)
                walk(chapter.chapters, (*here, "chapters"), inner, inner_where)

        walk(doc.chapters, ("chapters",), doc.parties, "of the document (its 'parties')")
    return problems




def _commitments(doc: m.Document) -> Iterator[tuple[PathKey, m.Commitment]]:
    for loc, chapter in m.walk_chapters(doc.chapters, ("chapters",)):
        for g, group in enumerate(chapter.groups):
            for c, commitment in enumerate(group.commitments):
                yield (*loc, "groups", g, "commitments", c), commitment


def _tables(doc: m.Document) -> Iterator[tuple[PathKey, m.Table]]:
    for loc, chapter in m.walk_chapters(doc.chapters, ("chapters",)):
        for t, table in enumerate(chapter.tables):
            yield (*loc, "tables", t), table


# --- evidence (evidence.py): pages within the source --------------------------

def _pages(doc: m.Document) -> Iterator[tuple[PathKey, int]]:
    """Every page the document records, with its place in the file."""
    for loc, chapter in m.walk_chapters(doc.chapters, ("chapters",)):
        if chapter.page is not None:
            yield (*loc, "page"), chapter.page
        for g, goal in enumerate(chapter.goals):
            if goal.page is not None:
                yield (*loc, "goals", g, "page"), goal.page
        for t, table in enumerate(chapter.tables):
            if table.page is not None:
                yield (*loc, "tables", t, "page"), table.page
        for g, group in enumerate(chapter.groups):
            for c, commitment in enumerate(group.commitments):
                if commitment.page is not None:
                    yield (*loc, "groups", g, "commitments", c, "page"), commitment.page


def _check_pages(doc: m.Document, report: Any) -> None:
    if doc.source.pages is None:
        return
    for loc, page in _pages(doc):
        if page > doc.source.pages:
            report(loc, f"page {page} is beyond the source's last page "
                   f"(source.pages: {doc.source.pages})")

# --- end evidence ---------------------------------------------------------------


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

    for loc, chapter in m.walk_chapters(doc.chapters, ("chapters",)):
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
        seen: dict[str, PathKey] = {}  # formatted only for a message: most never are
        for loc, chapter in m.walk_chapters([top], ("chapters",)):
            loc = (loc[0], i, *loc[2:])
            for g, group in enumerate(chapter.groups):
                for c, commitment in enumerate(group.commitments):
                    if commitment.number is None:
                        continue
                    here = (*loc, "groups", g, "commitments", c)
                    if commitment.number in seen:
                        report((*here, "number"), f"commitment number '{commitment.number}' "
                               f"appears twice in this chapter (also at "
                               f"{format_path(seen[commitment.number])})")
                    else:
                        seen[commitment.number] = here


def _check_decimals(doc: m.Document, report: Any) -> None:
    """Figures and indicator points follow the rule of table cells (decimals_problem)."""
    for loc, commitment in _commitments(doc):
        for f, figure in enumerate(commitment.figures):
            problem = decimals_problem(figure.value, figure.decimals, f"figure '{figure.label}'")
            if problem:
                report((*loc, "figures", f, "value"), problem)
    for loc, chapter in m.walk_chapters(doc.chapters, ("chapters",)):
        for g, goal in enumerate(chapter.goals):
            for i, indicator in enumerate(goal.indicators):
                for p, point in enumerate(indicator.points):
                    for key in ("value", "min", "max"):
                        problem = decimals_problem(getattr(point, key), indicator.decimals,
                                                   f"indicator '{indicator.id}'")
                        if problem:
                            report((*loc, "goals", g, "indicators", i, "points", p, key), problem)


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
    for number in (value, *((cell.min, cell.max) if isinstance(cell, m.Cell) else ())):
        problem = decimals_problem(number, column.decimals, f"column '{column.id}'")
        if problem:
            return problem
    return None


def _decimal_places(value: float) -> int:
    """The decimals a number holds as written: 1.177 -> 3, 1.4 -> 1, 2.0 -> 0."""
    if value.is_integer():
        return 0
    exponent = Decimal(repr(value)).as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def decimals_problem(value: object, decimals: int, owner: str) -> str | None:
    """A number with more decimals than its `decimals` shows, or None. The page would
    round it (1.5 with decimals 0 shows "2"), and a fraction where whole numbers are
    meant is most often Dutch notation that YAML read as a decimal point: `1.177`
    for 1177 homes. One rule for table cells, figures and indicator points."""
    if not isinstance(value, float):
        return None
    places = _decimal_places(value)
    if places <= decimals:
        return None
    kind = owner.split(" ", 1)[0]
    most = m.MAX_DECIMALS
    fix = (f"set 'decimals: {places}' on the {kind}" if places <= most else
           f"the site shows at most {most} decimals: write the value as the document prints it")
    if decimals == 0:
        message = f"{owner} holds whole numbers, got {value!r}"
        if places <= 3 and abs(value) < 1000:
            # YAML reads "1.177" as 1.177 and "1.500" as 1.5: times 1000 is what was meant.
            meant = round(value * 1000)
            message += f": {value!r} looks like Dutch notation for {meant}: write {meant}"
        return message + f"; if it does have decimals, {fix}"
    return (f"{owner} shows {decimals} decimal{'s' if decimals > 1 else ''}, got {value!r}, "
            f"which the site would round; {fix} to show it as written" if places <= most else
            f"{owner} shows {decimals} decimal{'s' if decimals > 1 else ''}, got {value!r}; {fix}")


# --- organisations over time, status and lineage ---------------------


def check_organisation_history(parsed: m.OrganisationsFile, source: Source) -> list[Diagnostic]:
    """Predecessors and successors name organisations that exist, both sides of a
    merger or rename agree (same date and event), and no chain of successors runs
    in a circle."""
    problems: list[Diagnostic] = []

    def report(loc: PathKey, message: str) -> None:
        line, col = source.place(loc)
        problems.append(Diagnostic(source.path, line, col, format_path(loc), message))

    index: dict[str, int] = {}
    for i, org in enumerate(parsed.organisations):
        index.setdefault(org.id, i)
    orgs = {org.id: org for org in reversed(parsed.organisations)}  # the first of duplicate ids

    def exists(ref: str, loc: PathKey, own: str) -> bool:
        if ref == own:
            report(loc, f"'{own}' cannot be its own predecessor or successor")
            return False
        if ref not in orgs:
            report(loc, f"unknown organisation '{ref}'" + _did_you_mean(ref, orgs))
            return False
        return True

    for i, org in enumerate(parsed.organisations):
        if index[org.id] != i:
            continue  # a duplicate id, reported by _index
        here: PathKey = ("organisations", i)
        seen: set[str] = set()
        for j, pre in enumerate(org.predecessors):
            loc = (*here, "predecessors", j, "id")
            if pre.id in seen:
                report(loc, f"predecessor '{pre.id}' is listed twice")
                continue
            seen.add(pre.id)
            if not exists(pre.id, loc, org.id):
                continue
            other = orgs[pre.id].successor
            if other is None or other.id != org.id:
                report(loc, f"'{pre.id}' is listed as a predecessor, but its own record names "
                       + (f"'{other.id}' as its successor" if other else "no successor")
                       + f"; add to '{pre.id}': successor: {_succession_yaml(org.id, pre)}")
            elif (other.date, other.event) != (pre.date, pre.event):
                report(loc, f"'{pre.id}' names '{org.id}' as successor {_on(other.date)} "
                       f"({other.event}), but here it is {pre.date} ({pre.event}); "
                       f"the two records must agree")
            elif other.date_note != pre.date_note:
                report(loc, f"'{pre.id}' names '{org.id}' as successor with date_note "
                       f"{_shown_note(other.date_note)}, but here it is {_shown_note(pre.date_note)}; "
                       f"the two records must agree")
            # Reported only when certain: a month or a year is every day in it.
            if org.successor and m.date_span(pre.date)[0] > m.date_span(org.successor.date)[1]:
                report((*here, "predecessors", j, "date"),
                       f"the {pre.event} {_on(pre.date)} is after '{org.id}' itself went over "
                       f"into '{org.successor.id}' {_on(org.successor.date)}")
            _partial_date_note(pre, (*here, "predecessors", j), report)
        succ = org.successor
        if succ is not None:
            _partial_date_note(succ, (*here, "successor"), report)
        if (succ is not None and exists(succ.id, (*here, "successor", "id"), org.id)
                and not any(p.id == org.id for p in orgs[succ.id].predecessors)):
            report((*here, "successor", "id"),
                   f"'{succ.id}' does not list '{org.id}' among its predecessors; add to "
                   f"'{succ.id}': predecessors: [{_succession_yaml(org.id, succ)}]")
        # A chain of successors that comes back to this organisation is a circle.
        chain = [org.id]
        step = succ
        while step is not None and step.id in orgs and step.id not in chain:
            chain.append(step.id)
            step = orgs[step.id].successor
        # Reported once, at the member with the smallest id.
        if step is not None and step.id == org.id and len(chain) > 1 and org.id == min(chain):
            report((*here, "successor", "id"),
                   "the successors run in a circle: " + " -> ".join([*chain, org.id]))
    return problems


def _succession_yaml(other: str, event: m.Predecessor | m.Successor) -> str:
    """The other side's record of a merger or rename, as a flow mapping to paste."""
    date = f'"{event.date}"' if isinstance(event.date, str) else str(event.date)
    note = f", date_note: {json.dumps(event.date_note, ensure_ascii=False)}" if event.date_note else ""
    return f"{{id: {other}, date: {date}, event: {event.event}{note}}}"


def _on(date: dt.date | int | str) -> str:
    """'on 2023-07-01', or for a month or a year 'in 2023-07', 'in 2023'."""
    return f"on {date}" if isinstance(date, dt.date) else f"in {date}"


def _shown_note(note: str | None) -> str:
    return "none" if note is None else repr(note)


def _partial_date_note(event: m.Predecessor | m.Successor, loc: PathKey, report: Any) -> None:
    """A month or a year says the source gives no day: the note says which source."""
    if event.date_note is None and not isinstance(event.date, dt.date):
        what = "the year" if isinstance(event.date, int) else "the month"
        report((*loc, "date"), f"the date {event.date} gives only {what}: add date_note saying "
               f"where it comes from (the source that gives {what} and not the day)")


def _check_marks(doc: m.Document, report: Any) -> None:
    """A chapter's parties_provenance marks its `parties`; a text marked secondary
    names, in its note, a publication the document lists under `sources`, so a
    reader can find where the text comes from."""
    titles = [s.title.casefold() for s in doc.sources]
    for loc, chapter in m.walk_chapters(doc.chapters, ("chapters",)):
        if chapter.parties_provenance is not None and chapter.parties is None:
            report((*loc, "parties_provenance"), "marks the chapter's 'parties', but the chapter "
                   "has none; give 'parties' (the parties it binds) or remove the mark")
        texts: Iterator[tuple[PathKey, TextProvenance | None]] = itertools.chain(
            (((*loc, "context", i), b.provenance) for i, b in enumerate(chapter.context)),
            (((*loc, "boxes", i), b.provenance) for i, b in enumerate(chapter.boxes)),
            (((*loc, "goals", i), g.provenance) for i, g in enumerate(chapter.goals)),
            (((*loc, "groups", g, "commitments", c), commitment.provenance)
             for g, group in enumerate(chapter.groups)
             for c, commitment in enumerate(group.commitments)))
        for at, mark in texts:
            if mark is None or mark.kind != "secondary":
                continue
            if not titles:
                report((*at, "provenance", "note"), "a text marked 'secondary' comes from another "
                       "publication: list it under the document's 'sources' (title, and where "
                       "known kind, date, url) and name its title in this note")
            elif not any(title in mark.note.casefold() for title in titles):
                report((*at, "provenance", "note"), "a text marked 'secondary' names the "
                       "publication it comes from: put the title of one of the document's "
                       "'sources' in this note ("
                       + ", ".join(f"'{s.title}'" for s in doc.sources) + ")")


def _check_status_and_lineage(doc: m.Document, by_ref: dict[str, m.Document],
                              commitment_ids: dict[str, list[str]], file_refs: set[str],
                              report: Any) -> None:
    """Statuses run from old to new; 'continues' names a commitment that exists in an
    older document."""
    for loc, commitment in _commitments(doc):
        for k in range(1, len(commitment.status)):
            before, entry = commitment.status[k - 1], commitment.status[k]
            if entry.date < before.date:
                report((*loc, "status", k, "date"),
                       f"status dates must run from old to new, but {entry.date} is before "
                       f"{before.date} of status[{k - 1}]; the last entry is the current status")
        cont = commitment.continues
        if cont is None:
            continue
        earlier = by_ref.get(cont.document)
        if earlier is None:
            if cont.document not in file_refs:  # else: that file's own problems are reported
                report((*loc, "continues", "document"), f"unknown document '{cont.document}'"
                       + _did_you_mean(cont.document, by_ref))
            continue
        if earlier.ref == doc.ref:
            report((*loc, "continues", "document"),
                   "a commitment continues one of an older document, not of its own")
        elif earlier.period.start >= doc.period.start:
            report((*loc, "continues", "document"),
                   f"a commitment continues one from an older document, but '{cont.document}' "
                   f"starts in {earlier.period.start} and this document in {doc.period.start}")
        if cont.id not in commitment_ids[cont.document]:
            report((*loc, "continues", "id"), f"'{cont.document}' has no commitment '{cont.id}'"
                   + _did_you_mean(cont.id, commitment_ids[cont.document]))


# --- what a document says against the time it stands in --------------------------


def build_date() -> dt.date:
    """The day of this run, UTC: a status dated later is a report that does not exist
    yet. Today, not the last commit's date (which `build` gives the builder as
    SOURCE_DATE_EPOCH for the sitemap): judged by the commit, a report dated today would
    be refused by `check` and `serve` until it is committed. Builds stay reproducible:
    the date never reaches the output, so two successful builds of one commit are
    identical; only a refusal can turn into acceptance once the day has come."""
    return dt.datetime.now(dt.UTC).date()


def _merged_into(municipalities: dict[str, m.Municipality]) -> dict[str, set[str]]:
    """Municipality -> every municipality it was formed from, also through earlier mergers."""
    out: dict[str, set[str]] = {}
    for mun in municipalities.values():
        found: set[str] = set()
        todo = list(mun.merged_from)
        while todo:
            other = todo.pop()
            if other not in found and other != mun.id:
                found.add(other)
                todo += municipalities[other].merged_from if other in municipalities else []
        out[mun.id] = found
    return out


def check_across_time(documents: list[tuple[m.Document, Source]],
                      municipalities: dict[str, m.Municipality] | None,
                      organisations: dict[str, m.Organisation] | None,
                      today: dt.date, notes: list[Diagnostic] | None = None) -> list[Diagnostic]:
    """No status reported after today; `continues` stays within the municipality (or
    the municipalities it was formed from); no party that had gone over into another
    organisation before the document was signed. A registry that failed to load
    (None) is not checked against. What cannot be decided (a merger dated to the month
    or year of the signing) is added to `notes`."""
    problems: list[Diagnostic] = []
    notes = notes if notes is not None else []
    formed_from = _merged_into(municipalities) if municipalities is not None else {}
    for doc, source in documents:
        def report(loc: PathKey, message: str, source: Source = source,
                   into: list[Diagnostic] = problems) -> None:
            line, col = source.place(loc)
            into.append(Diagnostic(source.path, line, col, format_path(loc), message))

        for loc, commitment in _commitments(doc):
            for k, entry in enumerate(commitment.status):
                if entry.date > today:
                    report((*loc, "status", k, "date"),
                           f"the status is dated {entry.date}, after today "
                           f"({today}, UTC); a status is a report that exists: give the date of "
                           f"the report")
            cont = commitment.continues
            if cont is None or municipalities is None:
                continue
            other = cont.document.split("/", 1)[0]
            if other != doc.municipality and other not in formed_from.get(doc.municipality, set()):
                report((*loc, "continues", "document"),
                       f"'{cont.document}' is a document of '{other}', not of "
                       f"'{doc.municipality}': a commitment continues one of its own "
                       f"municipality; if '{doc.municipality}' was formed from '{other}', "
                       f"say so in data/municipalities.yaml (merged_from: [{other}])")
        if organisations is not None:
            _check_merged_parties(doc, organisations, report,
                                  lambda loc, message, source=source: report(loc, message, source, notes))
    return problems


def _named_parties(doc: m.Document) -> Iterator[tuple[PathKey, str]]:
    """Every organisation a document names as a party: its parties, chapter parties,
    group actors, commitment parties and signatories."""
    for i, ref in enumerate(doc.parties):
        yield ("parties", i), ref
    for loc, chapter in m.walk_chapters(doc.chapters, ("chapters",)):
        for i, ref in enumerate(chapter.parties or []):
            yield (*loc, "parties", i), ref
        for g, group in enumerate(chapter.groups):
            for i, ref in enumerate(group.actors):
                yield (*loc, "groups", g, "actors", i), ref
            for c, commitment in enumerate(group.commitments):
                for i, ref in enumerate(commitment.parties or []):
                    yield (*loc, "groups", g, "commitments", c, "parties", i), ref
    for i, signatory in enumerate(doc.signing.signatories if doc.signing else []):
        yield ("signing", "signatories", i, "organisation"), signatory.organisation


def _check_merged_parties(doc: m.Document, organisations: dict[str, m.Organisation],
                          report: Any, note: Any) -> None:
    # Signed on the day of the merger or later: the organisation no longer existed.
    # Without a signing date, a merger before the document's period began is reported
    # (one on its first day is not: agreements are often signed the December before),
    # and the message says how to record a signing before the merger. A merger dated
    # to a month or a year is reported only when every day of it is on or before the
    # signing; when the signing falls inside it, `check` cannot tell and says so in a
    # note (the document naming the old organisation is itself a sign it came first).
    signed = doc.signing.date if doc.signing and doc.signing.date else None
    for loc, ref in _named_parties(doc):
        org = organisations.get(ref)
        succ = org.successor if org else None
        if succ is None:
            continue
        went = "merged into" if succ.event == "fusie" else "was renamed to"
        first, last = m.date_span(succ.date)
        if signed is not None and last <= signed:
            when = "the day" if succ.date == signed else "before"
            report(loc, f"'{ref}' {went} '{succ.id}' {_on(succ.date)}, {when} this document was "
                   f"signed ({signed}); name its successor '{succ.id}' here")
        elif signed is not None and first <= signed:
            note(loc, f"cannot tell whether '{ref}' still existed when this document was signed "
                 f"({signed}): it {went} '{succ.id}' in {succ.date}, and the date names no day; "
                 f"if the source gives the day, write it in data/organisations.yaml")
        elif signed is None and last < dt.date(doc.period.start, 1, 1):
            report(loc, f"'{ref}' {went} '{succ.id}' {_on(succ.date)}, before this document's "
                   f"period began ({doc.period.start}); name its successor '{succ.id}' here, "
                   f"or, if the document was signed before that day, give signing.date")


def check_municipality_mergers(source: Source,
                               municipalities: dict[str, m.Municipality]) -> list[Diagnostic]:
    """`merged_from` names other municipalities of the registry."""
    problems: list[Diagnostic] = []
    for i, mun in enumerate(municipalities.values()):
        for j, other in enumerate(mun.merged_from):
            if other == mun.id or other not in municipalities:
                loc: PathKey = ("municipalities", i, "merged_from", j)
                line, col = source.place(loc)
                message = (f"'{mun.id}' cannot be formed from itself" if other == mun.id else
                           f"unknown municipality '{other}'" + _did_you_mean(other, municipalities))
                problems.append(Diagnostic(source.path, line, col, format_path(loc), message))
    return problems
