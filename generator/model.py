# The typed model of the data format: registries (organisations, themes,
# municipalities) and documents (chapters, commitments, goals, tables).
# Frozen pydantic models, no I/O; entities refer to each other by id. Checks that
# need more than one file (references, uniqueness) live in validate.py.
from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from .evidence import Page, Provenance, SecondarySource, TextProvenance
from .fields import MAX_ID, MAX_URL, CellText, Date, Line, Note, Text, Url

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[StrictStr, Field(pattern=SLUG_PATTERN, max_length=MAX_ID)]
# A reference to an organisation, theme or municipality by its id.
Ref = Slug
# A document is referred to as "<municipality>/<slug>".
DocRef = Annotated[StrictStr, Field(pattern=r"^[a-z0-9-]+/[a-z0-9-]+$", max_length=2 * MAX_ID + 1)]
# Text fields: Line, Text, Note and CellText (fields.py), with their limits.
Number = StrictInt | StrictFloat
YEARS = (1900, 2100)  # the years a document, a due date or a point may name
MAX_DECIMALS = 4  # the most decimals a column, indicator or figure shows
Year = Annotated[StrictInt, Field(ge=YEARS[0], le=YEARS[1])]
# "2023", "Q1 2023", "2023-12" or a full date "2023-12-31" (quoted in YAML),
# or a range of two of these: "2028 t/m 2031", "Q1 2024 t/m Q2 2025".
_DUE_ONE = r"(?:Q[1-4] )?\d{4}|\d{4}-\d{2}(?:-\d{2})?"
DUE_PATTERN = rf"^(?:{_DUE_ONE})(?: t/m (?:{_DUE_ONE}))?$"
DUE_FORMS = ('"2023", "Q1 2023", "2023-06", "2023-06-30", or a range of two of these '
             'with " t/m " between them: "2028 t/m 2031"')


# An empty list as a default, made anew for each model (pydantic would deep-copy a
# literal [] default every time: a third of validating a document); the schema
# still says the default is [].
_EMPTY_LIST: Any = Field(default_factory=list, json_schema_extra={"default": []})


# A loaded national data set is some 400,000 models. Each would hold a set of its own
# naming the fields its file gave (pydantic's record for exclude_unset, which nothing
# here asks for) and its own copy of every short text its file repeats (ids, units,
# kinds, themes). Both are shared instead: equal sets are one set (models are frozen,
# so none is ever added to) and short texts are interned. Nationally that is about
# 170 MB less per process that holds the corpus (bench/README.md).
_FIELD_SETS: dict[frozenset[str], set[str]] = {}
_SHARED_TEXT = 64  # characters: ids, units and names, not commitments' texts


def _shared(value: Any) -> Any:
    if type(value) is str:
        return sys.intern(value) if len(value) <= _SHARED_TEXT else value
    if type(value) is list and value and type(value[0]) is str:
        return [sys.intern(item) if type(item) is str and len(item) <= _SHARED_TEXT else item
                for item in value]
    return value


class Model(BaseModel):
    # NaN and infinity are no numbers a document can state (sources.py refuses them too).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def model_post_init(self, context: Any, /) -> None:
        fields = self.__pydantic_fields_set__
        object.__setattr__(self, "__pydantic_fields_set__",
                           _FIELD_SETS.setdefault(frozenset(fields), fields))
        values = self.__dict__
        for name, value in values.items():
            values[name] = _shared(value)


# --- registries -------------------------------------------------------------

OrganisationKind = Literal["gemeente", "woningcorporatie", "huurdersorganisatie", "overig"]


# --- organisations over time (mergers and renames) ---------------------------
# Both ends record the event, so either page can show it: the successor lists its
# predecessors, each predecessor names its successor, with the same date and kind
# (validate.check_organisation_history keeps the two sides consistent).

SuccessionEvent = Literal["fusie", "naamswijziging"]

# When a merger or rename took effect, as precisely as a source gives it: a day
# (2023-07-01), a month ("2023-07") or only a year (2023). A month or a year is the
# whole interval it names: checks against it (validate.py) report only what holds for
# every day in it.
YEAR_MONTH_PATTERN = r"^\d{4}-(?:0[1-9]|1[0-2])$"
EVENT_DATE_FORMS = 'a date written YYYY-MM-DD (e.g. 2023-07-01), a month ("2023-07") or a year (2023)'


