# Reads YAML files into plain Python data plus a map from field path to the line
# and column it came from, so later stages can name the place of a problem.
# Parsing uses libyaml (CSafeLoader, about 10x faster than pure Python). A file is
# first read in one pass over libyaml's events that builds the values and applies
# every limit and scalar rule below, without positions (fast_load); any file that
# pass is unsure of (an alias, a tag, a limit reached, a scalar YAML 1.1 reads as
# something other than text, a plain number or date, true/false or null, a duplicate
# key, a syntax error) is read again the careful way, from the node tree, where
# every value keeps its position and every problem is reported. Positions of a file
# read the fast way are computed the careful way only when a problem needs a place.
# Input is hostile until checked, in this order: which files (list_data_files:
# every file under data/ is read or reported, links stay inside the repository),
# bytes (size, UTF-8, characters YAML forbids), events (no tags; nesting and
# alias expansion bounded: libyaml's composer recurses in C and crashes on deep
# input, and aliases of aliases grow exponentially), and scalars (YAML 1.1
# readings such as 1:30 -> 90 or 0100 -> 64 are refused, never silently taken).
from __future__ import annotations

import datetime
import hashlib
import math
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import published
from .errors import Diagnostic

PathKey = tuple[str | int, ...]

BOM = "\ufeff".encode()
MAX_BYTES = 1_000_000  # per data file; the largest today is 44 kB
MAX_DEPTH = 40  # nesting of mappings and lists; the deepest file today has 11
MAX_VALUES = 200_000  # scalars, lists and mappings, aliases expanded; the largest today ~5,000
MAX_INT = 2**53  # larger integers do not survive JSON (the downloads, the charts)
REGISTRY_FILES = ("organisations.yaml", "themes.yaml", "municipalities.yaml",
                  "redirects.yaml",  # optional (redirects.py)
                  "comparisons.yaml")  # optional (comparisons.py)
NOTES_FILE = "README.md"  # notes for maintainers, anywhere under data/; not read
# The text of a document's signed PDF, beside its data: data/<municipality>/<slug>.source.txt
# (sourcetext.py checks the data against it).
SOURCE_TEXT_SUFFIX = ".source.txt"


class Source:
    """One loaded YAML file: its data and where each field path starts.

    `positions` and `raw` (the text as written of plain scalars that YAML read as
    something other than text, for hints such as "put it in quotes") are filled
    while loading the careful way, or computed from `text` when first asked for."""

    def __init__(self, path: str, data: Any, text: str | None = None,
                 digest: bytes | None = None) -> None:
        self.path = path  # as shown in messages, relative to the project root
        self.data = data
        # The text's hash (text_digest, given when known): what a build compares to tell
        # which files changed since the last one (rendercache.py); set by the careful
        # reading, which keeps no text.
        self.digest = digest or (text_digest(text) if text is not None else b"")
        self._text = text  # kept only until the positions are computed
        self._positions: dict[PathKey, tuple[int, int]] | None = None if text else {}
        self._raw: dict[PathKey, str] | None = None if text else {}
        # (field path, id, "organisation" or "theme") for every reference in the
        # data, when known (from the cache); see validate.references.
        self.refs: list[tuple[PathKey, str, str]] | None = None

    @property
    def fast(self) -> bool:
        """Read the fast way (its positions not computed yet)."""
        return self._text is not None

    @property
    def positions(self) -> dict[PathKey, tuple[int, int]]:
        if self._positions is None:
            self._locate()
        assert self._positions is not None
        return self._positions

    @property
    def raw(self) -> dict[PathKey, str]:
        if self._raw is None:
            self._locate()
        assert self._raw is not None
        return self._raw

    def _locate(self) -> None:
        """Positions of a file read the fast way: the careful reading of the same
        text (it found nothing to refuse, so this gives the same data)."""
        self._positions, self._raw = {}, {}
        if self._text is not None:
            careful = _careful_load(self._text, self.path)[0]
            if careful is not None:
                self._positions, self._raw = careful.positions, careful.raw
        self._text = None

    def place(self, loc: PathKey) -> tuple[int, int]:
        """Line and column of the nearest known ancestor of `loc`."""
        loc = tuple(loc)
        while loc:
            if loc in self.positions:
                return self.positions[loc]
            loc = loc[:-1]
        return self.positions.get((), (1, 1))


