# JSON as json.dumps(value, ensure_ascii=False, indent=2) writes it (or with another
# indent, or sort_keys), character for character, in half the time. The standard
# library's encoder written in C cannot indent, so with `indent` json.dumps falls back
# to its encoder written in Python, which makes a generator per container and yields
# each piece: nationally the downloads hold some three million values, and their
# indented JSON took about 5 s of a build.
# Here each container is one join, strings are escaped by the C function that
# json.dumps uses, and values of the common exact types skip the isinstance chain.
from __future__ import annotations

from json.encoder import encode_basestring
from typing import Any

_CONSTANTS = {None: "null", True: "true", False: "false"}


def dumps(value: Any, indent: int = 2, sort_keys: bool = False) -> str:
    """json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sort_keys)."""
    return _encode(value, "", " " * indent, sort_keys)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return encode_basestring(key)
    if isinstance(key, float):
        return encode_basestring(_float(key))
    if key is True or key is False or key is None:
        return f'"{_CONSTANTS[key]}"'
    if isinstance(key, int):
        return encode_basestring(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _encode(value: Any, indent: str, step: str, sort: bool) -> str:
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = indent + step
        parts = [f"{encode_basestring(k) if type(k) is str else _key(k)}: "
                 f"{encode_basestring(v) if type(v) is str else _encode(v, inner, step, sort)}"
                 for k, v in (sorted(value.items()) if sort else value.items())]
        return f"{{\n{inner}" + f",\n{inner}".join(parts) + f"\n{indent}}}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = indent + step
        parts = [encode_basestring(v) if type(v) is str else _encode(v, inner, step, sort) for v in value]
        return f"[\n{inner}" + f",\n{inner}".join(parts) + f"\n{indent}]"
    if value is None or value is True or value is False:
        return _CONSTANTS[value]
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return _float(value)
    # Subclasses, in json.dumps's order of checks.
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, list | tuple):
        return _encode(list(value), indent, step, sort)
    if isinstance(value, dict):
        return _encode(dict(value), indent, step, sort)
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")
