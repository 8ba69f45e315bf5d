# Renders planned pages with the Jinja2 templates in templates/: `*.html.j2` write
# the HTML body of a generated page (autoescape: every printed value is HTML-escaped
# unless it is Markup, built from escaped parts by the filters and helpers here and
# in formatting.py / markup.py); the few `*.md.j2` (the home page, whose intro is
# hand-written Markdown) write Markdown, where finalize escapes every value
# (formatting.md). StrictUndefined makes a missing variable an error.
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup, escape

from . import model as m
from . import urls
from .charts import Chart, PlanRow, indicator_chart, plan_chart, table_charts
from .concreteness import CRITERIA
from .errors import TemplateError
from .evidence import PROVENANCE_LABELS, provenance_text
from .formatting import (
    FILTERS,
    HTML_FILTERS,
    Safe,
    date_nl,
    due_nl,
    marks_short,
    md,
    provenance_inline,
    url_link,
    word_diff,
)
from .markup import TocToken, finish_page, inline
from .queries import NOT_REPORTED, Queries, Step, current_status
from .records import CommitmentRecord, commitment_label
from .records import chapter_label as chapter_label  # defined with the records, asked for here
from .records import opening_words as opening_words
from .validate import Corpus

KIND_LABELS = {"framework": "Kaderafspraken", "yearly": "Prestatieafspraken (jaarafspraken)",
               "multi-year": "Meerjarige prestatieafspraken"}
CONTEXT_LABELS = {
    "doel": "Doel",
    "richtingen": "Richtingen",
    "actualiteit": "Onze actualiteit",
    "ambitie": "Ambitie",
    "toelichting": "Toelichting",
    "tekst": "Tekst",
}


STATUS_LABELS = {
    NOT_REPORTED: "niet gerapporteerd",
    "op-schema": "op schema",
    "gereed": "gereed",
    "vertraagd": "vertraagd",
    "vervallen": "vervallen",
}


def status_report(entry: m.StatusEntry) -> Markup:
    """'(12 maart 2025; bron: Monitor 2024; toelichting)', the source linked if it has a URL."""
    source = (url_link(entry.source.url, entry.source.title) if entry.source.url
              else inline(entry.source.title))
    note = Markup("; {}").format(inline(entry.note)) if entry.note else ""
    return Markup("({}; bron: {}{})").format(date_nl(entry.date), source, note)


def _finalize(value: Any) -> Any:
    if value is None:
        raise TemplateError("a template printed None; use a default or a condition")
    return value if isinstance(value, Safe | Markup) else md(value)


def _finalize_html(value: Any) -> Any:
    """Before autoescape: None is an error; whitespace in data text collapses, as in a
    line of the source."""
    if value is None:
        raise TemplateError("a template printed None; use a default or a condition")
    return inline(value) if isinstance(value, str) else value


def _groupby_heading(goals: Iterable[m.Goal]) -> list[tuple[str | None, list[m.Goal]]]:
    groups: list[tuple[str | None, list[m.Goal]]] = []
    for goal in goals:
        if groups and groups[-1][0] == goal.heading:
            groups[-1][1].append(goal)
        else:
            groups.append((goal.heading, [goal]))
    return groups


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,  # output is Markdown; finalize does the escaping
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.filters["safe_md"] = Safe
    env.filters["groupby_heading"] = _groupby_heading
    env.filters["status_label"] = STATUS_LABELS.__getitem__
    env.globals["title_anchor"] = Safe("{#" + urls.TITLE_ANCHOR + "}")
    return env


def make_html_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize_html,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(HTML_FILTERS)
    env.filters["groupby_heading"] = _groupby_heading
    env.filters["status_label"] = STATUS_LABELS.__getitem__
    env.globals["title_id"] = Markup(urls.TITLE_ANCHOR)
    return env


def period_label(doc: m.Document) -> str:
    p = doc.period
    return str(p.start) if p.start == p.end else f"{p.start}–{p.end}"


def kind_label(doc: m.Document) -> str:
    return KIND_LABELS[doc.kind]


