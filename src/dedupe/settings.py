"""Settings files: a :class:`~dedupe.config.Config` from TOML, and the defaults written as TOML.

A settings file sets any field of :class:`Config`; nested configs are TOML tables named like the
fields (``[boilerplate]``, ``[duplicates]``, ``[corpus]``, ``[offtopic]``, ``[html]``)::

    stages = ["boilerplate", "duplicates", "offtopic"]

    [duplicates]
    containment = 0.6

    [html]
    favor = "precision"

A key the configuration does not have is an error naming it (a typo must not be silently ignored),
as is a value of the wrong type. TOML has no null: for a field that may be ``None`` (off), write
``false`` (``model_threshold = false`` switches the teaser model off).

:func:`config_to_toml` writes a configuration back as TOML with each field's reason as a comment,
taken from the comments next to the constants and fields in ``dedupe/config.py`` (``#:``) and the
Args of the class docstrings, so new fields are documented without a change here.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import math
import sys
import types
import typing
from collections.abc import Mapping
from typing import Any

from . import config as _config_module
from .config import Config
from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["config_from_mapping", "config_to_toml", "load_config"]


def load_config(path: str, base: Config | None = None) -> Config:
    """Read a TOML settings file; fields it does not name keep their value in ``base`` (defaults).

    Raises:
        ConfigError: The file cannot be read or parsed, names an unknown key, or gives a value of
            the wrong type or out of range; the message names the file and the key.
    """
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        raise ConfigError(f"cannot read settings file {path}: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"settings file {path} is not valid TOML: {e}") from None
    try:
        return config_from_mapping(data, base)
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None


def config_from_mapping(data: Mapping[str, Any], base: Config | None = None) -> Config:
    """A :class:`Config` from nested mappings (as TOML or JSON give), over ``base`` (defaults).

    Raises:
        ConfigError: Naming the first unknown key or badly typed value (``duplicates.containment``).
    """
    config: Config = _build(Config, data, base if base is not None else Config(), "")
    return config


def _build(cls: type, data: Mapping[str, Any], base: Any, prefix: str) -> Any:
    if not isinstance(data, Mapping):
        raise ConfigError(f"[{prefix.rstrip('.')}] must be a table, got {type(data).__name__}.")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        name = prefix + key
        if key not in names:
            raise ConfigError(f"unknown setting {name!r}; valid keys here: {', '.join(sorted(names))}.")
        hint = hints[key]
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            changes[key] = _build(hint, value, getattr(base, key), name + ".")
        else:
            changes[key] = _convert(name, hint, value)
    return dataclasses.replace(base, **changes)


def _convert(name: str, hint: Any, value: Any) -> Any:
    """Check ``value`` against the field's type; ``false`` stands for None where None is allowed."""
    args = typing.get_args(hint)
    optional = _is_union(hint) and type(None) in args
    if optional:
        if value is False:
            return None
        (hint,) = [a for a in args if a is not type(None)]
    origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{name} must be a list of strings, got {value!r}.")
        return tuple(value)
    expected = {bool: (bool,), int: (int,), float: (int, float), str: (str,)}.get(hint)
    if expected is None:  # pragma: no cover - a field type this module does not know yet
        return value
    if not isinstance(value, expected) or (hint is not bool and isinstance(value, bool)):
        what = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}[hint]
        extra = " (or false for none)" if optional else ""
        raise ConfigError(f"{name} must be {what}{extra}, got {value!r}.")
    return float(value) if hint is float and isinstance(value, (int, float)) else value


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


# --------------------------------------------------------------------------------------------
# Writing TOML with reasons
# --------------------------------------------------------------------------------------------


def config_to_toml(config: Config | None = None, *, comments: bool = True) -> str:
    """``config`` (default: the defaults) as a TOML settings file that :func:`load_config` reads
    back to the same configuration; with ``comments``, each field's reason above it."""
    config = config if config is not None else Config()
    docs = _field_docs() if comments else {}
    out: list[str] = []
    if comments:
        out += [
            "# dedupe settings. Use with: dedupe clean --config FILE (flags override the file).",
            "# Every key is optional; a key not listed keeps its default. Fields that may be None",
            "# (off) take false. Reasons are from dedupe/config.py.",
            "",
        ]
    tables: list[tuple[str, Any]] = []
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        if dataclasses.is_dataclass(value):
            tables.append((f.name, value))
        else:
            out += _toml_field(type(config).__name__, f.name, value, docs)
    for name, sub in tables:
        out.append("")
        if comments and sub.__doc__:
            out.append(f"# {inspect.cleandoc(sub.__doc__).splitlines()[0]}")
        out.append(f"[{name}]")
        for f in dataclasses.fields(sub):
            out += _toml_field(type(sub).__name__, f.name, getattr(sub, f.name), docs)
    return "\n".join(out) + "\n"


def _toml_field(cls: str, name: str, value: Any, docs: Mapping[tuple[str, str], str]) -> list[str]:
    lines = []
    doc = docs.get((cls, name))
    if doc:
        lines += [f"# {line}".rstrip() for line in doc.splitlines()]
    # TOML has no null: None is written as false, which load_config reads back as None.
    lines.append(f"{name} = {'false  # none' if value is None else _toml_value(value)}")
    return lines


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ConfigError(f"cannot write {value!r} in TOML")
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise ConfigError(f"cannot write a {type(value).__name__} in TOML")  # pragma: no cover


def _toml_string(s: str) -> str:
    out = ['"']
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif c < " " or c == "\x7f":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def _field_docs() -> dict[tuple[str, str], str]:
    """``(class name, field name) -> reason`` from the source of :mod:`dedupe.config`.

    A field's reason is the ``#:`` comment above it; failing that, the ``#:`` comment above the
    named constant it defaults to; failing that, its entry in the class docstring's Args.
    """
    try:
        source = inspect.getsource(_config_module)
    except (OSError, TypeError):  # pragma: no cover - no source shipped
        return {}
    lines = source.splitlines()
    tree = ast.parse(source)

    def comment_above(lineno: int) -> str:
        got: list[str] = []
        i = lineno - 2
        while i >= 0 and lines[i].strip().startswith("#:"):
            got.append(lines[i].strip()[2:].strip())
            i -= 1
        return "\n".join(reversed(got))

    constants: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            doc = comment_above(node.lineno)
            if doc:
                constants[node.targets[0].id] = doc
    docs: dict[tuple[str, str], str] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        args = _docstring_args(ast.get_docstring(node) or "")
        for item in node.body:
            if not (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)):
                continue
            name = item.target.id
            doc = comment_above(item.lineno)
            if not doc and isinstance(item.value, ast.Name):
                doc = constants.get(item.value.id, "")
            doc = doc or args.get(name, "")
            if doc:
                docs[(node.name, name)] = _wrap(doc)
    return docs


def _docstring_args(doc: str) -> dict[str, str]:
    """The ``Args:`` entries of a Google-style docstring, joined into one line each."""
    out: dict[str, str] = {}
    current: str | None = None
    inside = False
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped == "Args:":
            inside = True
            continue
        if not inside:
            continue
        if stripped and not line.startswith(" "):
            break
        head, sep, rest = stripped.partition(":")
        if sep and head.isidentifier() and line.startswith("    ") and not line.startswith("        "):
            current = head
            out[current] = rest.strip()
        elif current and stripped:
            out[current] += " " + stripped
    return out


def _wrap(text: str, width: int = 98) -> str:
    import re
    import textwrap

    text = re.sub(r":\w+:`~?([^`]*)`", r"\1", text).replace("``", "")
    return "\n".join(textwrap.fill(p, width) for p in text.split("\n\n"))
