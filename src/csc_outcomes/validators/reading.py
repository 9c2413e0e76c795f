"""Turn what the user gave (CSV in any encoding, XLSX) into one clean UTF-8 CSV both engines read.

The user's file is never modified: anything that needs changing is written to a temporary
copy. Work on the bytes is done in large chunks by C code (codecs, re), never row by row.
Blank lines become rows of empty cells (Table.keep_blank_lines), so that they are reported
(blank-row) and the rows after them keep the numbers a spreadsheet shows; DuckDB would skip them.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 1 << 24  # 16 MiB
SLICE = 1 << 20  # 1 MiB
MAX_COLUMNS = 2_000
MAX_LINE_DEFAULT = 2_000_000  # DuckDB's read_csv max_line_size: a longer line is skipped silently
_BLANK_LINE = re.compile(rb"(?<=\n)(\r?\n)")
_LONE_CR = re.compile(rb"\r(?!\n)")
_EXCEL_FORMATS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


class InputError(Exception):
    """The input could not be read: the message says what, where and what to do (exit 2)."""


@dataclass
class Table:
    """A readable UTF-8 CSV and what we know about where it came from."""

    path: Path
    labels: list[str]
    source: Path
    first_row: int = 2  # the spreadsheet row number of the first data row
    notes: list[str] = field(default_factory=list)
    bytes: int = 0
    lines: int | None = None  # physical lines of `path`, when known
    longest_line: int = 0  # bytes of the longest line, exact when over SLICE (1 MiB)

    def max_line_size(self) -> int | None:
        """DuckDB's max_line_size for this file, when its default is too small: DuckDB skips a
        longer line without a word, so the limit is raised above the longest line (its cells are
        then read and reported, not lost). None keeps DuckDB's default and its memory use."""
        return self.longest_line + (1 << 20) if self.longest_line >= MAX_LINE_DEFAULT // 2 else None
    _tmp: tempfile.TemporaryDirectory | None = None

    def keep_blank_lines(self) -> bool:
        """If the file has empty lines, read a copy where each is a row of empty cells (so it is
        reported and later rows keep their numbers); DuckDB would skip them. True if it did."""
        if not _has_blank_line(self.path):
            return False
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="csc-outcomes-")
        fixed = Path(self._tmp.name) / "rows.csv"
        _fix_blank_lines(self.path, fixed, len(self.labels))
        self.path = fixed
        self.lines = None
        return True

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _line_of(path: Path, offset: int) -> int:
    line = 1
    with open(path, "rb") as f:
        remaining = offset
        while remaining > 0:
            chunk = f.read(min(CHUNK, remaining))
            if not chunk:
                break
            line += chunk.count(b"\n")
            remaining -= len(chunk)
    return line


def _encoding_problem(path: Path, exc: UnicodeDecodeError, offset: int) -> InputError:
    bad = exc.object[exc.start : exc.start + 1]
    line = _line_of(path, offset + exc.start)
    guess = ""
    if bad and (0x80 <= bad[0] <= 0x9F or bad[0] in (0xA3, 0xA0, 0xE9)):
        guess = (" It looks like Windows-1252, which Excel writes when you choose 'CSV (Comma delimited)'.")
    return InputError(
        f"{path.name} is not UTF-8 text: byte 0x{bad.hex().upper()} on line {line} cannot be decoded.{guess} "
        "Save it again as 'CSV UTF-8 (Comma delimited)', or tell us the encoding with --encoding "
        "(for example --encoding cp1252)."
    )