def format_path(loc: PathKey) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# --- which files ----------------------------------------------------------------

@dataclass
class DataFiles:
    registries: dict[str, Path]  # file name -> path, for the registry files present
    documents: list[Path]  # data/<municipality>/<slug>.yaml, sorted
    problems: list[Diagnostic]
    # data/<municipality>/<slug>.yaml -> data/<municipality>/<slug>.source.txt, for the
    # documents that have a source text
    source_texts: dict[Path, Path] = field(default_factory=dict)


def list_data_files(data_dir: Path, root: Path) -> DataFiles:
    """Every entry under data_dir: registries, documents, or a reported problem.

    The layout is data/<registry>.yaml and data/<municipality>/<slug>.yaml, with the
    document's source text, if any, beside it as <slug>.source.txt. README.md files are
    notes, and hidden files that are not YAML (editor swap files) are skipped; anything
    else is reported, so no file is ever silently left out.
    """
    found = DataFiles({}, [], [])
    root = root.resolve()

    def shown(path: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return path.as_posix()

    def report(path: Path, message: str) -> None:
        found.problems.append(Diagnostic(shown(path), 0, 0, "", message))

    def kind(path: Path) -> str | None:
        """'file' or 'dir' for an entry that may be read, else None (reported)."""
        try:
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError) as exc:
                    loop = isinstance(exc, RuntimeError) or getattr(exc, "errno", 0) == 40
                    report(path, "symbolic link that leads in a circle (a loop); not read" if loop
                           else "broken symbolic link (its target does not exist); not read")
                    return None
                if target != root and root not in target.parents:
                    report(path, "symbolic link that leads outside the repository; not read "
                                 "(copy the file into data/ instead)")
                    return None
                if target.is_dir():
                    report(path, "symbolic link to a directory; not followed (data/ holds "
                                 "real directories only)")
                    return None
            mode = path.stat().st_mode
        except OSError as exc:
            report(path, f"cannot be read: {exc.strerror}")
            return None
        if stat.S_ISDIR(mode):
            return "dir"
        if stat.S_ISREG(mode):
            return "file"
        report(path, "not a regular file (a device, pipe or socket); not read")
        return None

    def entries(directory: Path) -> list[Path]:
        try:
            return sorted(directory.iterdir())
        except OSError as exc:
            report(directory, f"cannot be read: {exc.strerror}")
            return []

    def other(path: Path, what: str) -> None:
        name = path.name
        if name.endswith(".yml"):
            report(path, f"not read: data files end in '.yaml'; rename it to {name[:-4]}.yaml")
        elif name.endswith(".yaml"):
            report(path, f"not read: {what}")
        elif name.endswith(SOURCE_TEXT_SUFFIX) and not name.startswith("."):
            report(path, "not read: a source text belongs beside its document, in "
                         "data/<municipality>/<slug>.source.txt")
        elif name != NOTES_FILE and not name.startswith("."):
            report(path, "unknown file; data/ holds only YAML data files (.yaml), source texts "
                         "(<slug>.source.txt beside <slug>.yaml) and README.md (see data/README.md)")

    for entry in entries(data_dir):
        what = kind(entry)
        if what is None:
            continue
        if what == "file":
            if entry.name in REGISTRY_FILES:
                found.registries[entry.name] = entry
            elif entry.name == published.FILE_NAME:
                pass  # the URLs the site has published (published.py); not data
            else:
                other(entry, "a document belongs in data/<municipality>/<slug>.yaml, the "
                             "directory named after its municipality's id")
            continue
        if entry.name.startswith(".") or entry.name.endswith((".yaml", ".yml")):
            report(entry, "unexpected directory; data/ holds one directory per municipality, "
                          "named after its id")
            continue
        texts: list[Path] = []
        for inner in entries(entry):
            inner_kind = kind(inner)
            if inner_kind == "dir":
                report(inner, "unexpected directory; its files are not read (documents are "
                              "data/<municipality>/<slug>.yaml, with no directories below)")
            elif inner_kind == "file":
                if inner.name.startswith("."):
                    other(inner, "hidden files are not read; remove the leading '.'")
                elif inner.name.endswith(".yaml"):
                    found.documents.append(inner)
                elif inner.name.endswith(SOURCE_TEXT_SUFFIX):
                    texts.append(inner)
                else:
                    other(inner, "")
        for text in texts:
            document = text.with_name(text.name[: -len(SOURCE_TEXT_SUFFIX)] + ".yaml")
            if document in found.documents:
                found.source_texts[document] = text
            else:
                report(text, f"source text without its document: there is no {document.name} "
                             f"beside it; name it after the document's file "
                             f"(<slug>{SOURCE_TEXT_SUFFIX}) or remove it")
    return found


