"""Find the record files among what the user gave (files and folders, any mix) and say what each is.

An SSDA903 CSV is recognised by its header, the way the sector's validators tell the tables
apart: the exact set of column names. An XML file is an SSDA903 return (root EXPSSDA903) or a CIN
census (root Message). Several years may be given at once; files that belong to one return (the
same folder, the same leading year in the name, as `2017-episodes.csv` and `2017-header.csv`)
form a group, and the group's reporting year is worked out later from its own dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from csc_outcomes.records import model
from csc_outcomes.validators.reading import InputError

RECORD_SUFFIXES = (".csv", ".xml")


@dataclass(frozen=True)
class RecordFile:
    path: Path
    kind: str          # ssda903-csv, ssda903-xml, cin-xml
    table: str | None  # the SSDA903 table of a CSV
    group: str         # files of one return share a group


def _csv_header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
    except UnicodeDecodeError:
        with path.open(encoding="cp1252", newline="") as fh:
            first = fh.readline()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    import csv

    cells = next(csv.reader([first]), [])
    return [c.strip().upper() for c in cells]


def _identify_csv(path: Path) -> str:
    header = _csv_header(path)
    by_header = model.ssda903_by_header()
    found = by_header.get(frozenset(header))
    if found is not None:
        if len(set(header)) != len(header):
            raise InputError(f"{path}: the header repeats a column name; each SSDA903 column must appear once")
        return found.name
    # the nearest table, to say what is missing or extra
    nearest = max(by_header.values(), key=lambda t: len(set(t.names) & set(header)) - 0.01 * len(t.names))
    missing = [c for c in nearest.names if c not in header]
    extra = [c for c in header if c not in nearest.names]
    shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
    raise InputError(
        f"{path}: the header ({shown}) is not that of an SSDA903 table. Nearest is {nearest.cls} "
        f"(missing: {', '.join(missing) or 'none'}; extra: {', '.join(extra) or 'none'}). "
        "Give one CSV per SSDA903 table with the column names of the return, or leave this file out.")


def _xml_root(path: Path) -> str:
    """The name of the root element, read from the start of the file (no full parse)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    text = head.decode("utf-8", errors="replace")
    text = re.sub(r"<\?.*?\?>|<!--.*?-->", "", text, flags=re.S)
    m = re.search(r"<\s*([A-Za-z_][\w.-]*)", text)
    return m.group(1) if m else ""


def _group(path: Path) -> str:
    """Files of one return: the same folder and the same year in the name (`2017-episodes.csv`,
    `episodes_2024.csv`), or the same folder when the names carry no year."""
    m = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", path.name)
    return f"{path.parent.resolve()}|{m.group(1) if m else ''}"


def _classify(path: Path) -> RecordFile:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return RecordFile(path, "ssda903-csv", _identify_csv(path), _group(path))
    if suffix == ".xml":
        root = _xml_root(path)
        if root == "EXPSSDA903":
            return RecordFile(path, "ssda903-xml", None, str(path.resolve()))
        if root == "Message":
            return RecordFile(path, "cin-xml", None, str(path.resolve()))
        raise InputError(f"{path}: an XML file whose root element is {root or 'missing'!r}; expected "
                         "EXPSSDA903 (an SSDA903 return) or Message (a CIN census)")
    raise InputError(f"{path}: not a record file (give SSDA903 CSV tables, an SSDA903 XML return or a "
                     "CIN census XML)")


def find(sources: list[Path]) -> tuple[list[RecordFile], list[Path]]:
    """The record files under `sources`, and the files in given folders that are not record files."""
    files: list[Path] = []
    skipped: list[Path] = []
    for source in sources:
        if source.is_dir():
            for p in sorted(source.rglob("*")):
                if p.is_file():
                    (files if p.suffix.lower() in RECORD_SUFFIXES else skipped).append(p)
        elif source.is_file():
            files.append(source)
        else:
            raise InputError(f"{source}: no such file or folder")
    seen: set[Path] = set()
    unique = []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(f)
    if not unique:
        raise InputError("no record files found in " + ", ".join(map(str, sources)) +
                         " (expected SSDA903 CSV tables, an SSDA903 XML return or a CIN census XML)")
    return [_classify(p) for p in unique], skipped
