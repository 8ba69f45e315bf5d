# Questions asked of the whole validated corpus: which documents an organisation
# (or its predecessors) signed, what each commitment continues and is continued by,
# how many commitments have which status. Built once per build by one pass over
# every commitment (linear in the corpus); planning and templates ask it, never scan.
from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import get_args

from . import model as m
from .charts import Chart, indicator_chart, table_charts
from .concreteness import Concreteness, Tally, assess_document
from .records import NOT_REPORTED as NOT_REPORTED  # defined with the records, asked for here
from .records import CommitmentRecord, corpus_records
from .records import current_status as current_status
from .records import responsible as responsible
from .validate import Corpus

# The order in which statuses are counted and listed.
STATUSES: tuple[str, ...] = get_args(m.CommitmentStatus)

Key = tuple[str, str]  # (document ref, commitment id)


@dataclass(frozen=True)
class Step:
    """One commitment in a document, as a link in a chain of continuations."""

    doc: m.Document
    commitment: m.Commitment


@dataclass(frozen=True)
class Comparison:
    """What changed between two consecutive documents of a municipality, by `continues`."""

    earlier: m.Document
    later: m.Document
    new: list[m.Commitment]
    continued: list[tuple[m.Commitment, Step]]  # (later, the earlier one it continues)
    dropped: list[m.Commitment]


@dataclass(frozen=True)
class Measured:
    """A value a yearly document gives for a framework indicator: the total
    row of a column with `measures`; planned, or realised with status gerealiseerd."""

    doc: m.Document
    table: m.Table
    column: m.Column
    value: m.CellValue  # the total row's cell, as in the data (may be None or a range)

    @property
    def realised(self) -> bool:
        return self.column.status == "gerealiseerd"


@dataclass(frozen=True)
class PredecessorEntry:
    predecessor: m.Organisation
    doc: m.Document
    count: int  # commitments the predecessor carried in it


# --- views by organisation and theme -------------------------------


# One commitment as the cross-document views list it: where it is, under which common
# theme, who is responsible (with the mark of an inferred list) and its current status.
Entry = CommitmentRecord
# --- end of the views ---------------------------------------------------------