# --- reading one file -----------------------------------------------------------

# Characters no string in data/ may hold, written or escaped (a double-quoted
# "\u202e"): control characters (tab and line break aside, and carriage return in
# the file itself: which fields may hold several lines is the model's rule),
# noncharacters, and invisible characters that change how a text reads: a
# bidirectional control shows "Prestatieafspraken 3202" as "...2023", a zero-width
# character makes an empty-looking title, and U+2028/U+2029 are line breaks to YAML
# (libyaml counts lines by them) but not to editors, so every line number after one
# would be wrong. YAML itself forbids only some of them in a file.
_INVISIBLE_BMP = ("\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f"
                  "\ud800-\udfff\ufdd0-\ufdef\ufeff\ufffe\uffff")
_INVISIBLE = _INVISIBLE_BMP + "".join(f"{chr(plane * 0x10000 + 0xfffe)}{chr(plane * 0x10000 + 0xffff)}"
                                      for plane in range(1, 17))
_FORBIDDEN = re.compile(f"[\x00-\x08{_INVISIBLE}]")  # in the file's text
# The same without the characters beyond U+FFFF: 10x faster to search (a national
# `check` reads 100 MB), and enough for a file with none of them (no UTF-8 byte F0-F4).
_FORBIDDEN_BMP = re.compile(f"[\x00-\x08{_INVISIBLE_BMP}]")
_ASTRAL_LEAD_BYTES = (b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4")
_FORBIDDEN_IN_VALUE = re.compile(f"[\x00-\x08\r{_INVISIBLE}]")  # in a value, after escapes
MAX_FORBIDDEN = 20  # characters reported per file; more would bury the other files
MAX_STRING = 20_000  # characters in any string: the longest text a field allows (model.py)

_C0_NAMES = ("NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION",
             "ENQUIRY", "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED",
             "LINE TABULATION", "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN",
             "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO",
             "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE",
             "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM",
             "SUBSTITUTE", "ESCAPE", "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE",
             "INFORMATION SEPARATOR TWO", "INFORMATION SEPARATOR ONE")


def forbidden_character(value: str) -> str | None:
    """The first character a data file may not hold in `value`, described, or None."""
    found = _FORBIDDEN_IN_VALUE.search(value)
    return describe_character(found.group()) if found else None


def describe_character(char: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE (a bidirectional control)': the code point, the
    Unicode name and what kind of character it is, for a maintainer who cannot see it."""
    code = ord(char)
    name = unicodedata.name(char, "")
    if code < 0x20:
        name, kind = _C0_NAMES[code], "a control character"
    elif code == 0x7f:
        name, kind = "DELETE", "a control character"
    elif code <= 0x9f:
        name, kind = ("NEXT LINE" if code == 0x85 else "C1 CONTROL"), "a control character"
    elif code in (0x2028, 0x2029):
        kind = "a line break to YAML, but not to editors and browsers"
    elif 0x202a <= code <= 0x202e or 0x2066 <= code <= 0x2069 or code in (0x200e, 0x200f, 0x61c):
        kind = "a bidirectional control: it changes the order in which text is shown"
    elif 0xd800 <= code <= 0xdfff:
        name, kind = "SURROGATE", "half of a UTF-16 pair, not a character"
    elif 0xfdd0 <= code <= 0xfdef or code & 0xfffe == 0xfffe:
        name, kind = "NONCHARACTER", "not a character for text"
    elif not name:
        name, kind = "UNASSIGNED", "an invisible character"
    else:
        kind = "an invisible character"
    return f"U+{code:04X} {name} ({kind})"


def _line_col(text: str, index: int) -> tuple[int, int]:
    """Line and column as an editor counts them: lines end at '\n' only."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def read_text(path: Path, shown_as: str) -> tuple[str | None, list[Diagnostic]]:
    """The file's text, or the problems that stop it from being YAML we read."""
    data, problems = read_bytes(path, shown_as)
    return (None, problems) if data is None else decode_text(data, shown_as)


def read_bytes(path: Path, shown_as: str) -> tuple[bytes | None, list[Diagnostic]]:
    """The file's bytes, or the problem that stops them from being read."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, [Diagnostic(shown_as, 0, 0, "", f"cannot be read: {exc.strerror}")]
    if len(data) > MAX_BYTES:
        return None, [Diagnostic(shown_as, 0, 0, "", f"the file is larger than "
                                 f"{MAX_BYTES // 1_000_000} MB, the limit for a data file; "
                                 f"split the document")]
    return data, []


def decode_text(data: bytes, shown_as: str) -> tuple[str | None, list[Diagnostic]]:
    """A file's bytes as text, or the problems that stop it from being YAML we read."""
    def problem(line: int, col: int, message: str) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(shown_as, line, col, "", message)]

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8")
        line, col = _line_col(good, len(good))
        return problem(line, col, f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be read "
                                  f"here; save the file as UTF-8")
    text = text.removeprefix("\ufeff")
    if _FORBIDDEN_BMP.search(text) or (any(lead in data for lead in _ASTRAL_LEAD_BYTES)
                                       and _FORBIDDEN.search(text)):
        return None, _forbidden_characters(text, shown_as)
    return text, []


def _forbidden_characters(text: str, shown_as: str) -> list[Diagnostic]:
    """Every forbidden character written in the file, at its line and column as an
    editor shows them and with the field it stands in. The field comes from the
    file's node tree with each such character replaced by a harmless one, so that
    libyaml neither refuses the file nor counts U+2028 as a line break."""
    found = list(_FORBIDDEN.finditer(text))
    cleaned = _FORBIDDEN.sub("\ue000", text)
    fields = _fields_at(cleaned, [match.start() for match in found[:MAX_FORBIDDEN]])
    problems = []
    for match, where in zip(found, fields, strict=False):
        line, col = _line_col(text, match.start())
        problems.append(Diagnostic(shown_as, line, col, where,
                                   f"the character {describe_character(match.group())} is not "
                                   f"allowed in data files; remove it"))
    if len(found) > MAX_FORBIDDEN:
        problems.append(Diagnostic(shown_as, 0, 0, "", f"{len(found) - MAX_FORBIDDEN} more "
                                   f"characters that are not allowed, not listed"))
    return problems


def _fields_at(text: str, indexes: list[int]) -> list[str]:
    """The field path of the value (or key) at each character index, '' where the
    text is not YAML that libyaml can read into a tree."""
    if check_events(text, ""):
        return [""] * len(indexes)
    loader = yaml.CSafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError:
        return [""] * len(indexes)
    finally:
        loader.dispose()

    def find(node: yaml.Node, index: int, loc: PathKey) -> PathKey:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                if key.start_mark.index <= index < key.end_mark.index:
                    return (*loc, name)
                if value.start_mark.index <= index < value.end_mark.index:
                    return find(value, index, (*loc, name))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                if item.start_mark.index <= index < item.end_mark.index:
                    return find(item, index, (*loc, i))
        return loc

    return [format_path(find(root, index, ())) if root is not None else "" for index in indexes]


def text_digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def bytes_digest(data: bytes) -> bytes:
    """text_digest of the text that decode_text makes of `data`, without making it:
    UTF-8 text encodes back to the bytes it was decoded from, less the BOM."""
    return hashlib.sha256(data.removeprefix(BOM)).digest()


def load_source(path: Path, shown_as: str) -> tuple[Source | None, list[Diagnostic]]:
    """Parse one file; on failure return no source and the problems found."""
    text, problems = read_text(path, shown_as)
    if text is None:
        return None, problems
    return load_text(text, shown_as)


def load_text(text: str, shown_as: str) -> tuple[Source | None, list[Diagnostic]]:
    """Parse the text of one file: the fast way if it can, else the careful way."""
    data = fast_load(text)
    if data is not _UNSURE:
        return Source(shown_as, data, text), []
    return _careful_load(text, shown_as)


def _careful_load(text: str, shown_as: str) -> tuple[Source | None, list[Diagnostic]]:
    """Every check, with the position of every value and of every problem."""
    problems = check_events(text, shown_as)
    if problems:
        return None, problems
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, [syntax_error(exc, text, shown_as)]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(shown_as, 0, 0, "", f"YAML error: {exc}")]
    finally:
        loader.dispose()
    source = Source(shown_as, None)
    source.digest = text_digest(text)
    if node is None:
        problems.append(Diagnostic(shown_as, 1, 1, "", "the file is empty"))
        return None, problems
    source.data = _build(node, (), source, loader, problems)
    return source, problems


