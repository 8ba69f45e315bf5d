# Meta-tests: the documentation keeps up with the code. Every field of the data
# format is described in data/README.md, and every CLI command in the README or
# the contributor guide.
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from generator import evidence as ev
from generator import model as m

ROOT = Path(__file__).resolve().parent.parent


def test_every_data_field_is_documented() -> None:
    doc = (ROOT / "data/README.md").read_text(encoding="utf-8")
    models = [c for c in vars(m).values() if isinstance(c, type) and issubclass(c, BaseModel)
              and c.__module__ == m.__name__ and c is not m.Model]
    # The types of evidence.py (provenance, secondary sources) are data fields too.
    models += [ev.Provenance, ev.SecondarySource]
    # A field is documented under the key a data file uses (its alias: `from` of a redirect).
    missing = sorted({f"{c.__name__}.{name}" for c in models for name, f in c.model_fields.items()
                      if f"{f.alias or name}:" not in doc})
    assert missing == []


def test_every_cli_command_is_documented() -> None:
    from generator.cli import COMMANDS

    text = (ROOT / "README.md").read_text(encoding="utf-8") + (
        ROOT / "content/bijdragen.md").read_text(encoding="utf-8")
    assert [c for c in COMMANDS if f"generator {c}" not in text] == []
