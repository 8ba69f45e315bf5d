# One exception family for the package. Library code raises these; only the CLI
# (cli.py) catches them, prints them and chooses the exit code.
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one data file, with its place."""

    file: str
    line: int  # 1-based; 0 when unknown
    column: int  # 1-based; 0 when unknown
    field: str  # field path, e.g. "chapters[2].groups[0].commitments[3].parties[0]"
    message: str

    def __str__(self) -> str:
        place = self.file
        if self.line:
            place += f":{self.line}:{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{place}:{field} {self.message}"


class GeneratorError(Exception):
    """Base of every error the generator raises on purpose."""


class DataError(GeneratorError):
    """The data has problems; holds all of them, sorted by place."""

    def __init__(self, diagnostics: list[Diagnostic], outcome: str = "") -> None:
        self.diagnostics = sorted(set(diagnostics))
        self.outcome = outcome  # what the command did not do because of them, said last
        count = len(self.diagnostics)
        super().__init__(f"{count} problem(s) in the data")

    def __str__(self) -> str:
        lines = [str(d) for d in self.diagnostics]
        n = len(self.diagnostics)
        lines.append(f"{n} {'problem' if n == 1 else 'problems'} found.")
        if self.outcome:
            lines.append(self.outcome[0].upper() + self.outcome[1:] + ".")
        return "\n".join(lines)


class TemplateError(GeneratorError):
    """A template failed to render (a bug in the templates, not in the data)."""


class OutputConflict(GeneratorError):
    """Two pages or files were planned at the same path."""