def _event_date(value: object) -> object:
    """A day, a month or a year, each in one form (a quoted day or year is refused, as
    Date refuses quoted text, rather than converted); anything else gets one message
    naming the three forms."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}(?:-\d{2}-\d{2})?", value):
        raise ValueError(f"write the {'year' if len(value) == 4 else 'date'} without quotes: {value}")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if not YEARS[0] <= value <= YEARS[1]:  # a Unix time, or a typing slip
            raise ValueError(f"expected {EVENT_DATE_FORMS}; a year is between {YEARS[0]} and {YEARS[1]}")
        return value
    if isinstance(value, str) and re.fullmatch(YEAR_MONTH_PATTERN, value):
        if not YEARS[0] <= int(value[:4]) <= YEARS[1]:
            raise ValueError(f"the year is not between {YEARS[0]} and {YEARS[1]}")
        return value
    raise ValueError(f"expected {EVENT_DATE_FORMS}")


EventDate = Annotated[
    dt.date | Year | Annotated[StrictStr, Field(pattern=YEAR_MONTH_PATTERN)],
    BeforeValidator(_event_date)]


def date_span(value: dt.date | int | str) -> tuple[dt.date, dt.date]:
    """The first and last day an EventDate may be: the day itself, or every day of
    the month or year it names."""
    if isinstance(value, dt.date):
        return value, value
    if isinstance(value, int):
        return dt.date(value, 1, 1), dt.date(value, 12, 31)
    year, month = int(value[:4]), int(value[5:7])
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1), following - dt.timedelta(days=1)


class _Succession(Model):
    id: Ref
    date: EventDate
    event: SuccessionEvent = "fusie"
    # Where the date comes from; required for a month or a year (validate.py), so a
    # reader learns why the day is not given.
    date_note: Note | None = None

    @property
    def first_day(self) -> dt.date:
        """The earliest day the date may mean: orders a history with partial dates."""
        return date_span(self.date)[0]


class Predecessor(_Succession):
    """An organisation that merged into this one, or this one's earlier name."""


class Successor(_Succession):
    """The organisation this one merged into or was renamed to."""


class Organisation(Model):
    id: Slug
    kind: OrganisationKind
    name: Line
    short_name: Line
    website: Url | None = None
    # The name people look it up by, for sorting ("Volmacht, De"); default: short_name.
    sort_name: Line | None = None
    predecessors: list[Predecessor] = []
    successor: Successor | None = None

    @property
    def sort_key(self) -> str:
        return (self.sort_name or self.short_name).casefold()


class Theme(Model):
    id: Slug
    name: Line
    description: Text


class Municipality(Model):
    id: Slug
    cbs_code: Annotated[StrictStr, Field(pattern=r"^GM\d{4}$")]
    name: Line
    province: Line | None = None
    # --- the municipality's own gemeente organisation
    organisation: Ref | None = None  # id in organisations.yaml (default: gemeente-<id>)
    # Municipalities that merged into this one (herindeling), by id: only their
    # commitments may be continued by this one's documents (`continues`).
    merged_from: list[Ref] = []  # ids in municipalities.yaml of the municipalities it was formed from


NO_PROVINCE = "Overig"  # the group of municipalities without a province in the data


def province_of(mun: Municipality) -> str:
    """The province a municipality is grouped under (navigation, coverage, theme pages)."""
    return mun.province or NO_PROVINCE


# --- lasting links: data/redirects.yaml ----------------------------
# A site URL: lower-case path segments, each ending in "/", as urls.page_url spells them.
URL_PATH = r"^([a-z0-9][a-z0-9-]*/)+$"


