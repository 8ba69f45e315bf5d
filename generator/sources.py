# Reads YAML files into plain Python data plus a map from field path to the line
# and column it came from, so later stages can name the place of a problem.
# Parsing uses libyaml (CSafeLoader, about 10x faster than pure Python); objects
# are built here from the node tree so every value keeps its position.
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Diagnostic

PathKey = tuple[str | int, ...]


@dataclass
class Source:
    """One loaded YAML file: its data and where each field path starts."""

    path: str  # as shown in messages, relative to the project root
    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

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


def load_source(path: Path, shown_as: str) -> tuple[Source | None, list[Diagnostic]]:
    """Parse one file; on failure return no source and the problems found."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Diagnostic(shown_as, 0, 0, "", f"not UTF-8 text: {exc}")]
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        return None, [Diagnostic(shown_as, line, col, "", f"YAML syntax error: {problem}{context}")]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(shown_as, 0, 0, "", f"YAML error: {exc}")]
    finally:
        loader.dispose()
    source = Source(shown_as, None)
    problems: list[Diagnostic] = []
    if node is None:
        problems.append(Diagnostic(shown_as, 1, 1, "", "the file is empty"))
        return None, problems
    source.data = _build(node, (), source, loader, problems)
    return source, problems


def _build(node: yaml.Node, loc: PathKey, source: Source, loader: yaml.CSafeLoader,
           problems: list[Diagnostic]) -> Any:
    source.positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, loc, source, loader, problems)
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


def _scalar(node: yaml.Node, loc: PathKey, source: Source, loader: yaml.CSafeLoader,
            problems: list[Diagnostic]) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.constructor.ConstructorError) as exc:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if node.tag.endswith(":timestamp"):
            message = f"'{node.value}' is not a date that exists ({exc})"
        else:
            message = f"cannot read value '{node.value}': {exc}"
        problems.append(Diagnostic(source.path, line, col, format_path(loc), message))
        return None