def _transcode(src: Path, dst: Path, encoding: str) -> None:
    """Copy src to dst as UTF-8, in chunks."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while True:
            chunk = fin.read(CHUNK)
            try:
                fout.write(decoder.decode(chunk, final=not chunk).encode("utf-8"))
            except UnicodeDecodeError as exc:
                raise _encoding_problem(src, exc, offset) from exc
            except (UnicodeError, ValueError, TypeError) as exc:  # a codec that fails in its own way
                raise InputError(f"{src.name} cannot be read as {encoding[:40]}: {str(exc)[:80]}") from exc
            offset += len(chunk)
            if not chunk:
                break


def _fix_blank_lines(src: Path, dst: Path, width: int) -> None:
    """Blank lines become rows of empty cells, so they are reported and no row number shifts.

    A blank line inside a quoted cell is data, not a blank row: a candidate counts only when
    the quotes before it are balanced. Quotes are counted between candidates, so the whole file
    is scanned once by C code whatever the number of blank lines.
    """
    data = src.read_bytes()
    filler = b"," * max(width - 1, 0)
    parts: list[bytes] = []
    start = quotes_upto = quotes = 0
    for match in _BLANK_LINE.finditer(data):
        quotes += data.count(b'"', quotes_upto, match.start())
        quotes_upto = match.start()
        if quotes % 2 == 0:
            parts += [data[start : match.start()], filler]
            start = match.start()
    parts.append(data[start:])
    dst.write_bytes(b"".join(parts))


@dataclass
class _Lines:
    """What one pass over the bytes learns about lines, fed 16 MiB chunks; C searches only.

    lines: line feeds (plus one for a last line without one); longest: the longest line, measured
    exactly only when it spans a 1 MiB slice of a chunk (a shorter one is of no interest: DuckDB
    reads lines up to 2 MB); lone_cr: a carriage return not followed by a line feed."""

    lines: int = 0
    longest: int = 0
    lone_cr: bool = False
    _run: int = 0
    _last: bytes = b""

    def feed(self, chunk: bytes) -> None:
        self.lines += chunk.count(b"\n")
        if not self.lone_cr and (b"\r" in chunk or self._last == b"\r"):
            if self._last == b"\r" and not chunk.startswith(b"\n"):
                self.lone_cr = True
            found = _LONE_CR.search(chunk)
            self.lone_cr = self.lone_cr or bool(found and found.end() < len(chunk))
        for start in range(0, len(chunk), SLICE):
            end = min(start + SLICE, len(chunk))
            first = chunk.find(b"\n", start, end)
            if first < 0:
                self._run += end - start
            else:
                self.longest = max(self.longest, self._run + first - start)
                self._run = end - chunk.rfind(b"\n", start, end) - 1
        self._last = chunk[-1:]

    def done(self) -> "_Lines":
        self.lines += 1 if self._last not in (b"\n", b"") else 0
        self.longest = max(self.longest, self._run)
        self.lone_cr = self.lone_cr or self._last == b"\r"
        return self


def _scan(path: Path) -> tuple[str, _Lines]:
    """One pass over the bytes: the encoding to read the file as, and what it holds in lines.

    utf-8, or utf-16 when the file has a UTF-16 byte-order mark; anything else that is not UTF-8
    is refused with the reason. ASCII chunks (most returns) skip decoding; isascii, the codec and
    bytes.count all run in C, on 16 MiB at a time.
    """
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", _count_lines(path)
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    stats = _Lines()
    pending = False  # the decoder holds part of a character from the previous chunk
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            if pending or not chunk.isascii():
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    raise _encoding_problem(path, exc, offset) from exc
                pending = decoder.getstate()[0] != b""
            stats.feed(chunk)
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise _encoding_problem(path, exc, offset - 1) from exc
    return "utf-8", stats.done()


def _count_lines(path: Path) -> _Lines:
    stats = _Lines()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            stats.feed(chunk)
    return stats.done()


def _has_blank_line(path: Path) -> bool:
    with open(path, "rb") as f:
        tail = b""
        while chunk := f.read(CHUNK):
            seam = tail + chunk[:2]
            if b"\n\n" in chunk or b"\n\r\n" in chunk or b"\n\n" in seam or b"\n\r\n" in seam:
                return True
            tail = chunk[-2:]
    return False


def _header(path: Path) -> list[str]:
    with open(path, "r", encoding="utf-8-sig", newline="") as f:
        first = f.readline()
        # a quoted label may span lines; read on until the record closes
        while first.count('"') % 2 and (more := f.readline()):
            first += more
    if not first.strip():
        raise InputError(f"{path.name} is empty: the first line should be the header "
                         "(time_period,time_identifier,geographic_level,...).")
    return next(csv.reader(io.StringIO(first)))


def _text_codec(codec: str) -> None:
    """A codec that decodes bytes into text; base64, hex, rot13 and 'undefined' are codecs too,
    but turn bytes into bytes (or refuse everything), so they are refused here by name."""
    shown = codec[:40]
    try:
        info = codecs.lookup(codec)
    except LookupError as exc:
        raise InputError(f"unknown encoding {shown!r}; use a text encoding such as utf-8 or cp1252") from exc
    if not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
        raise InputError(f"{shown!r} is not a text encoding; use a text encoding such as utf-8 or cp1252")


def _lone_cr_to_lf(src: Path, dst: Path) -> None:
    """Copy src to dst with each lone CR made a line feed, as a spreadsheet reads it."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        carry = b""
        while chunk := fin.read(CHUNK):
            data = carry + chunk
            carry = data[-1:] if data.endswith(b"\r") else b""
            fout.write(_LONE_CR.sub(b"\n", data[: len(data) - len(carry)]))
        fout.write(carry.replace(b"\r", b"\n"))