def contents_label(doc: m.Document) -> str:
    """What a document holds, for overview tables: '43 afspraken', or for a framework
    (which sets goals, not commitments) '41 doelen'."""
    if doc.kind == "framework":
        goals = sum(len(ch.goals) for ch in m.iter_chapters(doc.chapters))
        return f"{goals} {'doel' if goals == 1 else 'doelen'}"
    count = count_commitments(doc)
    return f"{count} {'afspraak' if count == 1 else 'afspraken'}"


def page_title(*parts: str) -> Markup:
    """A page's <title> and header text as YAML front matter: 'Tynaarlo: Prestatie-
    afspraken 2023'. HTML-escaped (Material prints it raw), then a JSON string, which
    is valid YAML whatever the data text holds."""
    return Markup(json.dumps(str(escape(": ".join(parts))), ensure_ascii=False))


def count_commitments(doc: m.Document, party: str | None = None) -> int:
    total = 0
    for chapter in m.iter_chapters(doc.chapters):
        for group in chapter.groups:
            for c in group.commitments:
                if party is None or party in (c.parties or group.actors):
                    total += 1
    return total


@dataclass
class PageContext:
    """What a template may call. Built per page by the planner."""

    page: str  # path of the page being rendered, for relative links
    corpus: Corpus
    doc: m.Document | None = None
    framework: m.Document | None = None
    _sections: set[str] = field(default_factory=set)
    queries: Queries | None = None  # corpus-wide questions (status, lineage), built once

    urls = urls
    zip = staticmethod(zip)
    context_label = staticmethod(CONTEXT_LABELS.__getitem__)

    def link(self, target: str, anchor: str | None = None) -> Markup:
        return Markup(escape(urls.relative(self.page, target, anchor)))

    def theme(self, theme_id: str) -> m.Theme:
        return self.corpus.themes[theme_id]

    def org(self, org_id: str) -> m.Organisation:
        return self.corpus.organisations[org_id]

    def compared_in(self, thing: m.Table | m.Figure | m.Indicator) -> list[m.Comparable]:
        """The comparisons (data/comparisons.yaml) a table's columns, a figure or an
        indicator take part in, each once."""
        marks = [c.compare for c in thing.columns] if isinstance(thing, m.Table) else [thing.compare]
        ids = dict.fromkeys(mark.id for mark in marks if mark is not None)
        return [self.corpus.comparables[i] for i in ids if i in self.corpus.comparables]

    commitment_label = staticmethod(commitment_label)

    def label_marks(self, doc: m.Document, c: m.Commitment) -> Markup:
        """After a link labelled with a commitment's opening words (it has no printed
        number): the mark of its text, if the text is not as printed."""
        if c.number or self.queries is None:
            return Markup("")
        return marks_short(self.queries.records[(doc.ref, c.id)], "text")

    def record(self, c: m.Commitment) -> CommitmentRecord:
        """The commitment's record (records.py): its citation and marks."""
        assert self.doc is not None and self.queries is not None
        return self.queries.record(self.doc, c)

    def section_id(self, chapter: m.Chapter, label: str) -> Markup:
        """The id of a heading the generator adds inside a chapter (context, goals,
        groups): stable under edits elsewhere, unique on the page."""
        base = anchor = urls.section_anchor(chapter.id, label)
        n = 1
        while anchor in self._sections:
            n += 1
            anchor = f"{base}-{n}"
        self._sections.add(anchor)
        return Markup(escape(anchor))

    def commitment_meta(self, c: m.Commitment, group: m.Group) -> Markup:
        """'<strong>Wie:</strong> ... · <strong>Soort:</strong> ... · ...', read from the commitment's
        record where there is one, so a marked value shows its mark: a mark of who that
        is the group's own stands once above the group instead."""
        r = self.record(c) if self.doc is not None and self.queries is not None else None
        parties = r.parties.value if r else tuple(dict.fromkeys(c.parties or group.actors))
        who = inline(", ".join(self.org(p).short_name for p in parties))
        if r and r.parties.mark is not None and r.parties.mark is not group.actors_provenance:
            who = Markup("{} ({})").format(who, provenance_inline(r.parties.mark))
        parts = [Markup("<strong>Wie:</strong> {}").format(who)]
        if c.kind:
            parts.append(Markup("<strong>Soort:</strong> {}").format(inline(c.kind)))
        if c.due:
            when = inline(due_nl(c.due))
            if r and r.due.mark is not None:
                when = Markup("{} ({})").format(when, provenance_inline(r.due.mark))
            parts.append(Markup("<strong>Wanneer:</strong> {}").format(when))
        return Markup(" · ").join(parts)

    # --- status and lineage -------------------------------------------

    @staticmethod
    def status_line(c: m.Commitment) -> Markup:
        """'<strong>Status:</strong> gereed (12 maart 2025; bron: Monitor 2024)'; without a report,
        'niet gerapporteerd' (computed, never stored)."""
        label = STATUS_LABELS[current_status(c)]
        if not c.status:
            return Markup("<strong>Status:</strong> {}").format(label)
        return Markup("<strong>Status:</strong> {} {}").format(label, status_report(c.status[-1]))

    @staticmethod
    def earlier_statuses(c: m.Commitment) -> list[Markup]:
        """The statuses before the current one, newest first."""
        return [Markup("{} {}").format(STATUS_LABELS[e.status], status_report(e))
                for e in reversed(c.status[:-1])]

    def lineage(self, c: m.Commitment) -> list[Step]:
        assert self.doc is not None and self.queries is not None
        return self.queries.earlier_chain(self.doc, c)

    def continued_by(self, c: m.Commitment) -> list[Step]:
        assert self.doc is not None and self.queries is not None
        return self.queries.continued_by(self.doc, c)

    def step_link(self, step: Step) -> Markup:
        """'Afspraak 3 uit Prestatieafspraken 2023', both linked."""
        page = urls.document_page(step.doc)
        return Markup('<a href="{}">{}</a>{} uit <a href="{}">{}</a>').format(
            self.link(page, step.commitment.id), inline(self.commitment_label(step.commitment)),
            self.label_marks(step.doc, step.commitment), self.link(page), inline(step.doc.title))

    @staticmethod
    def text_diff(earlier: m.Commitment, later: m.Commitment) -> Markup:
        return word_diff(earlier.text, later.text)

    def table_charts(self, table: m.Table) -> list[Chart]:
        if self.doc is not None and self.queries is not None:
            return self.queries.table_charts(self.doc, table)  # once per build
        return table_charts(table)

    def indicator_chart(self, indicator: m.Indicator) -> Chart | None:
        if self.doc is not None and self.queries is not None:
            return self.queries.indicator_chart(self.doc, indicator)
        return indicator_chart(indicator)

    def party_names(self, org_ids: list[str]) -> str:
        """'Gemeente Tynaarlo, Woonborg': who a chapter binds."""
        return ", ".join(self.org(p).short_name for p in org_ids)

    @staticmethod
    def all_uncertain(table: m.Table) -> bool:
        cells = [v for r in table.rows for v in r.values if v is not None]
        return bool(cells) and all(isinstance(v, m.Cell) and v.uncertain for v in cells)

    def goal_label(self, goal_id: str) -> str:
        assert self.framework is not None
        for chapter in m.iter_chapters(self.framework.chapters):
            for goal in chapter.goals:
                if goal.id == goal_id:
                    text = goal.text if len(goal.text) <= 80 else goal.text[:77].rstrip() + "..."
                    return f"{chapter_label(chapter)}: {text}"
        raise TemplateError(f"unknown goal {goal_id}")

    def column_label(self, col: m.Column) -> str:
        label = col.title
        if col.unit and col.unit not in ("aantal",) and col.unit not in col.title:
            label += f" ({'€' if col.unit == 'EUR' else col.unit})"
        if col.status:
            label += f" ({col.status})"
        return label

    @staticmethod
    def notes_for(table: m.Table) -> TableNotes:
        return TableNotes.of(table)

    # --- goal -> plan, concreteness ----------------------------------

    def serving(self, goal: m.Goal) -> list[Step]:
        """On a framework page: the commitments in yearly documents that serve this goal."""
        if self.doc is None or self.queries is None or self.doc.kind != "framework":
            return []
        return self.queries.serving(self.doc, goal.id)

    def plan_rows(self, ind: m.Indicator) -> list[tuple[PlanRow, Markup | None]]:
        """On a framework page: the indicator's targets, the values yearly documents plan
        for it (`measures`) and its realisations, each with a link to where it stands;
        'niet gerapporteerd' when nothing realised is known. Empty without any plan."""
        if self.doc is None or self.queries is None or self.doc.kind != "framework":
            return []
        measured = self.queries.measured(self.doc, ind.id)
        if not measured:
            return []
        here = urls.document_page(self.doc)
        rows: list[tuple[PlanRow, Markup | None]] = [
            (PlanRow("doel", f"Doel {p.year}", p.value, p.min, p.max), self.link(here, ind.id))
            for p in ind.points if p.kind == "doel"]
        realised: list[tuple[PlanRow, Markup | None]] = [
            (PlanRow("gerealiseerd", f"Gerealiseerd {p.year}", p.value, p.min, p.max), self.link(here, ind.id))
            for p in ind.points if p.kind == "gerealiseerd"]
        for item in measured:
            cell = item.value
            value = cell.value if isinstance(cell, m.Cell) else cell
            number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
            low = cell.min if isinstance(cell, m.Cell) else None
            high = cell.max if isinstance(cell, m.Cell) else None
            kind = "gerealiseerd" if item.realised else "gepland"
            row = PlanRow(kind, f"{kind.capitalize()}: {item.doc.title}", number, low, high,
                          item.column.decimals)
            link = self.link(urls.document_page(item.doc), item.table.id)
            (realised if item.realised else rows).append((row, link))
        if not realised:
            realised.append((PlanRow("gerealiseerd", "Gerealiseerd"), None))
        return rows + realised

    @staticmethod
    def plan_chart(ind: m.Indicator, rows: list[tuple[PlanRow, Markup | None]]) -> Chart:
        return plan_chart(ind, [row for row, _ in rows])

    def concreteness_badges(self, c: m.Commitment) -> Markup:
        """'Concreet: getal ja · termijn nee · wie ja', each a badge with its word, linked to
        the page that explains the criteria (never colour alone)."""
        if self.doc is None or self.queries is None:
            return Markup("")
        k = self.queries.concreteness(self.doc, c)
        badges = []
        for (key, _, _), present in zip(CRITERIA, k.aspects(), strict=True):
            word = "ja" if present else "nee"
            badges.append(Markup('<span class="concrete-badge concrete-{}">{}: {}</span>').format(
                word, key, word))
        link = self.link(urls.concreteness_page())
        return Markup('<a href="{}">Concreet</a>: ').format(link) + Markup(" ").join(badges)