def check_events(text: str, shown_as: str) -> list[Diagnostic]:
    """Check the event stream before libyaml builds a tree of it: bounded nesting
    (libyaml's composer recurses in C and crashes on deep input), no explicit tags,
    and aliases within limits: an alias repeats its anchor's whole value, so a few
    hundred bytes of aliases of aliases (an "alias bomb") would expand to
    gigabytes, and an alias inside its own anchor would never end. Sizes and
    depths are counted as the data would be after expansion."""
    problems: list[Diagnostic] = []

    def report(event: Any, message: str) -> None:
        mark = event.start_mark
        problems.append(Diagnostic(shown_as, mark.line + 1, mark.column + 1, "", message))

    loader = yaml.CSafeLoader(text)
    depth = 0  # as expanded
    total = 0  # values, as expanded
    open_: list[tuple[str | None, int, int]] = []  # (anchor, total at start, depth at start)
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values, depth) of its value
    deepest: list[int] = [0]  # deepest expanded depth inside each open collection
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                name = event.anchor or ""
                if any(anchor == name for anchor, _, _ in open_):
                    report(event, f"alias '*{name}' is used inside its own anchor; the value "
                                  f"would never end")
                    break
                size, inner = anchors.get(name, (1, 0))
                total += size
                deepest[-1] = max(deepest[-1], depth + inner)
            elif isinstance(event, yaml.ScalarEvent):
                total += 1
                if event.anchor:
                    anchors[event.anchor] = (1, 0)
            elif isinstance(event, yaml.CollectionStartEvent):
                total += 1
                open_.append((event.anchor, total, depth))
                depth += 1
                deepest.append(depth)
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, start, outer = open_.pop()
                inner_depth = deepest.pop()
                deepest[-1] = max(deepest[-1], inner_depth)
                depth -= 1
                if anchor:
                    anchors[anchor] = (total - start + 1, inner_depth - outer)
            tag = getattr(event, "tag", None)
            if isinstance(event, yaml.NodeEvent) and tag not in (None, "!"):
                report(event, f"explicit YAML tag '{tag}': data files do not use tags; write "
                              f"the plain value (quoted if it is text)")
            if max(deepest[-1], depth) > MAX_DEPTH:
                report(event, f"nested more than {MAX_DEPTH} levels deep (aliases included); "
                              f"data files need far fewer (is a bracket not closed?)")
                break
            if total > MAX_VALUES:
                report(event, f"the file holds more than {MAX_VALUES:,} values once its aliases "
                              f"are expanded; use fewer aliases (an alias repeats its anchor's "
                              f"whole value)")
                break
            if len(problems) >= 20:
                break
    except yaml.MarkedYAMLError as exc:
        problems.append(syntax_error(exc, text, shown_as))
    except yaml.YAMLError as exc:
        problems.append(Diagnostic(shown_as, 0, 0, "", f"YAML error: {exc}"))
    finally:
        loader.dispose()
    return problems


