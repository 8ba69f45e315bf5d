# One record per commitment, built once per build (queries.Queries.build), that every
# output reads: its text, labels, citation, parties, dates and status. Every value the
# editors did not take as printed from the source is a Marked value: the value and its
# provenance together, so an output cannot show the one without having the other in
# hand. The fields that can carry a mark are listed once (MARKED_FIELDS); the register's
# `herkomst` columns, the preview pages, the citations, the feeds and the tests all walk
# that list, so a new marked field is one entry there and one attribute below.
# Imports only model, evidence and urls: queries.py and render.py import this.
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from . import model as m
from . import urls
from .evidence import PROVENANCE_LABELS, Provenance, provenance_text

T = TypeVar("T", covariant=True)  # a Marked[str] is a Marked[object]

NOT_REPORTED = "niet-gerapporteerd"


@dataclass(frozen=True)
class Marked(Generic[T]):
    """A value and, when the editors did not take it as printed, its provenance."""

    value: T
    mark: Provenance | None = None

    @property
    def label(self) -> str | None:
        """'afgeleid (niet in de bron)'; None for a value as printed."""
        return PROVENANCE_LABELS[self.mark.kind] if self.mark else None

    @property
    def note(self) -> str | None:
        """'afgeleid (niet in de bron): <note>', plain text; None for a value as printed."""
        return provenance_text(self.mark) if self.mark else None

    def plain(self, shown: str) -> str:
        """The value as shown, with its mark after it: 'Woonborg (afgeleid: ...)'."""
        return f"{shown} ({self.note})" if self.mark else shown


_FIELDS: dict[type, frozenset[str]] = {}  # a model class -> its field names, looked up once


def _fields(cls: type) -> frozenset[str]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = frozenset(getattr(cls, "model_fields", {}))
    return names


def _mark(thing: object, name: str) -> Provenance | None:
    """A provenance field of a model object. Read by name, so a model field added later
    (a mark on a due date, a heading) is picked up where it exists and is None before."""
    if name not in _fields(type(thing)):
        return None  # cheaper than getattr, which pydantic answers by raising
    value = getattr(thing, name)
    return value if isinstance(value, Provenance) else None


def current_status(c: m.Commitment) -> str:
    """The latest reported status; without any report, 'niet-gerapporteerd' (computed,
    never stored in the data)."""
    return c.status[-1].status if c.status else NOT_REPORTED


def responsible(c: m.Commitment, group: m.Group) -> list[str]:
    return c.parties or group.actors


def parties_mark(c: m.Commitment, group: m.Group, chapters: Sequence[m.Chapter] = ()
                 ) -> Provenance | None:
    """The mark of who is responsible: the commitment's own, else, when it takes its
    group's actors, the mark of those (a list the source does not print so), else, when
    those actors are the parties its chapter binds, the mark of that chapter's list.
    `chapters`: the chapters the group stands in, outermost first."""
    if c.parties:
        return _mark(c, "parties_provenance")
    return group.actors_provenance or chapter_parties_mark(chapters, group)


def chapter_parties_mark(chapters: Sequence[m.Chapter], group: m.Group) -> Provenance | None:
    """The mark of the parties the nearest chapter with `parties` binds, when the group
    acts as exactly those parties: its list of who acts is then the chapter's. A group
    that names fewer acts as the group says, whatever the chapter's list rests on."""
    for chapter in reversed(chapters):
        if chapter.parties is not None:
            return chapter.parties_provenance if set(group.actors) == set(chapter.parties) else None
    return None


def chapters_of_groups(doc: m.Document) -> dict[int, tuple[m.Chapter, ...]]:
    """id(group) -> the chapters it stands in, outermost first (for parties_mark)."""
    return {id(group): chapters for chapters, _, group in _walk(doc.chapters, (), None)}


def chapter_label(chapter: m.Chapter) -> str:
    """A chapter as a reader finds it in the source: '2 Betaalbaarheid'; a chapter
    the source prints no title for is named by its number, or said to have none."""
    if chapter.title:
        return f"{chapter.number} {chapter.title}" if chapter.number else chapter.title
    return f"Hoofdstuk {chapter.number}" if chapter.number else "(hoofdstuk zonder titel)"


