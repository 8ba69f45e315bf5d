# Evidence and provenance: where a statement stands in the signed document (a
# printed page, secondary sources) and what the editors did to it (repaired,
# derived, inferred) or where else they took it from (secondary). Model types and
# the Dutch wording of the markers; model.py uses the types, validate.py checks the
# pages, formatting.py (filters) and export.py show them. Imports only fields.py of
# the package: model.py imports this.
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from .fields import Date, Line, Note, Url

# A page of the source as printed (the PDF's page, counted from 1).
Page = Annotated[StrictInt, Field(ge=1)]

ProvenanceKind = Literal["repaired", "derived", "inferred"]
# A text (of a commitment, context block, box or goal) may also come from another
# publication than the signed document, such as a press release; values and readings
# (numbers, parties, dates) may not: they are the document's or the editors'.
TextProvenanceKind = Literal["repaired", "derived", "inferred", "secondary"]

# The marker readers see; never wording that presents an editorial act as signed text.
PROVENANCE_LABELS: dict[str, str] = {
    "repaired": "bewerkt door de redactie",
    "derived": "afgeleid",
    "inferred": "afgeleid (niet in de bron)",
    "secondary": "uit een andere publicatie",
}


class _Model(BaseModel):
    # The same settings as model.Model.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Provenance(_Model):
    """Not as printed: what the editors did, and why. Without it a value is as printed.

    repaired: an OCR slip or broken text repaired (say what the extraction read);
    derived: computed or reconstructed from what the source does print;
    inferred: not in the source; the editors' reading (say on what it rests)."""

    kind: ProvenanceKind
    note: Note


class TextProvenance(Provenance):
    """A text's mark: the kinds above, or secondary: not in the signed document but
    taken from another publication about it (a press release, a council letter),
    which the note names and the document lists under `sources`."""

    kind: TextProvenanceKind  # type: ignore[assignment]


class SecondarySource(_Model):
    """Another publication about the document: a council letter, a press release."""

    title: Line
    url: Url | None = None  # linked as it is (formatting.url_link)
    kind: Line | None = None  # raadsbrief, persbericht, ...
    date: Date | None = None


def provenance_text(provenance: Provenance) -> str:
    """'afgeleid: <note>', as plain text (CSV, table notes)."""
    return f"{PROVENANCE_LABELS[provenance.kind]}: {provenance.note}"
