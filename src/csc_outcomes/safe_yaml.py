"""The one way this package reads YAML: safe tags, one document, bounded size, depth and aliases.

A safe loader alone is not enough for files a user hands us. A 4 kB "billion laughs" file
(anchors that alias each other) composes into a few nodes but expands into billions when the
result is walked (checked, resolved, written as JSON); 2,000 nested brackets exhaust Python's
stack; a device such as /dev/zero or /dev/urandom never ends. So the file is read only if it is
a regular file under MAX_BYTES, composed (aliases still shared, nothing expanded), and its node
graph is measured before any Python object is built: past MAX_DEPTH levels or MAX_NODES nodes
once aliases are expanded, it is refused. Every failure is a YamlError whose message says
what and where, for the caller to wrap in its own error type.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 8 << 20  # the largest catalogue file is about 60 kB; a mapping spec a few kB
MAX_DEPTH = 64  # the model nests about 8 levels deep
MAX_NODES = 500_000  # nodes once aliases are expanded; the largest catalogue file has under 20,000

try:  # the C loader is ten times faster; both build only plain types (safe tags)
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


class YamlError(ValueError):
    """The YAML could not be read; `str()` says what and where (without the file name)."""


class YamlRefused(YamlError):
    """Not even parsed: a folder, a device, too large, too deep or an alias bomb. Commands that
    report YAML syntax errors as findings (check) still stop on these with exit 2."""


def read_text(path: Path, what: str = "file") -> str:
    """The text of a regular file of at most MAX_BYTES, as UTF-8; YamlError otherwise."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise YamlError(f"the {what} does not exist") from exc
    except OSError as exc:
        raise YamlError(f"the {what} cannot be read ({exc.strerror or exc})") from exc
    if stat.S_ISDIR(info.st_mode):
        raise YamlRefused(f"the {what} is a folder, not a YAML file")
    if not stat.S_ISREG(info.st_mode):
        raise YamlRefused(f"the {what} is not a regular file (a device, pipe or socket); give a YAML file")
    if info.st_size > MAX_BYTES:
        raise YamlRefused(f"the {what} is {info.st_size:,} bytes; YAML files here are at most {MAX_BYTES:,}")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise YamlError(f"the {what} cannot be read ({exc.strerror or exc})") from exc
    if len(data) > MAX_BYTES:
        raise YamlRefused(f"the {what} is over {MAX_BYTES:,} bytes; YAML files here are at most that")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise YamlError(f"not UTF-8 text (byte 0x{data[exc.start]:02X} on line {line}); save it as UTF-8") from exc


def _measure(root: yaml.Node) -> None:
    """Refuse a node graph nested deeper than MAX_DEPTH or over MAX_NODES nodes once expanded.

    Walked without recursion; aliases are counted every time they are used (that is what the
    expansion costs later), and the walk stops as soon as the budget is spent, so a bomb is
    refused after at most MAX_NODES steps however large it would grow.
    """
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise YamlRefused(f"it expands to over {MAX_NODES:,} values (anchors and aliases that repeat "
                            "each other); write the values out or remove the aliases")
        if depth > MAX_DEPTH:
            mark = node.start_mark
            raise YamlRefused(f"it is nested over {MAX_DEPTH} levels deep (line {mark.line + 1}); "
                            "no file of the standard needs that")
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))


def loads(text: str) -> Any:
    """The one document in `text` as plain Python (dict, list, str, int, float, bool, date, None)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _measure(node)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "maximum nesting depth" in str(exc):
            raise YamlRefused(f"it is nested too deeply to read{where} (over {MAX_DEPTH} levels)") from exc
        if "expected a single document" in str(exc):
            problem = "it holds more than one document (a second '---'); keep one per file"
        raise YamlError(f"not valid YAML{where}: {problem}") from exc
    except YamlError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date 2024-13-45 matches the date pattern
        raise YamlError(f"a value cannot be read: {str(exc)[:80]}") from exc
    except RecursionError as exc:
        raise YamlRefused(f"it is nested too deeply to read (over {MAX_DEPTH} levels)") from exc
    finally:
        loader.dispose()


def load(path: Path, what: str = "file") -> Any:
    """The one document in the YAML file at `path`; YamlError says why it cannot be read."""
    return loads(read_text(path, what))