@dataclass(frozen=True)
class TableNotes:
    """A table's row and cell notes, numbered once in reading order: the marks in
    the cells ("(onzeker, noot 2)") and the list under the table."""

    numbers: dict[tuple[Any, ...], int]
    lines: list[str]
    table: m.Table

    @classmethod
    def of(cls, table: m.Table) -> TableNotes:
        numbers: dict[tuple[Any, ...], int] = {}
        lines: list[str] = []
        shared: dict[str, int] = {}
        for r, row in enumerate(table.rows):
            if row.note:
                numbers[("row", r)] = len(lines) + 1
                lines.append(f"[{len(lines) + 1}] {row.label}: {row.note}")
            for c, (col, cell) in enumerate(zip(table.columns, row.values, strict=False)):
                if isinstance(cell, m.Cell) and cell.note:
                    numbers[("cell", r, c)] = len(lines) + 1
                    lines.append(f"[{len(lines) + 1}] {row.label}, {col.title}: {cell.note}")
                # Provenance (evidence.py): one note per distinct explanation, so
                # twenty reconstructed cells share one line under the table.
                if isinstance(cell, m.Cell) and cell.provenance:
                    text = provenance_text(cell.provenance)
                    if text not in shared:
                        shared[text] = len(lines) + 1
                        lines.append(f"[{len(lines) + 1}] {text}")
                    numbers[("provenance", r, c)] = shared[text]
        return cls(numbers, lines + list(table.notes), table)

    def row(self, r: int) -> Markup:
        return self._marks(("row", r), [])

    def cell(self, r: int, c: int) -> Markup:
        cell = self.table.rows[r].values[c]
        words: list[str] = []
        if isinstance(cell, m.Cell):
            if cell.status:
                words.append(cell.status)
            if cell.uncertain:
                words.append("onzeker")
            if cell.provenance:
                # The cell's own note first, then what the editors did and its note.
                if ("cell", r, c) in self.numbers:
                    words.append(f"noot {self.numbers[('cell', r, c)]}")
                words.append(f"{PROVENANCE_LABELS[cell.provenance.kind]}, "
                             f"noot {self.numbers[('provenance', r, c)]}")
                return self._marks(None, words)
        return self._marks(("cell", r, c), words)

    def _marks(self, key: tuple[Any, ...] | None, words: list[str]) -> Markup:
        if key is not None and key in self.numbers:
            words.append(f"noot {self.numbers[key]}")
        return Markup(" ") + inline(f"({', '.join(words)})") if words else Markup("")