def syntax_error(exc: yaml.MarkedYAMLError, text: str, shown_as: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    problem = exc.problem or "invalid YAML"
    context = f" ({exc.context})" if exc.context else ""
    message = f"YAML syntax error: {problem}{context}"
    opened = _open_quote(text, line)
    if opened and opened[0] < line:
        # libyaml notices a missing closing quote only where the text stops making
        # sense, often far below; point at the quote that was probably not closed.
        message = (f"YAML syntax error: a quoted text starts here and runs on to line {line}, "
                   f"where the YAML stops making sense ({problem}): is its closing quote missing?")
        line, col = opened
    return Diagnostic(shown_as, line, col, "", message)


def _open_quote(text: str, error_line: int) -> tuple[int, int] | None:
    """Start of the last quoted scalar before error_line that spans several lines."""
    loader = yaml.CSafeLoader(text)
    found = None
    try:
        while loader.check_token():
            token = loader.get_token()
            if token is None or token.start_mark.line + 1 > error_line:
                break
            if (isinstance(token, yaml.ScalarToken) and token.style in ("'", '"')
                    and token.start_mark.line + 1 < token.end_mark.line + 1 == error_line):
                found = (token.start_mark.line + 1, token.start_mark.column + 1)
    except yaml.YAMLError as exc:
        context = getattr(exc, "context", None) or ""
        mark = getattr(exc, "context_mark", None)
        if "quoted scalar" in context and mark is not None:
            found = (mark.line + 1, mark.column + 1)
    finally:
        loader.dispose()
    return found


# --- building values --------------------------------------------------------------

def _build(node: yaml.Node, loc: PathKey, source: Source, loader: yaml.CSafeLoader,
           problems: list[Diagnostic]) -> Any:
    source.positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                problems.append(Diagnostic(source.path, line, col, format_path((*loc, "<<")),
                                           "merge keys ('<<') are not supported; write the "
                                           "fields out (an alias '*name' can repeat a whole "
                                           "value, not merge mappings)"))
                continue
            key = _scalar(key_node, loc, source, loader, problems)
            if key is None and not isinstance(key_node, yaml.ScalarNode):
                continue  # reported: a key must be text
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                problems.append(Diagnostic(source.path, line, col, format_path((*loc, key)),
                                           f"duplicate key '{key}' in the same mapping"))
                continue
            result[key] = _build(value_node, (*loc, key), source, loader, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*loc, i), source, loader, problems)
                for i, item in enumerate(node.value)]
    return _scalar(node, loc, source, loader, problems)