@dataclass
class Queries:
    corpus: Corpus
    _commitments: dict[Key, Step] = field(default_factory=dict)
    _continued_by: dict[Key, list[Step]] = field(default_factory=dict)
    _signed: dict[str, list[m.Document]] = field(default_factory=dict)
    _counts: dict[tuple[str, str | None], Counter[str]] = field(default_factory=dict)
    # --- goal -> plan, concreteness
    _serving: dict[Key, list[Step]] = field(default_factory=dict)  # (framework ref, goal id)
    _concrete: dict[Key, Concreteness] = field(default_factory=dict)
    _tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)  # (by, key)
    _measured: dict[Key, list[Measured]] = field(default_factory=dict)  # (framework ref, indicator id)
    # Commitments by responsible organisation and by theme, corpus order
    _by_party: dict[str, list[Entry]] = field(default_factory=dict)
    _by_theme: dict[str, list[Entry]] = field(default_factory=dict)
    # Each chart once per build, for the document page and its embed page
    _table_charts: dict[Key, tuple[m.Table, list[Chart]]] = field(default_factory=dict)  # (doc ref, table id)
    _indicator_charts: dict[Key, tuple[m.Indicator, Chart | None]] = field(default_factory=dict)
    # Every commitment's record (records.py), built once: what every output reads.
    records: dict[Key, CommitmentRecord] = field(default_factory=dict)
    # Each municipality's comparisons, computed once: its page and its year pages ask.
    _comparisons: dict[str, list[Comparison]] = field(default_factory=dict)

    @classmethod
    def build(cls, corpus: Corpus, known: dict[str, list[Concreteness]] | None = None) -> Queries:
        """`known`: document ref -> its concreteness as assessed before (assessed())."""
        q = cls(corpus)
        q.records = corpus_records(corpus.documents, corpus.municipalities)
        for doc in corpus.documents:
            for party in doc.parties:
                q._signed.setdefault(party, []).append(doc)
            total = q._counts.setdefault((doc.ref, None), Counter())
            for chapter in m.iter_chapters(doc.chapters):
                for group in chapter.groups:
                    for c in group.commitments:
                        q._commitments[(doc.ref, c.id)] = Step(doc, c)
                        status = current_status(c)
                        total[status] += 1
                        for party in dict.fromkeys(responsible(c, group)):
                            q._counts.setdefault((doc.ref, party), Counter())[status] += 1
        # Second pass: the earlier documents are all indexed now.
        for step in q._commitments.values():
            cont = step.commitment.continues
            if cont is not None:
                q._continued_by.setdefault((cont.document, cont.id), []).append(step)
        q._index_goals_and_concreteness(known or {})
        q._index_entries()
        return q

    # --- goal -> plan -> realisation, concreteness ---------------------

    def _index_goals_and_concreteness(self, known: dict[str, list[Concreteness]]) -> None:
        """One more pass over every commitment: which commitments serve each framework
        goal, and how concrete each commitment is, tallied per document, theme and
        responsible organisation."""
        # Per tally, how many commitments have each combination of aspects, added up
        # at the end: a tally is counted once per combination, not per commitment.
        counted: dict[tuple[str, str], dict[tuple[bool, bool, bool], int]] = {}
        for doc in self.corpus.documents:
            for a in assess_document(doc, known.get(doc.ref)):
                if doc.framework and a.commitment.serves:
                    step = Step(doc, a.commitment)
                    for goal_id in a.commitment.serves:
                        self._serving.setdefault((doc.framework, goal_id), []).append(step)
                self._concrete[(doc.ref, a.commitment.id)] = a.concreteness
                aspects = a.concreteness.aspects()
                keys = [("document", doc.ref), ("thema", a.theme or ""), ("alle", "")]
                keys += [("organisatie", p) for p in dict.fromkeys(responsible(a.commitment, a.group))]
                for key in keys:
                    combinations = counted.setdefault(key, {})
                    combinations[aspects] = combinations.get(aspects, 0) + 1
            if doc.framework:
                for chapter in m.iter_chapters(doc.chapters):
                    for table in chapter.tables:
                        total = next((r for r in table.rows if r.total), None)
                        for i, col in enumerate(table.columns):
                            if col.measures and total is not None:
                                value = total.values[i] if i < len(total.values) else None
                                self._measured.setdefault((doc.framework, col.measures), []).append(
                                    Measured(doc, table, col, value))
        for key, combinations in counted.items():
            tally = self._tallies[key] = Tally()
            for aspects, times in combinations.items():
                tally.add(Concreteness(*aspects), times)

    def measured(self, framework: m.Document, indicator_id: str) -> list[Measured]:
        """The planned and realised values yearly documents give for a framework
        indicator, in corpus order."""
        return list(self._measured.get((framework.ref, indicator_id), []))

    def serving(self, framework: m.Document, goal_id: str) -> list[Step]:
        """The commitments, across all documents under a framework, that serve one of
        its goals (`serves`), in corpus and document order."""
        return list(self._serving.get((framework.ref, goal_id), []))

    def concreteness(self, doc: m.Document, c: m.Commitment) -> Concreteness:
        return self._concrete[(doc.ref, c.id)]

    def assessed(self, doc: m.Document) -> list[Concreteness]:
        """The concreteness of each of the document's commitments, in document order."""
        return [self._concrete[(doc.ref, step.commitment.id)] for step in self._steps(doc)]

    def tally(self, by: str, key: str = "") -> Tally:
        """Concreteness counts: by 'document' (ref), 'thema' (id; '' without theme),
        'organisatie' (id) or 'alle'."""
        return self._tallies.get((by, key), Tally())


    # --- views by organisation and theme ------------------------------

    def _index_entries(self) -> None:
        """One pass over every commitment: who is responsible, under which theme."""
        for entry in self.records.values():
            for party in entry.parties.value:
                self._by_party.setdefault(party, []).append(entry)
            if entry.theme is not None:
                self._by_theme.setdefault(entry.theme, []).append(entry)

    def record(self, doc: m.Document, c: m.Commitment) -> CommitmentRecord:
        return self.records[(doc.ref, c.id)]

    def records_of(self, doc: m.Document) -> list[CommitmentRecord]:
        """A document's records, in document order."""
        return [self.records[(doc.ref, s.commitment.id)] for s in self._steps(doc)]

    def commitments_of(self, org_id: str) -> list[Entry]:
        """Every commitment the organisation is responsible for (the commitment's
        parties, else its group's actors), in corpus order."""
        return list(self._by_party.get(org_id, []))

    def commitments_on(self, theme_id: str) -> list[Entry]:
        """Every commitment under a chapter of this common theme, in corpus order."""
        return list(self._by_theme.get(theme_id, []))

    @staticmethod
    def count_statuses(entries: list[Entry]) -> list[tuple[str, int]]:
        """(status, number) over some entries; only statuses that occur, in STATUSES order."""
        counts = Counter(e.status for e in entries)
        return [(s, counts[s]) for s in STATUSES if counts[s]]
    # --- end of the views ----------------------------------------------------------

    # --- organisations ---------------------------------------------------------

    def signed_by(self, org_id: str) -> list[m.Document]:
        """The documents in which the organisation is a party, in corpus order."""
        return list(self._signed.get(org_id, []))

    def predecessors_of(self, org_id: str) -> list[m.Organisation]:
        """Every earlier organisation that went over into this one, directly or through
        an earlier merger, nearest first (validate.py rules out circles)."""
        out: list[m.Organisation] = []
        queue = [org_id]
        seen = {org_id}
        while queue:
            org = self.corpus.organisations[queue.pop(0)]
            for pre in org.predecessors:
                if pre.id not in seen:
                    seen.add(pre.id)
                    out.append(self.corpus.organisations[pre.id])
                    queue.append(pre.id)
        return out

    def successors_of(self, org_id: str) -> list[m.Organisation]:
        """The chain of organisations this one went over into, nearest first."""
        out: list[m.Organisation] = []
        succ = self.corpus.organisations[org_id].successor
        while succ is not None and all(o.id != succ.id for o in out) and succ.id != org_id:
            org = self.corpus.organisations[succ.id]
            out.append(org)
            succ = org.successor
        return out

    def from_predecessors(self, org_id: str) -> list[PredecessorEntry]:
        """The documents the organisation's predecessors signed, so a reader who looks up
        the merged corporation finds what its predecessors promised."""
        return [PredecessorEntry(pre, doc, self.count(doc, pre.id))
                for pre in self.predecessors_of(org_id) for doc in self.signed_by(pre.id)]

    # --- charts ------------------------------------------------------

    def table_charts(self, doc: m.Document, table: m.Table) -> list[Chart]:
        """The charts of a table (charts.table_charts), computed once per build: the
        document page (render.py) and the embed pages (share.py) ask for the same ones.
        Keyed by document and table id; the table itself is kept with them, so a table
        of another document under the same key is never answered with these."""
        key = (doc.ref, table.id)
        hit = self._table_charts.get(key)
        if hit is None or hit[0] is not table:
            hit = self._table_charts[key] = (table, table_charts(table))
        return hit[1]

    def indicator_chart(self, doc: m.Document, indicator: m.Indicator) -> Chart | None:
        """The chart of an indicator (charts.indicator_chart, None if it has too few
        points), computed once per build."""
        key = (doc.ref, indicator.id)
        hit = self._indicator_charts.get(key)
        if hit is None or hit[0] is not indicator:
            hit = self._indicator_charts[key] = (indicator, indicator_chart(indicator))
        return hit[1]

    # --- status ----------------------------------------------------------------

    def status_counts(self, doc: m.Document, party: str | None = None) -> list[tuple[str, int]]:
        """(status, number of commitments) for a document, or for the commitments one
        party is responsible for in it; only statuses that occur, in STATUSES order."""
        counts = self._counts.get((doc.ref, party), Counter())
        return [(s, counts[s]) for s in STATUSES if counts[s]]

    def count(self, doc: m.Document, party: str | None = None) -> int:
        return sum(self._counts.get((doc.ref, party), Counter()).values())

    # --- lineage ---------------------------------------------------------------

    def earlier_chain(self, doc: m.Document, c: m.Commitment) -> list[Step]:
        """The commitments this one continues, the nearest first (each step is in an
        older document, which validate.py checks, so the chain ends)."""
        out: list[Step] = []
        seen = {(doc.ref, c.id)}  # a guard only: validated data has no circles
        cont = c.continues
        while (cont is not None and (cont.document, cont.id) not in seen
               and (step := self._commitments.get((cont.document, cont.id)))):
            seen.add((cont.document, cont.id))
            out.append(step)
            cont = step.commitment.continues
        return out

    def continued_by(self, doc: m.Document, c: m.Commitment) -> list[Step]:
        """The later commitments that continue this one."""
        return list(self._continued_by.get((doc.ref, c.id), []))

    def comparisons(self, municipality: str) -> list[Comparison]:
        """New, continued and dropped commitments between consecutive documents of one
        kind with commitments, newest first; only where the later one records any continuation
        (without `continues` data nothing is known, and nothing is claimed)."""
        if municipality not in self._comparisons:
            self._comparisons[municipality] = self._compare(municipality)
        return list(self._comparisons[municipality])

    def _compare(self, municipality: str) -> list[Comparison]:
        # Consecutive within one kind: a yearly agreement follows the previous yearly
        # one, not a multi-year agreement that happens to start in between.
        series: dict[str, list[m.Document]] = {}
        for d in self.corpus.documents_of(municipality):
            if self.count(d):
                series.setdefault(d.kind, []).append(d)
        pairs = [pair for docs in series.values()
                 for pair in itertools.pairwise(sorted(docs, key=lambda d: (d.period.start, d.period.end,
                                                                            d.slug)))]
        pairs.sort(key=lambda p: (p[1].period.start, p[1].period.end, p[1].slug))
        out: list[Comparison] = []
        for earlier, later in pairs:
            later_steps = self._steps(later)
            if not any(s.commitment.continues for s in later_steps):
                continue
            new: list[m.Commitment] = []
            continued: list[tuple[m.Commitment, Step]] = []
            for s in later_steps:
                cont = s.commitment.continues
                if cont is None:
                    new.append(s.commitment)
                else:  # from `earlier`, or from a document before it
                    continued.append((s.commitment, self._commitments[(cont.document, cont.id)]))
            dropped = [s.commitment for s in self._steps(earlier)
                       if not any(n.doc.ref == later.ref
                                  for n in self._continued_by.get((earlier.ref, s.commitment.id), []))]
            out.append(Comparison(earlier, later, new, continued, dropped))
        return list(reversed(out))

    def _steps(self, doc: m.Document) -> list[Step]:
        return [self._commitments[(doc.ref, c.id)]
                for chapter in m.iter_chapters(doc.chapters)
                for group in chapter.groups for c in group.commitments]