class Deferred(Mapping[str, Any]):
    """A page's context, made when first read: a page the last build's file stands for
    (rendercache.py) is never rendered, and most of the work of planning it is making
    its context (an organisation's or a theme's commitments: a second of a national
    build, made by the workers that render the page instead)."""

    def __init__(self, make: Callable[[], dict[str, Any]]) -> None:
        self._make: Callable[[], dict[str, Any]] | None = make
        self._made: dict[str, Any] = {}

    def _context(self) -> dict[str, Any]:
        if self._make is not None:
            self._made, self._make = self._make(), None
        return self._made

    def __getitem__(self, key: str) -> Any:
        return self._context()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._context())

    def __len__(self) -> int:
        return len(self._context())


@dataclass(frozen=True)
class PlannedPage:
    path: str
    template: str
    context: Mapping[str, Any]
    # The documents the page may read, when it reads no others (rendercache.py: a page
    # is rendered again only when one of them, the registries or the code changed);
    # None: rendered on every build.
    scope: list[str] | None = None
    # What else the page shows from outside its scope, in its key with it.
    keyed: tuple[str, ...] = ()


def render_pages(pages: list[PlannedPage],
                 tocs: dict[str, list[TocToken]] | None = None) -> dict[str, bytes]:
    """Each page's file for build/docs. A page from an HTML template is its front
    matter and finished body (markup.finish_page: heading ids, permalinks); its table
    of contents goes into `tocs`, for the builder (build/toc.json, hooks/generate.py)."""
    markdown_env, html_env = make_environment(), make_html_environment()
    out: dict[str, bytes] = {}
    for page in pages:
        is_html = page.template.endswith(".html.j2")
        env = html_env if is_html else markdown_env
        try:
            text = env.get_template(page.template).render(**page.context)
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{page.template} ({page.path}): {exc}") from exc
        if is_html:
            text, toc = finish_page(text)
            if tocs is not None:
                tocs[page.path] = toc
        out[page.path] = tidy(text).encode("utf-8")
    return out


def tidy(text: str) -> str:
    """Collapse runs of blank lines the templates leave; end with one newline."""
    lines: list[str] = []
    blank = 0
    for line in text.split("\n"):  # not splitlines(): U+2028 in data is not a line break
        if line.strip():
            blank = 0
            lines.append(line.rstrip())
        else:
            blank += 1
            if blank == 1:
                lines.append("")
    return "\n".join(lines).strip() + "\n"