_PLAIN_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_PLAIN_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_PLAIN_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_PLAIN_BOOL = ("true", "false")
_MERGE_TAG = "tag:yaml.org,2002:merge"  # a plain '<<' key


def _scalar(node: yaml.Node, loc: PathKey, source: Source, loader: yaml.CSafeLoader,
            problems: list[Diagnostic]) -> Any:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1

    def refuse(message: str) -> None:
        problems.append(Diagnostic(source.path, line, col, format_path(loc), message))

    if not isinstance(node, yaml.ScalarNode):
        refuse("a key must be plain text, not a list or mapping")
        return None
    try:
        value = loader.construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.constructor.ConstructorError) as exc:
        if node.tag.endswith(":timestamp"):
            refuse(f"'{node.value}' is not a date that exists ({exc})")
        else:
            refuse(f"cannot read value '{node.value}': {exc}")
        return None
    if isinstance(value, str):
        if node.style == '"':  # the only style with escapes: the file's text was checked
            for match in list(_FORBIDDEN_IN_VALUE.finditer(value))[:MAX_FORBIDDEN]:
                refuse(f"the character {describe_character(match.group())}, written as an "
                       f"escape, is not allowed in data files; remove it")
        if len(value) > MAX_STRING:
            refuse(f"the text is {len(value):,} characters long; no field allows more than "
                   f"{MAX_STRING:,}")
            return None
    if node.style or isinstance(value, str) or value is None:
        return value  # quoted text, or plain text YAML read as text
    problem = _reinterpreted(node.value, value)
    if problem:
        refuse(problem)
        return None
    source.raw[loc] = node.value
    return value