def _read_csv(path: Path, encoding: str | None) -> Table:
    codec, stats = (encoding, None) if encoding else _scan(path)
    _text_codec(codec)
    tmp: tempfile.TemporaryDirectory | None = None
    readable = path
    notes: list[str] = []
    if codec.replace("-", "").lower() not in ("utf8", "utf8sig"):
        tmp = tempfile.TemporaryDirectory(prefix="csc-outcomes-")
        readable = Path(tmp.name) / "input.csv"
        _transcode(path, readable, codec)
        notes.append(f"read as {codec}")
        stats = None
    if stats is None:
        stats = _scan(readable)[1]
    if stats.lone_cr:  # DuckDB's reader stops on one: a copy where each is a line end
        tmp = tmp or tempfile.TemporaryDirectory(prefix="csc-outcomes-")
        fixed = Path(tmp.name) / "lines.csv"
        _lone_cr_to_lf(readable, fixed)
        readable = fixed
        notes.append("a carriage return without a line feed read as a line end")
        stats = _count_lines(readable)
    labels = _header(readable)
    return Table(readable, labels, path, notes=notes, bytes=path.stat().st_size, lines=stats.lines, _tmp=tmp,
                 longest_line=stats.longest)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    return "" if value is None else str(value)


def _trim(cells: list[str], width: int) -> list[str]:
    """Empty cells past the header's width are spreadsheet padding, not extra cells."""
    end = len(cells)
    while end > width and cells[end - 1] == "":
        end -= 1
    return cells[:end]


def _two_row_header(rows: list[list], header_row: int, merged: list) -> list[str]:
    """A group row above a name row, as systems export them: merged group cells are spread over
    their columns, and each label becomes 'Group: Name' (or whichever of the two is present)."""
    top, bottom = header_row - 2, header_row - 1
    upper = [_cell(v).strip() for v in rows[top]]
    lower = [_cell(v).strip() for v in rows[bottom]]
    for (r0, c0), (r1, c1) in merged or []:
        for row, cells in ((top, upper), (bottom, lower)):
            if r0 <= row <= r1 and c0 < len(cells):
                value = _cell(rows[r0][c0]).strip()
                for c in range(c0, min(c1 + 1, len(cells))):
                    cells[c] = value
    return [f"{u}: {lo}" if u and lo and u != lo else (lo or u) for u, lo in zip(upper, lower)]