def opening_words(text: str, limit: int = 60) -> str:
    """The first words of a text, cut at a word boundary: 'De corporaties bouwen …'."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words.rstrip(".")
    cut = words[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return f"{cut} …"


def commitment_label(c: m.Commitment) -> str:
    """The heading of a commitment: its printed number, or (for bullets) its kind
    and opening words; never the internal id."""
    if c.number:
        return f"Afspraak {c.number}"
    kind = (c.kind or "afspraak").capitalize()
    return f"{kind}: {opening_words(c.text)}"


@dataclass(frozen=True)
class Citation:
    """How a commitment is cited: never cut, unique in the site (corpus_records), dated
    with the signing date or else the document's first year."""

    municipality: str  # the municipality's name
    document: str  # the document's title
    publisher: str
    label: Marked[str]  # 'Leefbaarheid, afspraak 2': chapter path and printed number
    signed: dt.date | None
    year: int  # the signing date's year, else the document's first year
    path: str  # the permalink, site-relative

    @property
    def title(self) -> str:
        """'Gemeente Groningen, Prestatieafspraken 2021, Leefbaarheid, afspraak 2': the
        preview page's title and heading, og:title, a feed entry's title."""
        return f"Gemeente {self.municipality}, {self.document}, {self.label.value}"


@dataclass(frozen=True)
class CommitmentRecord:
    doc: m.Document
    id: str  # the anchor
    number: str | None
    kind: str | None
    page: int | None
    status: str  # current_status
    theme: str | None  # its chapter's common theme, else the nearest parent chapter's
    chapter_path: str  # chapter labels joined as the register prints them (the register's hoofdstuk)
    heading: str  # 'Afspraak 2' or 'Procesafspraak: De corporaties …' (document page headings)
    # --- the values that can carry a mark (MARKED_FIELDS) ---
    text: Marked[str]
    parties: Marked[tuple[str, ...]]  # who is responsible: the commitment's parties, else its group's actors
    due: Marked[str | None]
    citation: Citation
    # The model object, for what is keyed by it (lineage, concreteness) and for the
    # document page, which prints each mark beside its value itself. Outputs read the
    # values above, never through this.
    source: m.Commitment

    def marked(self) -> Iterator[tuple[MarkedField, Marked[object]]]:
        """Each field of MARKED_FIELDS that carries a mark, with its value."""
        for f in MARKED_FIELDS:
            value = f.get(self)
            if value.mark is not None:
                yield f, value

    def marks_labels(self) -> str:
        """Every mark in short: 'Tekst: bewerkt door de redactie; Wie: afgeleid'; '' without."""
        return "; ".join(f"{f.name_nl}: {value.label}" for f, value in self.marked())

    def marks_text(self) -> str:
        """Every mark as plain text: 'Tekst: bewerkt door de redactie: ...; Wie: ...'."""
        return "; ".join(f"{f.name_nl}: {value.note}" for f, value in self.marked())


@dataclass(frozen=True)
class MarkedField:
    """A value of a record that may carry a mark, and how outputs name it."""

    attr: str  # the record's attribute
    name_nl: str  # how the site names the value next to its mark ('Wie')
    column: str  # the register's column with its provenance
    shown: str  # the register's column with the value itself (for the field list)
    get: Callable[[CommitmentRecord], Marked[object]]


MARKED_FIELDS: tuple[MarkedField, ...] = (
    MarkedField("text", "Tekst", "herkomst", "tekst", lambda r: r.text),
    MarkedField("parties", "Wie", "herkomst_partijen", "partijen", lambda r: r.parties),
    MarkedField("due", "Wanneer", "herkomst_uiterlijk", "uiterlijk", lambda r: r.due),
    MarkedField("citation", "Hoofdstuk", "herkomst_hoofdstuk", "hoofdstuk", lambda r: r.citation.label),
)


# --- building the records -------------------------------------------------------


def _chapter_segment(chapter: m.Chapter) -> str | None:
    """A chapter in a citation: its printed title, else its number ('Bijlage 1',
    'hoofdstuk 3'); a chapter with neither is left out of the path."""
    if chapter.title:
        return chapter.title
    if chapter.number:
        return f"hoofdstuk {chapter.number}" if chapter.number[0].isdigit() else chapter.number
    return None