def _reinterpreted(text: str, value: Any) -> str | None:
    """Why a plain scalar's YAML 1.1 reading may not be what was meant, if it may not."""
    quote = f"; if it is text, put it in quotes: \"{text}\""
    if isinstance(value, bool):
        if text in _PLAIN_BOOL:
            return None
        return f"'{text}' is read by YAML as {str(value).lower()}; write true or false{quote}"
    if isinstance(value, int):
        if not _PLAIN_INT.match(text):
            return (f"'{text}' is read by YAML as the number {value} (YAML 1.1 reads leading "
                    f"zeros, ':', '_', 0x and 0b specially); write the number as plain digits{quote}")
        if abs(value) > MAX_INT:
            return (f"{text} is too large: whole numbers must lie between -2^53 and 2^53 "
                    f"({MAX_INT}) to be published exactly{quote}")
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            what = "not a number" if math.isnan(value) else "infinite"
            return (f"'{text}' is read by YAML as {what}; numbers in data files must be finite"
                    f"{quote}")
        if not _PLAIN_FLOAT.match(text):
            return (f"'{text}' is read by YAML as the number {value!r}; write the number with "
                    f"digits and a decimal point only{quote}")
        return None
    if hasattr(value, "isoformat"):
        if _PLAIN_DATE.match(text) and type(value).__name__ == "date":
            return None
        return f"'{text}' is read by YAML as a date and time; dates are written 2023-12-31{quote}"
    return None


# --- the fast way -----------------------------------------------------------------

class _Unsure:
    """fast_load's answer for a file it leaves to the careful reading."""


_UNSURE: Any = _Unsure()
# First characters of plain scalars that YAML may read as something other than text
# (the resolver's table); any other plain scalar is text without asking.
_RESOLVED_FIRST = frozenset(c for c in yaml.resolver.Resolver.yaml_implicit_resolvers if c)
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_STR_TAG = "tag:yaml.org,2002:str"
# What each short plain scalar that YAML may resolve resolved to (_plain), by its
# text: keys such as title, text and note are most of them, a few hundred in all.
_PLAIN_SEEN: dict[str, Any] = {}
_PLAIN_SEEN_MAX = 10_000