class Redirect(Model):
    """An old URL that keeps working: it sends the reader to the page's new URL."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    # the URL that was published
    old: Annotated[StrictStr, Field(alias="from", pattern=URL_PATH, max_length=MAX_URL)]
    to: Annotated[StrictStr, Field(pattern=URL_PATH, max_length=MAX_URL)]  # where the page is now (must exist)


class RedirectsFile(Model):
    redirects: list[Redirect] = []


class OrganisationsFile(Model):
    organisations: list[Organisation]


class ThemesFile(Model):
    themes: list[Theme]


# --- figures compared across municipalities: data/comparisons.yaml --------------

class Comparable(Model):
    """A figure several documents give, compared per municipality and year on one page."""

    id: Slug  # stable: the page's URL is vergelijken/<id>/
    name: Line  # "Sociale huurvoorraad"
    unit: Line | None = None  # every value compared must have this unit
    description: Text  # what is counted, and when (peildatum), in plain Dutch
    note: Note | None = None  # where values are not alike, shown above the comparison


class ComparablesFile(Model):
    comparisons: list[Comparable]  # the figures compared across municipalities, in page order


class CompareRef(Model):
    """Marks a figure, a table column or an indicator as a value of a comparison."""

    id: Slug  # a comparison in data/comparisons.yaml
    year: Year | None = None  # the year the value is for (not on an indicator: its points have years)
    note: Note | None = None  # what makes this value different: "alleen De Volmacht"


class MunicipalitiesFile(Model):
    municipalities: list[Municipality]


# --- tables -----------------------------------------------------------------

Status = Literal["gerealiseerd", "prognose", "doel", "begroot"]


class Column(Model):
    id: Slug
    title: Line
    type: Literal["number", "text"] = "number"
    unit: Line | None = None  # "EUR", "%", "woningen", "ton CO2", ...
    decimals: Annotated[StrictInt, Field(ge=0, le=MAX_DECIMALS)] = 0
    status: Status | None = None  # applies to every cell in the column
    # --- goal -> plan -> realisation
    # The framework indicator whose quantity this column gives (planned, or realised
    # with status gerealiseerd); the table's total row holds the municipality's value.
    measures: Slug | None = None
    # The total row (or, without one, each row) is a value of this comparison.
    compare: CompareRef | None = None


class Cell(Model):
    """A cell that needs more than a bare value: a range, a status or a doubt."""

    value: Number | CellText | None = None
    min: Number | None = None
    max: Number | None = None
    status: Status | None = None
    uncertain: StrictBool = False
    note: Note | None = None
    provenance: Provenance | None = None  # not as printed (evidence.py)

    @model_validator(mode="after")
    def _value_or_range(self) -> Cell:
        if self.value is not None and (self.min is not None or self.max is not None):
            raise ValueError("give either 'value' or 'min'/'max', not both")
        return self


CellValue = StrictInt | StrictFloat | CellText | None | Cell


class Row(Model):
    label: Line
    organisation: Ref | None = None
    total: StrictBool = False  # a total row as printed in the source
    values: list[CellValue]
    note: Note | None = None


class ChartSpec(Model):
    """How a table is drawn. Without it the chart is inferred from the table's shape:
    columns that are years (or have a status) become the x axis with a line per row;
    otherwise the rows (corporations, parties) become the x axis with a bar per column."""

    kind: Literal["bar", "stacked-bar", "stacked-percent", "line", "none"] = "bar"
    # Which number columns to draw (default: all).
    columns: list[Slug] | None = None
    # Draw the total row too (default: no, it would double the bars).
    include_totals: StrictBool = False
    # "rows": a series per row over the columns; "columns": a series per column
    # over the rows. Default: inferred as above.
    series: Literal["rows", "columns"] | None = None
    # One chart per row, for rows with different units (e.g. total and per home).
    per_row: StrictBool = False


class Table(Model):
    id: Slug
    number: Line | None = None  # as printed: "Tabel 2", "Bijlage 3"
    title: Line
    row_header: Line
    columns: Annotated[list[Column], Field(min_length=1)]
    rows: Annotated[list[Row], Field(min_length=1)]
    notes: list[Note] = _EMPTY_LIST
    source: Line | None = None  # where in the source: "bijlage 3, p. 14"
    chart: ChartSpec | None = None
    page: Page | None = None  # the source page it starts on (evidence.py)
    provenance: Provenance | None = None  # the table is not printed as such


# --- framework goals and indicators -----------------------------------------

PointKind = Literal["uitgangspunt", "doel", "gerealiseerd", "prognose"]


class Point(Model):
    year: Year
    kind: PointKind = "doel"
    value: Number | None = None
    min: Number | None = None
    max: Number | None = None
    uncertain: StrictBool = False
    note: Note | None = None
    provenance: Provenance | None = None  # e.g. a year the source does not print

    @model_validator(mode="after")
    def _has_value(self) -> Point:
        if self.value is None and self.min is None and self.max is None:
            raise ValueError("a point needs 'value', or 'min' and/or 'max'")
        if self.value is not None and (self.min is not None or self.max is not None):
            raise ValueError("give either 'value' or 'min'/'max', not both")
        return self


class Indicator(Model):
    id: Slug
    name: Line
    unit: Line | None = None
    decimals: Annotated[StrictInt, Field(ge=0, le=MAX_DECIMALS)] = 0
    points: Annotated[list[Point], Field(min_length=1)]
    note: Note | None = None
    compare: CompareRef | None = None  # every point is a value of this comparison


class Goal(Model):
    id: Slug
    heading: Line | None = None  # the sub-heading it stands under in the source
    text: Text
    indicators: list[Indicator] = _EMPTY_LIST
    page: Page | None = None  # the source page (evidence.py)
    provenance: TextProvenance | None = None  # the text is not as printed


# --- commitments ------------------------------------------------------------

CommitmentKind = Literal["prestatieafspraak", "procesafspraak"]


class Item(Model):
    label: Line | None = None  # "a", "b", ...
    text: Text


class Figure(Model):
    label: Line
    value: Number
    unit: Line | None = None
    decimals: Annotated[StrictInt, Field(ge=0, le=MAX_DECIMALS)] = 0
    uncertain: StrictBool = False
    compare: CompareRef | None = None  # the figure is a value of this comparison
    provenance: Provenance | None = None  # the value is not printed as such (computed, converted)


# --- status and lineage of a commitment --------------------------------------

CommitmentStatus = Literal["niet-gerapporteerd", "op-schema", "gereed", "vertraagd", "vervallen"]


class StatusSource(Model):
    """Where a status is reported: a monitoring report, a council letter."""

    title: Line
    url: Url | None = None


class StatusEntry(Model):
    """One reported status; a commitment's list runs from old to new, the last is current."""

    status: CommitmentStatus
    date: Date  # the date of the report
    source: StatusSource
    note: Note | None = None