MAX_SHEET_XML = 4 << 30  # a 1M-row, 16-column sheet is about 1 GB of XML
MAX_CELLS = 40_000_000  # a 1M-row return of 16 columns has 16M; the reader allocates every cell of the range
_ROW_TAG = re.compile(rb'<(?:\w+:)?row [^>]*?\br="([0-9]+)"')
_WIDE_CELL = re.compile(rb' r="([A-Z]{2,3})[0-9]')  # a cell reference past column Z (row numbers are digits)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _bounded_sheets(path: Path) -> None:
    """Refuse a workbook whose used range is too large to hold, before the reader allocates it.

    The reader makes a rectangle from A1 to the last cell used: one stray cell at XFD1048576 in
    a 2 kB file asks for 17 billion cells. The sheets' XML is scanned as it is decompressed
    (regular expressions in C): the last row number and the widest column give the rectangle.
    """
    import zipfile

    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a zip (.xls, a broken file): the reader says what is wrong
    with book:
        for info in book.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            if info.file_size > MAX_SHEET_XML:  # a few kB that unpack to gigabytes (a zip bomb)
                raise InputError(f"{path.name}: a sheet unpacks to {info.file_size:,} bytes of XML, more than "
                                 f"{MAX_SHEET_XML:,}; save the sheet as CSV")
            rows = cols = 0
            tail = b""
            with book.open(info) as f:
                while chunk := f.read(CHUNK):
                    data = tail + chunk
                    # rows come in order: the last row tag of the chunk has the largest number
                    start = max(data.rfind(b"<row "), data.rfind(b":row "))
                    last = _ROW_TAG.search(data, max(0, start - 16)) if start >= 0 else None
                    if last:
                        rows = max(rows, int(last.group(1)))
                    for letters in set(_WIDE_CELL.findall(data)):
                        cols = max(cols, _column_number(letters))
                    tail = data[-256:]
            cols = max(cols, 26 if rows else 0)
            if rows * cols > MAX_CELLS:
                raise InputError(
                    f"{path.name}: a sheet's used range reaches row {rows:,} and column {cols:,} "
                    f"({rows * cols:,} cells); the reader would have to hold every one. Delete the stray cells "
                    "far below or right of the data (Ctrl+End in Excel shows the last one), or save the sheet as CSV.")


def _read_excel(path: Path, sheet: str | None, header_row: int, header_rows: int = 1) -> Table:
    from python_calamine import CalamineError, load_workbook

    _bounded_sheets(path)
    try:
        book = load_workbook(str(path))
        names = book.sheet_names
        if not names:
            raise InputError(f"{path.name} has no sheets; save the return in its first sheet")
        if sheet is None:
            chosen = names[0]
        elif sheet in names:
            chosen = sheet
        else:
            raise InputError(f"{path.name} has no sheet {sheet!r}; its sheets are: {', '.join(names)}")
        worksheet = book.get_sheet_by_name(chosen)
        rows = worksheet.to_python(skip_empty_area=False)
        merged = worksheet.merged_cell_ranges if header_rows == 2 else []
    except InputError:
        raise
    except (CalamineError, OSError, ValueError) as exc:
        raise InputError(f"cannot read {path.name} as a spreadsheet ({type(exc).__name__}: {exc}). "
                         "Is it password-protected or saved in another format? Save it as .xlsx or CSV UTF-8.") from exc
    if len(rows) < header_row:
        raise InputError(f"sheet {chosen!r} of {path.name} has {len(rows)} row(s), so row {header_row} "
                         "cannot be the header (use --header-row to say where the header is).")
    if header_rows == 2 and header_row < 2:
        raise InputError("a two-row header needs --header-row (the lower row) of 2 or more")
    header = (_two_row_header(rows, header_row, merged) if header_rows == 2
              else [_cell(v).strip() for v in rows[header_row - 1]])
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    tmp = tempfile.TemporaryDirectory(prefix="csc-outcomes-")
    out = Path(tmp.name) / "sheet.csv"
    with open(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        # columns are converted one list comprehension at a time; the writer runs in C
        body = rows[header_row:]
        for start in range(0, len(body), 50_000):
            block = body[start : start + 50_000]
            writer.writerows(_trim([_cell(v) for v in r], width) for r in block)
    notes = [f"sheet {chosen!r}, header on row {header_row}"]
    return Table(out, header, path, first_row=header_row + 1, notes=notes, bytes=path.stat().st_size, _tmp=tmp)


def _regular_file(path: Path) -> int:
    """The size of `path` if it is a regular file we can read; InputError (what, what to do) if not.

    A device (/dev/zero), a pipe or a socket never ends or blocks for ever: refused before any read.
    """
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise InputError(f"{path} does not exist") from exc
    except OSError as exc:  # a name over 255 bytes, a loop of symlinks, no permission
        raise InputError(f"cannot open {str(path)[:120]}: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path} is a folder; give the return file (CSV or XLSX)")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path} is not a regular file (a device, pipe or socket, which may never end); "
                         "save the data to a file and give its path")
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise InputError(f"cannot open {path}: {exc.strerror or exc}") from exc
    return info.st_size