def fast_load(text: str) -> Any:
    """The file's data in one pass over libyaml's events, or _UNSURE.

    Gives data only for a file the careful reading would accept without a
    diagnostic and read the same: one document, no tags, aliases only of anchors
    already complete, within MAX_DEPTH and MAX_VALUES as expanded, keys plain text and unique, and plain
    scalars that are text, null, true/false, whole numbers of at most 2^53,
    finite decimals with a point, or dates that exist, as written in YAML 1.2.
    Anything else, a syntax error included, is _UNSURE (read the careful way)."""
    # This loop runs once per event, 2.8 million times in a national `check`, where
    # it was half the time of reading: the open collection is kept in local
    # variables rather than on the stack, values are placed without a call, and
    # plain scalars YAML may resolve are resolved once per distinct text (_PLAIN_SEEN).
    parser = yaml.CSafeLoader(text)
    get_event = parser.get_event
    resolve = parser.resolve
    seen = _PLAIN_SEEN
    resolved_first = _RESOLVED_FIRST
    forbidden = _FORBIDDEN_IN_VALUE.search
    scalar_event, mapping_start, sequence_start = (yaml.ScalarEvent, yaml.MappingStartEvent,
                                                   yaml.SequenceStartEvent)
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    alias_event, document_start = yaml.AliasEvent, yaml.DocumentStartEvent
    # The open collection (None outside any), whether it is a mapping, the key
    # waiting for its value (None when none is), its anchor; and the same of every
    # collection around it, on the stack.
    container: Any = None
    is_map = False
    key: Any = None
    anchor: str | None = None
    stack: list[tuple[Any, bool, Any, str | None]] = []
    anchors: dict[str, tuple[Any, int, int]] = {}  # name -> (value, values, depth)
    result: Any = _UNSURE
    documents = 0
    total = 0
    value: Any
    try:
        while True:
            event: Any = get_event()
            kind = type(event)
            if kind is scalar_event:
                if event.tag is not None:
                    return _UNSURE
                value = event.value
                style = event.style
                if style:  # quoted or block: text
                    if len(value) > MAX_STRING or (style == '"' and forbidden(value)):
                        return _UNSURE
                elif value[:1] in resolved_first or not value:
                    plain = seen.get(value, _UNSURE)
                    if plain is _UNSURE:
                        if len(value) > MAX_STRING:
                            return _UNSURE
                        plain = _plain(value, resolve)
                        if plain is _UNSURE:
                            return _UNSURE
                        if len(value) <= 40 and len(seen) < _PLAIN_SEEN_MAX:
                            seen[value] = plain
                    value = plain
                elif len(value) > MAX_STRING:
                    return _UNSURE
                total += 1
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1, 0)
            elif kind is mapping_start or kind is sequence_start:
                if event.tag is not None or len(stack) >= MAX_DEPTH:
                    return _UNSURE
                total += 1
                value = {} if kind is mapping_start else []
            elif kind is mapping_end or kind is sequence_end:
                if key is not None:
                    return _UNSURE
                if anchor is not None:
                    anchors[anchor] = (container, _count(container), _depth(container))
                done = container
                container, is_map, key, anchor = stack.pop()
                if container is None:
                    result = done
                continue  # placed in its parent when it started
            elif kind is alias_event:
                # An alias repeats its anchor's value, counted as expanded; one
                # inside its own anchor (not yet complete) is left to the careful way.
                if event.anchor not in anchors:
                    return _UNSURE
                value, size, inner = anchors[event.anchor]
                total += size
                if len(stack) + inner > MAX_DEPTH or total > MAX_VALUES:
                    return _UNSURE
            elif kind is document_start:
                documents += 1
                if documents > 1:
                    return _UNSURE
                continue
            elif event is None:
                break
            else:
                continue  # stream and document ends
            # Place the value in the open collection; refuse what the careful
            # reading would report (a key that is not text, a duplicate key).
            if is_map:
                if key is None:
                    if type(value) is not str or value in container:
                        return _UNSURE
                    key = value
                else:
                    container[key] = value
                    key = None
            elif container is not None:
                container.append(value)
            elif kind is scalar_event:
                result = value  # the whole document is one scalar
                continue
            if kind is mapping_start or kind is sequence_start:
                stack.append((container, is_map, key, anchor))
                container, is_map, key, anchor = value, kind is mapping_start, None, event.anchor
    except yaml.YAMLError:
        return _UNSURE
    finally:
        parser.dispose()
    if documents != 1 or result is None or stack or total > MAX_VALUES:
        return _UNSURE  # an empty file is reported the careful way
    return result


def _count(value: Any) -> int:
    """Values in an anchored collection, aliases inside it expanded."""
    if type(value) is dict:
        return 1 + sum(1 + _count(v) for v in value.values())
    if type(value) is list:
        return 1 + sum(_count(v) for v in value)
    return 1


def _depth(value: Any) -> int:
    """Levels of nesting of an anchored value (0 for a scalar)."""
    if type(value) is dict:
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if type(value) is list:
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _place(top: list[Any], value: Any) -> bool:
    """Put a value into the open collection; False where the careful reading
    would report something (a key that is not text, a duplicate key)."""
    container = top[0]
    if type(container) is list:
        container.append(value)
        return True
    key = top[1]
    if key is None:
        if type(value) is not str or value in container:
            return False
        top[1] = value
        return True
    container[key] = value
    top[1] = None
    return True


def _plain(text: str, resolve: Any) -> Any:
    """A plain scalar that YAML may read as something other than text: its value,
    or _UNSURE where the careful reading would refuse it or give a hint."""
    if text in _NULLS:
        return None
    tag = resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR_TAG:
        return text
    kind = tag.rsplit(":", 1)[-1]
    if kind == "bool" and text in _PLAIN_BOOL:
        return text == "true"
    if kind == "int" and _PLAIN_INT.match(text):
        number = int(text)
        return number if abs(number) <= MAX_INT else _UNSURE
    if kind == "float" and _PLAIN_FLOAT.match(text):
        decimal = float(text)
        return decimal if math.isfinite(decimal) else _UNSURE
    if kind == "timestamp" and _PLAIN_DATE.match(text):
        try:
            return datetime.date(int(text[:4]), int(text[5:7]), int(text[8:]))
        except ValueError:
            return _UNSURE
    return _UNSURE
