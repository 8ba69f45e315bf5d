# Hostile and careless input, one case per class of problem: every case
# runs `check` and `build` as a maintainer would, in a subprocess under a time and
# memory limit, on a copy of the fixture corpus next to a previous site. Each must
# exit 1 with a message naming the file (and the line, where the file has lines),
# print no traceback, give `check` and `build` the same diagnostics, and leave the
# previous site byte-identical. CASES is counted for the README's reliability section.
from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator import urls

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests/fixtures/corpus"
DOC = "data/testdorp/prestatieafspraken-2024.yaml"
TIME_LIMIT = 30  # seconds per command; a hang fails the test, not the CI job
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space per command; a blow-up fails it too


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def start(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`python -m generator --root <root> <args>` under the time and memory limits."""
    return subprocess.Popen([sys.executable, "-m", "generator", "--root", str(root), *args],
                            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=limited, env=env)


def finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    try:
        out, err = process.communicate(timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return finish(start(root, *args, env=env))


def digest(tree: Path) -> dict[str, str]:
    """Every file under tree and the hash of its bytes (links by their target)."""
    out: dict[str, str] = {}
    for path in sorted(tree.rglob("*")):
        rel = path.relative_to(tree).as_posix()
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def make_project(base: Path) -> Path:
    """A project root: the fixture corpus as data/, the real content, theme and config,
    and a previous site (as a previous build leaves it: marker file, pages)."""
    root = base / "project"
    shutil.copytree(FIXTURE, root / "data")
    for name in ("content", "hooks"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "site_theme").symlink_to(ROOT / "site_theme")
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    site = root / "site"
    (site / "gemeenten").mkdir(parents=True)
    (site / ".prestatieafspraken-site").write_text("previous build\n", encoding="utf-8")
    (site / "index.html").write_text("<p>vorige versie</p>\n", encoding="utf-8")
    (site / "gemeenten/index.html").write_text("<p>gemeenten</p>\n", encoding="utf-8")
    return root


def edit(old: str, new: str, file: str = DOC) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture does not contain {old!r}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def write(file: str, data: str | bytes) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return apply


def link(file: str, target: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target.replace("{root}", str(root)))
    return apply


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        for step in steps:
            step(root)
    return apply


def fifo(file: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        os.mkfifo(root / file)
    return apply


def fixture_doc() -> str:
    return (FIXTURE / "testdorp/prestatieafspraken-2024.yaml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # the class of problem
    setup: Callable[[Path], None]
    expected: str  # part of the message, from the file name on
    forbidden: str = "\x00"  # text that must not appear in the output


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))

CASES = [
    # YAML limits
    Case("alias-bomb", "yaml-limits", write(DOC, BOMB),
         f"{DOC}:6:8: the file holds more than 200,000 values once its aliases are expanded"),
    Case("alias-in-own-anchor", "yaml-limits", write(DOC, "a: &a [x, *a]\n"),
         f"{DOC}:1:11: alias '*a' is used inside its own anchor"),
    Case("nesting-100000-brackets", "yaml-limits", write(DOC, "[" * 100_000),
         f"{DOC}:1:41: nested more than 40 levels deep"),
    Case("nesting-60-indented", "yaml-limits",
         write(DOC, "".join(" " * i + "a:\n" for i in range(60)) + " " * 60 + "b\n"),
         f"{DOC}:41:41: nested more than 40 levels deep"),
    Case("nesting-through-aliases", "yaml-limits",
         write(DOC, "a: &a " + "[" * 30 + "]" * 30 + "\nb: " + "[" * 20 + "*a" + "]" * 20 + "\n"),
         f"{DOC}:2:24: nested more than 40 levels deep (aliases included)"),
    Case("file-over-1-mb", "yaml-limits", write(DOC, fixture_doc() + "#" * 1_100_000 + "\n"),
         f"{DOC}: the file is larger than 1 MB"),
    Case("explicit-python-tag", "yaml-limits",
         edit("title: Prestatieafspraken 2024\n", "title: !!python/object/apply:os.system [ls]\n"),
         f"{DOC}:4:8: explicit YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    # YAML 1.1 readings that silently change a value
    Case("sexagesimal-1:30", "yaml-1.1", edit("values: [25000, 1.4]", "values: [1:30, 1.4]"),
         f"{DOC}:50:40: chapters[0].tables[0].rows[0].values[0]: '1:30' is read by YAML as the number 90"),
    Case("octal-0100", "yaml-1.1", edit("values: [25000, 1.4]", "values: [0100, 1.4]"),
         f"{DOC}:50:40: chapters[0].tables[0].rows[0].values[0]: '0100' is read by YAML as the number 64"),
    Case("hexadecimal-0x1F", "yaml-1.1", edit("values: [25000, 1.4]", "values: [0x1F, 1.4]"),
         f"{DOC}:50:40: chapters[0].tables[0].rows[0].values[0]: '0x1F' is read by YAML as the number 31"),
    Case("underscore-25_000", "yaml-1.1", edit("values: [25000, 1.4]", "values: [25_000, 1.4]"),
         f"{DOC}:50:40: chapters[0].tables[0].rows[0].values[0]: '25_000' is read by YAML as the number 25000"),
    Case("commitment-number-007", "yaml-1.1", edit('number: "2"', "number: 007"),
         f"{DOC}:36:21: chapters[0].groups[0].commitments[1].number: '007' is read by YAML as the number 7"),
    Case("date-in-text-field", "yaml-1.1", edit("place: Testdorp", "place: 2023-12-07"),
         f'{DOC}:12:10: signing.place: expected text, got 2023-12-07, which YAML reads as a date; put it in quotes: "2023-12-07"'),
    Case("number-in-text-field", "yaml-1.1", edit("place: Testdorp", "place: 1.10"),
         f'{DOC}:12:10: signing.place: expected text, got 1.10, which YAML reads as a number; put it in quotes: "1.10"'),
    Case("unquoted-due-date", "yaml-1.1", edit("due: Q1 2024", "due: 2024-03-31"),
         f'{DOC}:34:18: chapters[0].groups[0].commitments[0].due: expected text, got 2024-03-31, which YAML reads as a date'),
    Case("yes-for-true", "yaml-1.1", edit("uncertain: true", "uncertain: yes"),
         f"{DOC}:51:71: chapters[0].tables[0].rows[1].values[1].uncertain: 'yes' is read by YAML as true; write true or false"),
    Case("no-as-text", "yaml-1.1", edit("place: Testdorp", "place: no"),
         f"{DOC}:12:10: signing.place: 'no' is read by YAML as false"),
    Case("datetime-for-date", "yaml-1.1", edit("date: 2023-12-07", "date: 2023-12-07 10:00:00"),
         f"{DOC}:11:9: signing.date: '2023-12-07 10:00:00' is read by YAML as a date and time"),
    # Numbers that cannot be published
    Case("nan-cell", "numbers", edit("values: [25000, 1.4]", "values: [.nan, 1.4]"),
         f"{DOC}:50:40: chapters[0].tables[0].rows[0].values[0]: '.nan' is read by YAML as not a number",
         forbidden="write nan"),
    Case("infinite-figure", "numbers", edit("value: 48,", "value: .inf,"),
         f"{DOC}:41:43: chapters[0].groups[0].commitments[1].figures[0].value: '.inf' is read by YAML as infinite"),
    Case("float-overflow-1e400", "numbers", edit("values: [25000, 1.4]", "values: [25000, 1.0e+400]"),
         f"{DOC}:50:47: chapters[0].tables[0].rows[0].values[1]: '1.0e+400' is read by YAML as infinite"),
    Case("integer-above-2^53", "numbers", edit("values: [25000, 1.4]", "values: [9007199254740993, 1.4]"),
         f"{DOC}:50:40: chapters[0].tables[0].rows[0].values[0]: 9007199254740993 is too large"),
    # Due dates that do not exist
    Case("due-2023-02-30", "due", edit("due: Q1 2024", 'due: "2023-02-30"'),
         f"{DOC}:34:18: chapters[0].groups[0].commitments[0].due: '2023-02-30' is not a date that exists"),
    Case("due-2023-13", "due", edit("due: Q1 2024", 'due: "2023-13"'),
         f"{DOC}:34:18: chapters[0].groups[0].commitments[0].due: there is no month 13"),
    Case("due-2023-00", "due", edit("due: Q1 2024", 'due: "2023-00"'),
         f"{DOC}:34:18: chapters[0].groups[0].commitments[0].due: there is no month 00"),
    Case("due-year-9999", "due", edit("due: Q1 2024", 'due: "Q1 9999"'),
         f"{DOC}:34:18: chapters[0].groups[0].commitments[0].due: the year is not between 1900 and 2100"),
    # Files that would be skipped silently
    Case("yml-extension", "files", write("data/testdorp/kader.yml", fixture_doc()),
         "data/testdorp/kader.yml: not read: data files end in '.yaml'; rename it to kader.yaml"),
    Case("document-at-top-level", "files", write("data/los.yaml", fixture_doc()),
         "data/los.yaml: not read: a document belongs in data/<municipality>/<slug>.yaml"),
    Case("document-in-subdirectory", "files", write("data/testdorp/oud/prestatieafspraken-2024.yaml", fixture_doc()),
         "data/testdorp/oud: unexpected directory; its files are not read"),
    Case("document-in-other-municipality-dir", "files",
         write("data/elders/prestatieafspraken-2024.yaml", fixture_doc()),
         "data/elders/prestatieafspraken-2024.yaml:1:15: municipality: the file is in data/elders/ but belongs to municipality 'testdorp'"),
    Case("file-name-is-not-the-slug", "files",
         write("data/testdorp/afspraken.yaml", fixture_doc().replace("slug: prestatieafspraken-2024", "slug: afspraken-2024")),
         "data/testdorp/afspraken.yaml:2:7: slug: the file is named afspraken.yaml but its slug is 'afspraken-2024'"),
    Case("unknown-file", "files", write("data/notities.txt", "todo\n"),
         "data/notities.txt: unknown file; data/ holds only YAML data files (.yaml), source texts "
         "(<slug>.source.txt beside <slug>.yaml) and README.md"),
    Case("source-text-without-document", "files",
         write("data/testdorp/prestatieafspraken-2030.source.txt", "Prestatieafspraken 2030\n"),
         "data/testdorp/prestatieafspraken-2030.source.txt: source text without its document: "
         "there is no prestatieafspraken-2030.yaml beside it"),
    Case("source-text-not-utf8", "files",
         write("data/testdorp/prestatieafspraken-2024.source.txt", b"Wonen \xff\n"),
         "data/testdorp/prestatieafspraken-2024.source.txt: not UTF-8 text: byte 0xff"),
    Case("source-text-too-large", "files",
         write("data/testdorp/prestatieafspraken-2024.source.txt", "woning " * 300_000),
         "data/testdorp/prestatieafspraken-2024.source.txt: the source text is larger than 2 MB"),
    Case("hidden-yaml", "files", write("data/testdorp/.concept.yaml", fixture_doc()),
         "data/testdorp/.concept.yaml: not read: hidden files are not read"),
    Case("registry-missing", "files", lambda root: (root / "data/themes.yaml").unlink(),
         "data/themes.yaml: registry file is missing"),
    # Links and special files
    Case("link-out-of-repository", "links", link("data/testdorp/passwd.yaml", "/etc/passwd"),
         "data/testdorp/passwd.yaml: symbolic link that leads outside the repository; not read",
         forbidden="root:"),
    Case("link-to-document-outside", "links",
         both(write("../elders.yaml", fixture_doc()), link("data/testdorp/elders.yaml", "{root}/../elders.yaml")),
         "data/testdorp/elders.yaml: symbolic link that leads outside the repository"),
    Case("registry-link-out-of-repository", "links",
         both(lambda root: (root / "data/themes.yaml").unlink(), link("data/themes.yaml", "/etc/hostname")),
         "data/themes.yaml: symbolic link that leads outside the repository"),
    Case("broken-link", "links", link("data/testdorp/weg.yaml", "bestaat-niet.yaml"),
         "data/testdorp/weg.yaml: broken symbolic link"),
    Case("link-loop", "links", both(link("data/testdorp/a.yaml", "b.yaml"), link("data/testdorp/b.yaml", "a.yaml")),
         "data/testdorp/a.yaml: symbolic link that leads in a circle"),
    Case("link-to-directory", "links", link("data/testdorp/alles.yaml", "{root}/data"),
         "data/testdorp/alles.yaml: symbolic link to a directory; not followed"),
    Case("directory-named-yaml", "links", lambda root: (root / "data/testdorp/map.yaml").mkdir(),
         "data/testdorp/map.yaml: unexpected directory"),
    Case("dev-zero", "links", link("data/testdorp/nul.yaml", "/dev/zero"),
         "data/testdorp/nul.yaml: symbolic link that leads outside the repository"),
    Case("named-pipe", "links", fifo("data/testdorp/pijp.yaml"),
         "data/testdorp/pijp.yaml: not a regular file (a device, pipe or socket); not read"),
    # Identifiers the generator uses itself
    Case("slug-index", "reserved",
         write("data/testdorp/index.yaml", fixture_doc().replace("slug: prestatieafspraken-2024", "slug: index")),
         "data/testdorp/index.yaml:2:7: slug: the slug 'index' is reserved"),
    Case("chapter-id-partijen", "reserved", edit("- id: betaalbaarheid", "- id: partijen"),
         f"{DOC}:16:9: chapters[0].id: the identifier 'partijen' is reserved"),
    Case("table-id-grafiek", "reserved", edit("- id: bijdragen", "- id: grafiek-bijdragen"),
         f"{DOC}:43:13: chapters[0].tables[0].id: the identifier 'grafiek-bijdragen' is reserved"),
    Case("commitment-id-grafiek", "reserved", edit("id: afspraak-1", "id: grafiek-1"),
         f"{DOC}:31:17: chapters[0].groups[0].commitments[0].id: the identifier 'grafiek-1' is reserved"),
    # Messages that must name the right place
    Case("unclosed-quote", "messages", edit("title: Prestatieafspraken 2024\n", 'title: "Prestatieafspraken 2024\n'),
         f"{DOC}:4:8: YAML syntax error: a quoted text starts here"),
    Case("unclosed-quote-at-end", "messages", write(DOC, fixture_doc() + 'note: "open\n'),
         f"{DOC}:53:7: YAML syntax error: a quoted text starts here"),
    Case("non-utf8-byte", "messages", write(DOC, fixture_doc().replace("Testdorp", "Test\udcffdorp", 1).encode("utf-8", "surrogateescape")),
         f"{DOC}:7:47: not UTF-8 text: byte 0xff"),
    Case("nul-character", "messages", edit("Woonborg bouwt", "Woonborg\x00 bouwt"),
         f"{DOC}:38:27: chapters[0].groups[0].commitments[1].text: the character U+0000 NULL "
         f"(a control character) is not allowed"),
    Case("duplicate-registry-id", "messages",
         edit("  - {id: ah-woon", "  - {id: woonborg", file="data/organisations.yaml"),
         "data/organisations.yaml:4:10: organisations[2].id: duplicate id 'woonborg' (already used by organisations[1], line 3)"),
    Case("empty-file", "messages", write(DOC, ""), f"{DOC}:1:1: the file is empty"),
    Case("two-documents-in-one-file", "messages", write(DOC, fixture_doc() + "---\n" + fixture_doc()),
         f"{DOC}:53:1: YAML syntax error: but found another document"),
    Case("list-as-key", "messages", edit("title: Prestatieafspraken 2024\n", "title: Prestatieafspraken 2024\n? [a]\n: b\n"),
         f"{DOC}:5:3: a key must be plain text, not a list or mapping"),
    Case("capitalised-key", "messages", edit("title: Prestatieafspraken 2024\n", "Title: Prestatieafspraken 2024\n"),
         f"{DOC}:4:8: Title: unknown field 'Title' (did you mean 'title'?)"),
    Case("merge-key", "messages", edit("title: Prestatieafspraken 2024\n", "<<: {kind: yearly}\ntitle: Prestatieafspraken 2024\n"),
         f"{DOC}:4:1: <<: merge keys ('<<') are not supported", forbidden="None"),
    # Control and invisible characters, written or as YAML escapes, in any text field
    Case("delete-escape-in-municipality-name", "characters",
         edit("name: Testdorp}", r'name: "Tyn\x7faarlo"}', file="data/municipalities.yaml"),
         "data/municipalities.yaml:2:44: municipalities[0].name: the character U+007F DELETE "
         "(a control character), written as an escape, is not allowed"),
    Case("c1-escape-in-document-title", "characters",
         edit("title: Prestatieafspraken 2024\n", r'title: "Prestatieafspraken\x9b 2024"' + "\n"),
         f"{DOC}:4:8: title: the character U+009B C1 CONTROL (a control character)"),
    Case("noncharacter-in-comparison-name", "characters",
         write("data/comparisons.yaml", 'comparisons:\n  - {id: voorraad, name: "Sociale\\uFFFEvoorraad", '
                                        "description: Woningen.}\n"),
         "data/comparisons.yaml:2:26: comparisons[0].name: the character U+FFFE NONCHARACTER"),
    Case("escape-escape-in-place", "characters", edit("place: Testdorp", r'place: "Test\e[31mdorp"'),
         f"{DOC}:12:10: signing.place: the character U+001B ESCAPE (a control character), written as an escape"),
    Case("right-to-left-override", "characters",
         edit("title: Prestatieafspraken 2024\n", "title: Prestatieafspraken \u202e3202\u202c\n"),
         f"{DOC}:4:27: title: the character U+202E RIGHT-TO-LEFT OVERRIDE (a bidirectional control"),
    Case("zero-width-title", "characters", edit("title: Prestatieafspraken 2024\n", r'title: "\u200b"' + "\n"),
         f"{DOC}:4:8: title: the character U+200B ZERO WIDTH SPACE (an invisible character)"),
    # libyaml counts U+2028 as a line break; the second one is still on the editor's line 12.
    Case("line-separator-written", "characters",
         both(edit("title: Prestatieafspraken 2024\n", "title: Prestatie\u2028afspraken 2024\n"),
              edit("place: Testdorp", "place: Test\u2028dorp")),
         f"{DOC}:12:14: signing.place: the character U+2028 LINE SEPARATOR"),
    Case("title-of-spaces", "characters", edit("title: Prestatieafspraken 2024\n", 'title: "   "\n'),
         f"{DOC}:4:8: title: the text is empty or only spaces"),
    Case("line-break-in-name", "characters",
         edit("name: Woonborg,", r'name: "Woon\nborg",', file="data/organisations.yaml"),
         "data/organisations.yaml:3:50: organisations[1].name: 'Woon\\nborg' holds a line break; this "
         "field is one line of text"),
    # What the build would refuse, `check` refuses first
    Case("source-url-not-linkable", "check-before-build",
         edit("  publisher: Gemeente Testdorp\n", "  publisher: Gemeente Testdorp\n  url: https://x hidden inert\n"),
         f"{DOC}:9:8: source.url: 'https://x hidden inert' does not have the expected form: a web address"),
    Case("redirect-into-previews", "check-before-build",
         write("data/redirects.yaml", "redirects:\n  - {from: afspraak/testdorp/, to: gemeenten/}\n"),
         "data/redirects.yaml:2:12: redirects[0].from: 'afspraak/testdorp/' lies in afspraak/"),
    # Dates: a number or quoted text is no date
    Case("signing-date-unix-time", "dates", edit("date: 2023-12-07", "date: 1669852800"),
         f"{DOC}:11:9: signing.date: expected a date written YYYY-MM-DD (e.g. 2023-12-31), got 1669852800"),
    Case("merger-date-unix-time", "dates",
         edit("date: 2023-07-01, event", "date: 1700000000, event", file="data/organisations.yaml"),
         "data/organisations.yaml:3:128: organisations[1].predecessors[0].date: expected a date written YYYY-MM-DD"),
    Case("quoted-date", "dates", edit("date: 2023-12-07", 'date: "2023-12-07"'),
         f"{DOC}:11:9: signing.date: expected a date, got '2023-12-07'; write the date without quotes"),
    # Field limits: a megabyte title would make the build slow and the site huge
    Case("title-over-300", "limits", edit("title: Prestatieafspraken 2024\n", f"title: {'x' * 301}\n"),
         f"{DOC}:4:8: title: the text is 301 characters long; this field allows at most 300"),
    Case("note-over-5000", "limits", edit("note: slecht leesbaar}", f"note: {'x' * 5001}}}"),
         f"{DOC}:51:83: chapters[0].tables[0].rows[1].values[1].note: the text is 5,001 characters long; "
         f"this field allows at most 5,000"),
    Case("text-of-half-a-megabyte", "limits",
         edit("text: Woonborg bouwt 48 woningen.", f"text: {'x' * 500_000}"),
         f"{DOC}:38:19: chapters[0].groups[0].commitments[1].text: the text is 500,000 characters long; "
         f"no field allows more than 20,000"),
    Case("id-over-100", "limits", edit("id: afspraak-1\n", f"id: afspraak-{'1' * 100}\n"),
         f"{DOC}:31:17: chapters[0].groups[0].commitments[0].id: the text is 109 characters long; "
         f"this field allows at most 100"),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("template"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_is_reported_and_changes_nothing(case: Case, template: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(template, root, symlinks=True)
    case.setup(root)
    site_before = digest(root / "site")
    # Both at once: a build only reads data/ until it has passed the checks.
    check, build = (finish(p) for p in [start(root, "check"), start(root, "build")])
    for result in (check, build):
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "Traceback" not in output
        assert case.expected in output, output
        assert case.forbidden not in output
        # File and line (file only where the problem is the file itself).
        assert re.search(r"^data/[^:\s]+(:\d+:\d+)?: ", result.stderr, re.MULTILINE), output
    assert build.stderr == check.stderr  # check rejects exactly what build rejects
    assert digest(root / "site") == site_before
    assert not (root / ".site-building").exists()


def test_every_issue_class_has_a_case() -> None:
    kinds = {c.kind for c in CASES}
    assert kinds == {"yaml-limits", "yaml-1.1", "numbers", "due", "files", "links", "reserved",
                     "messages", "characters", "check-before-build", "dates", "limits"}
    assert len({c.id for c in CASES}) == len(CASES)


def test_new_with_an_impossible_year_leaves_no_file(template: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(template, root, symlinks=True)
    before = digest(root / "data")
    result = run(root, "new", "--municipality", "testdorp", "--year", "99999")
    assert result.returncode == 1
    assert result.stderr == "error: --year 99999 is not a year between 1900 and 2100\n"
    assert digest(root / "data") == before


def test_the_templates_use_no_anchor_that_is_not_reserved() -> None:
    """Fixed anchors printed by the templates and chart ids are in urls.py's lists."""
    templates = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "generator/templates").glob("*.j2"))
    document = "".join((ROOT / "generator/templates" / name).read_text(encoding="utf-8")
                       for name in ("document.html.j2", "_macros.html.j2", "_history.html.j2"))
    fixed = set(re.findall(r' id="([a-z0-9-]+)"', document))
    assert fixed and fixed <= set(urls.RESERVED_ANCHORS)
    written = re.findall(r'"([a-z0-9-]+)" \| attrs', templates) + re.findall(r'<h[1-6] id="([a-z0-9-]+)"', templates)
    assert set(written) - fixed <= {
        "gemeenten", *urls.OVERVIEW_ANCHORS}  # home and open-data pages only
    charts = (ROOT / "generator/charts.py").read_text(encoding="utf-8")
    assert set(re.findall(r'f"([a-z]+-)\{', charts)) == {urls.CHART_ID_PREFIX}