def _literal(table: Table) -> Table:
    """Engines read `table.path` under a name we chose, so the user's name is taken literally.

    DuckDB reads a path with [ ] * ? as a glob, one starting with ~ as the home folder, and one
    ending .gz or .zst as compressed; frictionless guesses format and compression from the name
    too. A symlink named input.csv in a private temporary folder points at the user's file, so
    no byte is copied and no name is interpreted.
    """
    if table.path != table.source:
        return table  # already a temporary copy with a name we chose
    if table._tmp is None:
        table._tmp = tempfile.TemporaryDirectory(prefix="csc-outcomes-")
    alias = Path(table._tmp.name) / "input.csv"
    try:
        os.symlink(table.source.resolve(), alias)
    except OSError:  # a file system without symlinks: copy it
        shutil.copyfile(table.source, alias)
    table.path = alias
    return table


def _bounded_width(table: Table) -> Table:
    """Refuse a header wider than MAX_COLUMNS: DuckDB keeps buffers per column, so a 200 kB file
    of 10,000 columns takes over a gigabyte; no return or published file is near this width."""
    if len(table.labels) > MAX_COLUMNS:
        table.close()
        raise InputError(f"{table.source.name} has {len(table.labels):,} columns in its header; at most "
                         f"{MAX_COLUMNS:,} are read. Is it saved with another delimiter than a comma, or is the "
                         "header on another row (--header-row)?")
    return table


def read_input(path: Path, *, sheet: str | None = None, header_row: int = 1, encoding: str | None = None,
               header_rows: int = 1) -> Table:
    """What the engines read for the user's file, as a Table (use it as a context manager)."""
    return _bounded_width(_read_input(Path(path), sheet, header_row, encoding, header_rows))


def _read_input(path: Path, sheet: str | None, header_row: int, encoding: str | None, header_rows: int) -> Table:
    _regular_file(path)
    if header_row < 1:
        raise InputError("--header-row counts from 1 (the first row of the sheet)")
    suffix = path.suffix.lower()
    if suffix in _EXCEL_FORMATS:
        return _read_excel(path, sheet, header_row, header_rows)
    if header_rows != 1:
        raise InputError("two-row headers are read from spreadsheets (.xlsx), where merged cells show the groups")
    if sheet is not None or header_row != 1:
        if header_row != 1:
            return _read_csv_with_header_row(path, encoding, header_row)
        raise InputError("--sheet applies to spreadsheets (.xlsx); this file is read as CSV")
    return _literal(_read_csv(path, encoding))


def _read_csv_with_header_row(path: Path, encoding: str | None, header_row: int) -> Table:
    """A CSV with title lines above its header: copy it from the header line on."""
    table = _read_csv(path, encoding)
    tmp = table._tmp or tempfile.TemporaryDirectory(prefix="csc-outcomes-")
    out = Path(tmp.name) / "from-header.csv"
    with open(table.path, "rb") as fin, open(out, "wb") as fout:
        for _ in range(header_row - 1):
            if not fin.readline():
                raise InputError(f"{path.name} has fewer than {header_row} lines; --header-row is too large")
        shutil.copyfileobj(fin, fout, CHUNK)
    table._tmp = None
    labels = _header(out)
    stats = _count_lines(out)
    return Table(out, labels, path, first_row=header_row + 1, notes=table.notes + [f"header on line {header_row}"],
                 bytes=table.bytes, lines=stats.lines, _tmp=tmp, longest_line=stats.longest)