class Continues(Model):
    """The earlier commitment this one continues, by document and id (not by number,
    which may change between documents)."""

    document: DocRef
    id: Slug


class Commitment(Model):
    id: Slug  # set once in the data, never derived from position; the anchor
    number: Line | None = None  # as printed; absent when the source uses bullets
    kind: CommitmentKind | None = None  # None: the source does not say
    text: Text
    items: list[Item] = _EMPTY_LIST
    parties: list[Ref] | None = None  # defaults to the group's actors
    due: Annotated[StrictStr, Field(pattern=DUE_PATTERN)] | None = None
    figures: list[Figure] = _EMPTY_LIST
    serves: list[Slug] = _EMPTY_LIST  # ids of goals in the document's framework
    note: Note | None = None  # a transcription note, shown to readers
    # Reported statuses, oldest first; none means "niet gerapporteerd" (never stored for it).
    status: list[StatusEntry] = []
    continues: Continues | None = None  # the earlier commitment this one continues
    page: Page | None = None  # the source page (evidence.py)
    provenance: TextProvenance | None = None  # the text is not as printed
    # The due date is not printed as such ("In Q1 ..." read as Q1 2024): derived.
    due_provenance: Provenance | None = None
    # The goals it serves are the editors' reading: the source prints no such link.
    serves_provenance: Provenance | None = None

    # The schema says what the validator takes: a text or a whole number.
    @field_validator("number", mode="before", json_schema_input_type=Text | int | None)
    @classmethod
    def _number_as_text(cls, value: object) -> object:
        # "7" and 7 mean the same printed number; keep it as text.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("due")
    @classmethod
    def _due_exists(cls, value: str | None) -> str | None:
        # The pattern admits "2023-13" and "2023-02-30"; the page prints the month's name.
        if value is None:
            return value
        for part in value.split(" t/m "):  # a range: each end must exist
            _check_due(part)
        ends = value.split(" t/m ")
        if due_key(ends[-1]) < due_key(ends[0]):
            raise ValueError(f"the range ends ({ends[-1]}) before it starts ({ends[0]})")
        return value


def _check_due(value: str) -> None:
    year = int(value.removeprefix("Q")[-4:] if value.startswith("Q") else value[:4])
    if not YEARS[0] <= year <= YEARS[1]:
        raise ValueError(f"the year is not between {YEARS[0]} and {YEARS[1]}")
    parts = value.split("-")
    if len(parts) >= 2 and not 1 <= int(parts[1]) <= 12:
        raise ValueError(f"there is no month {parts[1]}")
    if len(parts) == 3:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a date that exists") from None


class Group(Model):
    title: Line | None = None  # as printed: "Gezamenlijke prestaties 2023"; omit if none is printed
    actors: Annotated[list[Ref], Field(min_length=1)]
    commitments: Annotated[list[Commitment], Field(min_length=1)]
    actors_provenance: Provenance | None = None  # the source does not name these actors so
    # The source prints no such heading here; the site needs one to navigate by.
    title_provenance: Provenance | None = None


# --- document ---------------------------------------------------------------

ContextKind = Literal["doel", "richtingen", "actualiteit", "ambitie", "toelichting", "tekst"]


class Context(Model):
    kind: ContextKind = "tekst"
    title: Line | None = None  # the printed heading; defaults to the kind's name
    text: Text
    provenance: TextProvenance | None = None  # the text is not as printed


class Box(Model):
    title: Line
    text: Text
    provenance: TextProvenance | None = None  # title or text not as printed