def _load_hook() -> object:
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_hook", ROOT / "hooks/generate.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    return hook


def test_serve_keeps_the_last_good_site_and_shows_the_error_escaped(template: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook fails a plain builder run on bad data and leaves the last good tree;
    `serve` (hooks/serve.py, tests/test_serve.py) keeps serving that tree and hands
    the hook the problem, which it shows over every page, escaped."""
    from properdocs.exceptions import PluginError  # the builder the hook reports to

    from generator.errors import DataError
    from generator.pipeline import SERVE_ENV, Settings, generate

    root = tmp_path / "project"
    shutil.copytree(template, root, symlinks=True)
    generate(Settings(root))  # the last good tree
    nav = (root / "build/nav.json").read_bytes()
    edit("values: [25000, 1.4]", "values: [<b>.nan</b>, 1.4]")(root)
    hook: Any = _load_hook()
    monkeypatch.setattr(hook, "SETTINGS", Settings(root))
    monkeypatch.delenv("PRESTATIEAFSPRAKEN_PREGENERATED", raising=False)
    monkeypatch.delenv(SERVE_ENV, raising=False)
    with pytest.raises(PluginError, match="values"):  # a plain `mkdocs build` still fails
        hook.on_config({})
    assert (root / "build/nav.json").read_bytes() == nav
    with pytest.raises(DataError) as problem:  # what serve's session is told
        generate(Settings(root))
    hook.DATA_ERROR[:] = [str(problem.value)]
    page = hook.on_post_page("<html><body><p>pagina</p></body></html>", None, {})
    assert page.startswith("<html><body><p>pagina</p><div id=\"data-error\" role=\"alert\"")
    assert "&lt;b&gt;" in page and "<b>" not in page  # the message is escaped
    assert f"{DOC}:50:" in page
    hook.DATA_ERROR.clear()
    assert hook.on_post_page("<body></body>", None, {}) == "<body></body>"


def test_a_cache_that_cannot_be_written_does_not_stop_check_or_build(template: Path,
                                                                     tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(template, root, symlinks=True)
    (root / "build").mkdir(exist_ok=True)
    shutil.rmtree(root / "build/cache", ignore_errors=True)
    (root / "build/cache").write_text("a file where the cache belongs\n", encoding="utf-8")
    for command in ("check", "build"):
        result = run(root, command)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.count("cannot be written") == 1, result.stderr
    assert (root / "site/gemeenten/testdorp/index.html").is_file()


def test_serve_refuses_a_taken_port_or_one_out_of_range_in_one_line(template: Path,
                                                                    tmp_path: Path) -> None:
    import socket

    root = tmp_path / "project"
    shutil.copytree(template, root, symlinks=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for addr, message in ((f"127.0.0.1:{port}", f"error: cannot serve on 127.0.0.1:{port}: "
                                                    "the port is in use"),
                              ("127.0.0.1:99999", "error: --addr 127.0.0.1:99999: give a host and "
                                                  "a port from 1 to 65535")):
            result = run(root, "serve", "--addr", addr)
            assert result.returncode == 1
            assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr


def test_a_full_disk_names_the_file_and_leaves_no_half_written_file(
        template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """write() on a full disk raises ENOSPC without a file name; the message names it."""
    import errno

    from generator.errors import GeneratorError
    from generator.pipeline import Settings, generate

    root = tmp_path / "project"
    shutil.copytree(template, root, symlinks=True)
    real = Path.write_bytes

    def full(path: Path, data: bytes) -> int:
        if path.name.startswith("index.md"):
            real(path, data[:10])  # a part was written when the disk ran full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(GeneratorError, match=r"cannot write .*/build/docs/.*index\.md: No space "
                                             r"left on device"):
        generate(Settings(root))
    assert not list((root / "build/docs").rglob("*.tmp"))


def test_the_builder_on_a_full_disk_gives_its_last_line_not_its_traceback() -> None:
    from generator.pipeline import builder_failure

    output = ("INFO    -  Building documentation...\nTraceback (most recent call last):\n"
              '  File "x.py", line 1, in <module>\n'
              "OSError: [Errno 28] No space left on device: 'docs/a.js' -> 'site/a.js'\n")
    assert builder_failure(output) == " [Errno 28] No space left on device: 'docs/a.js' -> 'site/a.js'"
    assert builder_failure("ERROR   -  a page is missing\n") == "\nERROR   -  a page is missing\n"


def test_generate_says_it_waits_for_another_build(template: Path, tmp_path: Path) -> None:
    import fcntl
    import select

    root = tmp_path / "project"
    shutil.copytree(template, root, symlinks=True)
    (root / "build").mkdir(exist_ok=True)
    with (root / "build/.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write("4242\n")
        lock.flush()
        process = start(root, "generate")
        assert process.stderr is not None
        ready, _, _ = select.select([process.stderr], [], [], TIME_LIMIT)
        assert ready, "generate waited without saying so"
        line = process.stderr.readline()  # printed before it waits
        assert line.startswith("waiting for another build in this checkout to finish (process "
                               "4242 holds "), line
        fcntl.flock(lock, fcntl.LOCK_UN)
    result = finish(process)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("generated ")