def _walk(chapters: list[m.Chapter], path: tuple[m.Chapter, ...], theme: str | None,
          ) -> Iterator[tuple[tuple[m.Chapter, ...], str | None, m.Group]]:
    for chapter in chapters:
        here = (*path, chapter)
        own = chapter.theme or theme
        for group in chapter.groups:
            yield here, own, group
        yield from _walk(chapter.chapters, here, own)


def _ordinal(n: int) -> str:
    return f"{n}e"


def document_records(doc: m.Document, municipality: str, cited_as: str | None = None,
                     ) -> list[CommitmentRecord]:
    """The records of one document's commitments, in document order. `cited_as` is the
    document's name in citations (default: its title)."""
    signed = doc.signing.date if doc.signing and doc.signing.date else None
    year = signed.year if signed else doc.period.start
    # First every commitment's place and label, then the records: a label that occurs
    # twice in the document (a number printed twice under one heading) is told apart
    # by its place, so no two commitments cite alike.
    places: list[tuple[m.Commitment, m.Group, tuple[m.Chapter, ...], str, str | None, str,
                       Provenance | None]] = []
    unnumbered: dict[int, int] = {}  # bullets counted per heading
    for chapters, theme, group in _walk(doc.chapters, (), None):
        segments = [s for s in (_chapter_segment(ch) for ch in chapters) if s]
        # A heading the source does not print as such is in the label: so is its mark.
        heading_mark = next((p for ch in chapters
                             if (p := _mark(ch, "title_provenance") or ch.provenance)), None)
        if group.title:
            segments.append(group.title)
            heading_mark = heading_mark or _mark(group, "title_provenance")
        # Bullets are counted under the nearest printed heading (the group's title, else
        # the chapter), so a reader can count them on the printed page.
        container = id(group) if group.title else id(chapters[-1])
        path = " › ".join(chapter_label(ch) for ch in chapters)
        for c in group.commitments:
            if c.number:
                own = f"afspraak {c.number}"
            else:
                unnumbered[container] = unnumbered.get(container, 0) + 1
                own = f"{_ordinal(unnumbered[container])} afspraak (zonder nummer)"
            places.append((c, group, chapters, path, theme, ", ".join([*segments, own]),
                           heading_mark))
    seen: dict[str, int] = {}
    out: list[CommitmentRecord] = []
    for c, group, chapters, path, theme, label, heading_mark in places:
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} ({_ordinal(seen[label])} keer)"
        out.append(CommitmentRecord(
            doc=doc, id=c.id, number=c.number, kind=c.kind, page=c.page,
            status=current_status(c), theme=theme,
            chapter_path=path,
            heading=commitment_label(c),
            text=Marked(c.text, c.provenance),
            parties=Marked(tuple(dict.fromkeys(responsible(c, group))), parties_mark(c, group, chapters)),
            due=Marked(c.due, _mark(c, "due_provenance")),
            citation=Citation(municipality, cited_as or doc.title, doc.source.publisher,
                              Marked(label, heading_mark), signed, year,
                              urls.commitment_url(doc, c.id)),
            source=c,
        ))
    return out


def corpus_records(documents: list[m.Document], municipalities: dict[str, m.Municipality],
                   ) -> dict[tuple[str, str], CommitmentRecord]:
    """Every commitment's record by (document ref, commitment id), in corpus order.
    Two documents of one municipality with the same title are cited with their period
    and slug, so that no two commitments in the site cite alike."""
    titles: dict[tuple[str, str], int] = {}
    for doc in documents:
        titles[(doc.municipality, doc.title)] = titles.get((doc.municipality, doc.title), 0) + 1
    out: dict[tuple[str, str], CommitmentRecord] = {}
    for doc in documents:
        cited_as = None
        if titles[(doc.municipality, doc.title)] > 1:
            p = doc.period
            span = str(p.start) if p.start == p.end else f"{p.start}–{p.end}"
            cited_as = f"{doc.title} ({span}, {doc.slug})"
        for record in document_records(doc, municipalities[doc.municipality].name, cited_as):
            out[(doc.ref, record.id)] = record
    return out