class Chapter(Model):
    id: Slug
    number: Line | None = None
    title: Line | None = None  # the local title as printed; omit if the source prints none
    theme: Ref | None = None
    note: Note | None = None  # a transcription note, shown to readers under the heading
    # --- a party bound by some chapters only
    parties: list[Ref] | None = None  # the parties this chapter binds (default: the document's)
    # The list of parties it binds is the editors' reading (the source does not print it
    # so): shown with "Dit hoofdstuk bindt alleen", carried by the records (records.py).
    parties_provenance: Provenance | None = None
    context: list[Context] = _EMPTY_LIST
    boxes: list[Box] = _EMPTY_LIST
    goals: list[Goal] = _EMPTY_LIST
    groups: list[Group] = _EMPTY_LIST
    tables: list[Table] = _EMPTY_LIST
    chapters: list[Chapter] = _EMPTY_LIST
    page: Page | None = None  # the source page it starts on (evidence.py)
    provenance: Provenance | None = None  # title, order or grouping not as printed

    # The schema says what the validator takes: a text or a whole number.
    @field_validator("number", mode="before", json_schema_input_type=Text | int | None)
    @classmethod
    def _number_as_text(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value


class Period(Model):
    start: Year
    end: Year

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Source(Model):
    title: Line  # title of the PDF as published
    publisher: Line  # who published it
    published: Line | None = None  # where: a web page, a council information system
    url: Url | None = None
    pages: Annotated[StrictInt, Field(ge=1)] | None = None
    note: Note | None = None


class Signatory(Model):
    person: Line
    role: Line
    organisation: Ref


class Signing(Model):
    date: Date | None = None
    place: Line | None = None
    signatories: list[Signatory] = _EMPTY_LIST
    note: Note | None = None


class Document(Model):
    municipality: Ref
    slug: Slug
    kind: Literal["framework", "yearly", "multi-year"]  # multi-year: agreements for several years
    title: Line
    period: Period
    framework: DocRef | None = None  # a framework document in data/
    framework_name: Line | None = None  # a framework that is not in data/
    summary: Text | None = None
    source: Source
    parties: Annotated[list[Ref], Field(min_length=1)]
    signing: Signing | None = None
    chapters: Annotated[list[Chapter], Field(min_length=1)]
    parties_provenance: Provenance | None = None  # the party list is not printed as such
    sources: list[SecondarySource] = []  # council letters, press releases (evidence.py)

    @property
    def ref(self) -> str:
        return f"{self.municipality}/{self.slug}"


def walk_chapters(chapters: list[Chapter], loc: tuple[str | int, ...]
                  ) -> Iterator[tuple[tuple[str | int, ...], Chapter]]:
    """Every chapter, depth first, with its field path in the data file ("chapters", 0,
    "chapters", 1, ...) for messages that name the place."""
    for i, chapter in enumerate(chapters):
        yield (*loc, i), chapter
        yield from walk_chapters(chapter.chapters, (*loc, i, "chapters"))


def iter_chapters(chapters: list[Chapter]):  # type: ignore[no-untyped-def]
    """Every chapter, depth first, in document order."""
    for chapter in chapters:
        yield chapter
        yield from iter_chapters(chapter.chapters)


def due_key(due: str) -> tuple[int, int, int]:
    """A due form as (year, month, day) of its start, for ordering the ends of a range."""
    if due.startswith("Q"):
        return int(due[-4:]), 3 * int(due[1]) - 2, 1
    parts = [int(p) for p in due.split("-")]
    return parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1


def due_years(due: str) -> tuple[int, int]:
    """The first and last year a due value names ("2028 t/m 2031" -> (2028, 2031))."""
    ends = due.split(" t/m ")
    return due_key(ends[0])[0], due_key(ends[-1])[0]


DUTCH_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,\d+$")


def province_key(province: str) -> tuple[bool, str]:
    """Provinces by name, the group without a province last."""
    return (province == NO_PROVINCE, province)


def theme_provinces(documents: Iterable[Document],
                    municipalities: Mapping[str, Municipality]) -> dict[str, list[str]]:
    """Theme id -> the provinces with a chapter on that theme, in province_key order:
    the pages of a theme per province (pages.py; redirects.py, search.py and the
    sources of the edit links ask the same question)."""
    found: dict[str, set[str]] = {}
    for doc in documents:
        mun = municipalities.get(doc.municipality)
        if mun is None:  # reported by validate.py; redirects are checked all the same
            continue
        province = province_of(mun)
        for chapter in iter_chapters(doc.chapters):
            if chapter.theme:
                found.setdefault(chapter.theme, set()).add(province)
    return {theme: sorted(provinces, key=province_key) for theme, provinces in found.items()}
