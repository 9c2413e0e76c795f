"""The report model: error types carry their own metadata; issues point at one place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class ErrorType:
    """A kind of problem. Its code is stable across releases: CI jobs filter on it."""

    code: str
    title: str
    severity: Severity
    hint: str
    description: str = ""


_REGISTRY: dict[str, ErrorType] = {}


def error_type(code: str, title: str, severity: Severity | str, hint: str, description: str = "") -> ErrorType:
    """Declare an error type once, beside the check that raises it."""
    existing = _REGISTRY.get(code)
    declared = ErrorType(code, title, Severity(severity), hint, description)
    if existing is not None and existing != declared:
        raise ValueError(f"error type {code!r} declared twice with different metadata")
    _REGISTRY[code] = declared
    return declared


def lookup(code: str) -> ErrorType:
    return _REGISTRY[code]


def registered() -> list[ErrorType]:
    return sorted(_REGISTRY.values(), key=lambda t: t.code)


# Cells are echoed only as far as needed to recognise them: a report may be sent on, and a
# return can hold personal data.
MAX_CELL = 40


def clip(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


_QUOTED = re.compile("'([^'\\n]{%d,})'|\"([^\"\\n]{%d,})\"" % (MAX_CELL + 1, MAX_CELL + 1))
_LONG_TOKEN = re.compile("[^\\s'\"]{%d,}" % (MAX_CELL + 1))


def clip_quotes(text: str | None, tokens: bool = True) -> str | None:
    """The last guard on what a report repeats: every quoted value over MAX_CELL characters is
    clipped, and (with `tokens`) every run of characters with no space or quote in it, such as a
    number 60 digits long. Messages are built from many parts; this holds whatever a check quoted."""
    if not text or len(text) <= MAX_CELL:
        return text
    text = _QUOTED.sub(lambda m: (q := m.group(0)[0]) + clip(m.group(1) or m.group(2)) + q, text)
    return _LONG_TOKEN.sub(lambda m: clip(m.group(0)), text) if tokens else text


@dataclass
class Issue:
    """One problem at one place. `row` is the row number a spreadsheet shows (header = 1).

    The context an analyst acts on is part of the model, added once (report/context.py) and
    rendered by every renderer: `column`, the spreadsheet column letter of `field`; the
    authority (name and code) and the indicator (id and name) of the row.
    """

    type: ErrorType
    message: str
    row: int | None = None
    field: str | None = None
    cell: str | None = None
    file: str | None = None
    note: str | None = None
    severity: Severity | None = None
    column: str | None = None
    authority: str | None = None
    authority_code: str | None = None
    indicator_id: str | None = None
    indicator_name: str | None = None

    def __post_init__(self) -> None:
        if self.severity is None:
            self.severity = self.type.severity
        self.cell = clip(self.cell)
        self.field = clip(self.field)
        self.message = clip_quotes(self.message)
        self.note = clip_quotes(self.note)

    @property
    def code(self) -> str:
        return self.type.code

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": self.type.code,
            "title": self.type.title,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.type.hint,
        }
        for key in ("file", "row", "field", "column", "cell", "note", "authority", "authority_code", "indicator_id",
                    "indicator_name"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass
class Task:
    """What was checked (a file, a catalogue) and what was found in it."""

    name: str
    issues: list[Issue] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    more: dict[str, int] = field(default_factory=dict)  # issues of a type counted beyond those listed

    def severity_of(self, code: str) -> Severity:
        listed = next((i.severity for i in self.issues if i.code == code), None)
        return listed or lookup(code).severity

    def count(self, severity: Severity) -> int:
        listed = sum(1 for i in self.issues if i.severity is severity)
        return listed + sum(n for code, n in self.more.items() if self.severity_of(code) is severity)

    @property
    def valid(self) -> bool:
        return self.count(Severity.ERROR) == 0

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)


@dataclass
class Report:
    tasks: list[Task]
    meta: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def valid(self) -> bool:
        return all(t.valid for t in self.tasks)

    @property
    def issues(self) -> list[Issue]:
        return [i for t in self.tasks for i in t.issues]

    @property
    def errors(self) -> list[Issue]:
        """The listed problems that make the input invalid."""
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    def to_pandas(self) -> Any:
        """One row per listed problem, with its place and context: what a notebook filters and sorts.
        Needs pandas (not a dependency of the command line)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("Report.to_pandas() needs pandas: pip install pandas") from exc
        rows = [{"file": i.file or t.name, **{k: v for k, v in i.to_dict().items() if k != "file"}}
                for t in self.tasks for i in t.issues]
        columns = ["file", "row", "field", "column", "authority", "authority_code", "indicator_id", "indicator_name",
                   "type", "severity", "title", "message", "cell", "note", "hint"]
        frame = pd.DataFrame(rows, columns=columns)
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def count(self, severity: Severity) -> int:
        return sum(t.count(severity) for t in self.tasks)

    def summary(self, by: str) -> list[dict[str, Any]]:
        """The listed problems counted by "authority", "indicator" or "type", most errors first:
        the opening of every human-readable report. Problems with no row (a missing column) count
        under key None. Problems beyond those listed (`more`) have no row context and are not in it."""
        keys = {"authority": ("authority_code", "authority"), "indicator": ("indicator_id", "indicator_name"),
                "type": ("code", None)}[by]
        counts: dict[Any, dict[str, Any]] = {}
        for issue in self.issues:
            key = getattr(issue, keys[0])
            name = getattr(issue, keys[1]) if keys[1] else issue.type.title
            if by == "authority" and key is None and name is not None:
                key = name  # a name the catalogue does not know, with no code
            entry = counts.setdefault(key, {"key": key, "name": name, "errors": 0, "warnings": 0, "infos": 0})
            entry["name"] = entry["name"] or name
            entry[{Severity.ERROR: "errors", Severity.WARNING: "warnings", Severity.INFO: "infos"}[issue.severity]] += 1
        return sorted(counts.values(), key=lambda e: (-e["errors"], -e["warnings"], e["key"] is None, str(e["key"])))

    def flatten(self, keys: list[str]) -> list[list[Any]]:
        """Rows of the named keys, in a stable order: what a test compares against a literal."""
        rows = [[i.to_dict().get(k) for k in keys] for i in self.issues]
        return sorted(rows, key=lambda r: [(v is not None, str(v) if not isinstance(v, int) else f"{v:012d}") for v in r])

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "stats": {
                "errors": self.count(Severity.ERROR),
                "warnings": self.count(Severity.WARNING),
                "infos": self.count(Severity.INFO),
                "seconds": round(self.seconds, 3),
            },
            **({"meta": self.meta} if self.meta else {}),
            "tasks": [
                {
                    "name": t.name,
                    "valid": t.valid,
                    "stats": t.stats,
                    "errors": [i.to_dict() for i in t.issues],
                    **({"unlisted": t.more} if t.more else {}),
                }
                for t in self.tasks
            ],
        }

    @property
    def exit_code(self) -> int:
        return 0 if self.valid else 1
