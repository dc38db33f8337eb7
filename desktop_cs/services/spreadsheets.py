"""Spreadsheet files in and out, safely: CSV (encodings, separators), .xlsx and .xls reading with hostile-file checks,
and writing with formula injection neutralised.

Reading never trusts the file: sizes, row counts and cell lengths are bounded, an .xlsx
is checked as a zip (member count, claimed sizes, compression ratio) and its XML for
DTDs and entities *before* openpyxl parses it (openpyxl itself then parses through
defusedxml), and a CSV is refused when it holds binary data. A refusal is a
``FileRefused`` with a message that says what is wrong and what to do.

Writing follows OWASP's CSV-injection advice: text starting with ``= + - @``, tab or
carriage return (or with the apostrophe itself, so the rule can be undone exactly) gets a
leading apostrophe; numbers stay numbers; .xlsx text cells are typed as text. Reading
strips that apostrophe again, so an export imports back unchanged.
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from desktop_cs.i18n import _
from desktop_cs.services.errors import ServiceError

# -- limits ----------------------------------------------------------------------------------------
#: rows read from one sheet, blank ones included (a customer list of a small team is far smaller)
MAX_ROWS = 500_000
#: columns read from one sheet
MAX_COLUMNS = 200
#: characters in one cell (Excel's own limit)
MAX_CELL_CHARS = 32_767
#: characters in one physical line of a CSV file
MAX_LINE_CHARS = 1_000_000
MAX_CSV_BYTES = 256 * 1024 * 1024
MAX_XLSX_BYTES = 128 * 1024 * 1024
MAX_XLS_BYTES = 64 * 1024 * 1024
#: zip checks of an .xlsx, made before anything is parsed
MAX_ZIP_MEMBERS = 2_000
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_EXPANDED_BYTES = 1024 * 1024 * 1024
#: openpyxl holds the shared strings in memory: bound them
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
#: expanded / compressed; ordinary sheets are around 5-20, zip bombs hundreds to millions
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024
XML_HEAD_BYTES = 64 * 1024
SNIFF_BYTES = 64 * 1024

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_START = FORMULA_START + ("'",)
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16")
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "xlsx"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"), (b"%PDF", "pdf"),
    (b"\x89PNG", "image"), (b"\xff\xd8\xff", "image"), (b"GIF8", "image"), (b"BM", ""),
    (b"MZ", "program"), (b"\x7fELF", "program"), (b"\x1f\x8b", "archive"), (b"Rar!", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"), (b"SQLite format 3\x00", "database"),
)


class FileRefused(ServiceError):
    """The file cannot be imported at all (unreadable, not what its name says, or hostile); nothing was read in."""


# -- formula injection -----------------------------------------------------------------------------

def neutralise(text: str) -> str:
    """TEXT with a leading apostrophe when a spreadsheet could take it for a formula (or it starts with one)."""
    return "'" + text if text and text.startswith(_ESCAPED_START) else text


def unneutralise(text: str) -> str:
    """Undo ``neutralise``: drop the apostrophe an export put before = + - @ tab CR or another apostrophe."""
    if len(text) >= 2 and text[0] == "'" and text[1] in _ESCAPED_START:
        return text[1:]
    return text


def safe_value(value: Any) -> Any:
    """A value ready for a spreadsheet cell: text neutralised, numbers and dates as they are, None as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    return value


# -- reading: the common shape ---------------------------------------------------------------------

@dataclass
class Table:
    """An opened spreadsheet: how it was read and a way to walk its rows (as often as needed)."""

    path: Path
    kind: str                      # "csv" / "xlsx" / "xls"
    encoding: str | None = None    # CSV only
    delimiter: str | None = None   # CSV only
    sheet: str | None = None       # workbooks: the sheet read
    sheets: list[str] = field(default_factory=list)
    #: an .xlsx workbook stays loaded between passes (loading may cost a whole pass); ``close`` releases it
    _book: Any = field(default=None, repr=False, compare=False)

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(row number as the spreadsheet shows it, cell values) of every row, blank rows included."""
        if self.kind == "csv":
            return _csv_rows(self)
        if self.kind == "xlsx":
            return _xlsx_rows(self)
        return _xls_rows(self)

    def close(self) -> None:
        """Release the loaded workbook (and its open file), if any."""
        book, self._book = self._book, None
        if book is not None:
            with contextlib.suppress(Exception):
                book.close()


def open_table(path: str | os.PathLike, encoding: str | None = None, delimiter: str | None = None,
               sheet: str | None = None) -> Table:
    """Open PATH for reading by its content (.xlsx, .xls or CSV text); FileRefused says why it cannot be."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError as exc:
        raise FileRefused(_("The file cannot be opened: {error}").format(error=exc.strerror or exc)) from None
    if size == 0:
        raise FileRefused(_("The file is empty."))
    suffix = path.suffix.lower()
    detected = _signature(head)
    if suffix == ".xlsx" or (detected == "xlsx" and suffix not in (".csv", ".txt", ".xls")):
        if detected != "xlsx":
            raise FileRefused(_("This file is not an Excel workbook (.xlsx), whatever its name says."))
        return _open_xlsx(path, size, sheet)
    if suffix == ".xls" or (detected == "xls" and suffix not in (".csv", ".txt")):
        if detected != "xls":
            raise FileRefused(_("This file is not an old-style Excel workbook (.xls), whatever its name says."))
        return _open_xls(path, size, sheet)
    if detected:
        raise FileRefused(_binary_message(detected))
    return _open_csv(path, size, head, encoding, delimiter)


def _signature(head: bytes) -> str | None:
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            if magic == b"BM" and not (len(head) > 14 and head[6:10] == b"\0\0\0\0"):
                continue   # "BM" starts ordinary text too; only a bitmap header counts
            return kind or "image"
    return None


def _binary_message(kind: str) -> str:
    names = {"xlsx": _("an Excel workbook (.xlsx)"), "xls": _("an old-style Excel workbook (.xls)"),
             "pdf": _("a PDF document"), "image": _("an image"), "program": _("a program"),
             "archive": _("a compressed archive"), "database": _("a database file")}
    if kind in ("xlsx", "xls"):
        return _("This file is {what} with a .csv name. Save it again with the right extension (.xlsx or .xls) "
                 "and choose it again.").format(what=names[kind])
    return _("This file is not a CSV text file: its content is {what}. Choose the customer list itself.").format(
        what=names.get(kind, _("binary data")))


# -- CSV -------------------------------------------------------------------------------------------

def _open_csv(path: Path, size: int, head: bytes, encoding: str | None, delimiter: str | None) -> Table:
    if size > MAX_CSV_BYTES:
        raise FileRefused(_("The file is larger than {mb} MB: split it into smaller files.").format(
            mb=MAX_CSV_BYTES // (1024 * 1024)))
    bom = None
    if head.startswith(codecs.BOM_UTF8):
        bom = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        bom = "utf-16"    # Excel's "Unicode text" (tab separated)
    if bom is None:
        nul = head.find(b"\x00")
        if nul >= 0:
            raise FileRefused(_("The file contains NUL bytes (binary data, at byte {n}): it is not a CSV text "
                                "file.").format(n=nul + 1))
        control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
        if control > max(8, len(head) // 100):
            raise FileRefused(_("The file contains binary data: it is not a CSV text file."))
    if encoding:
        encoding = _normal_encoding(encoding)
        if not _valid_in(path, encoding):
            raise FileRefused(_("The file is not valid {encoding} text. Choose another encoding, or let the program "
                                "detect it.").format(encoding=encoding.upper()))
    elif bom:
        encoding = bom
    else:
        encoding = _detect_encoding(path)
    table = Table(path, "csv", encoding=encoding)
    table.delimiter = delimiter if delimiter in DELIMITERS else _detect_delimiter(table)
    return table


def _normal_encoding(name: str) -> str:
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise FileRefused(_("Unknown encoding: {name}. Choose UTF-8, GBK or GB18030.").format(name=name)) from None
    if info.name in ("gbk", "gb2312", "cp936"):
        return "gb18030"   # a superset of GBK: the same bytes, plus characters GBK lacks
    return info.name


def _valid_in(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _detect_encoding(path: Path) -> str:
    """UTF-8 when every byte of the file is valid UTF-8, else GB18030 (GBK), else refused."""
    for candidate in ("utf-8", "gb18030"):
        if _valid_in(path, candidate):
            return candidate
    raise FileRefused(_("The text encoding of this file is not UTF-8, GBK or GB18030. Choose the encoding "
                        "yourself, or save it from Excel as \"CSV UTF-8\"."))


def _detect_delimiter(table: Table) -> str:
    """The separator that occurs most often (outside quotes) in the first non-blank line; comma by default."""
    with _csv_text(table) as text:
        for line in _limited_lines(text):
            if not line.strip():
                continue
            counts = dict.fromkeys(DELIMITERS, 0)
            quoted = False
            for ch in line:
                if ch == '"':
                    quoted = not quoted
                elif not quoted and ch in counts:
                    counts[ch] += 1
            best = max(counts, key=lambda d: (counts[d], d == ","))
            return best if counts[best] else ","
    return ","


@contextlib.contextmanager
def _csv_text(table: Table) -> Iterator[io.TextIOWrapper]:
    raw = open(table.path, "rb")
    text = io.TextIOWrapper(raw, encoding=table.encoding or "utf-8", errors="strict", newline="")
    try:
        yield text
    finally:
        text.close()


def _limited_lines(text: io.TextIOBase) -> Iterator[str]:
    """The physical lines of TEXT, each bounded in length and free of NUL characters."""
    while True:
        line = text.readline(MAX_LINE_CHARS)
        if not line:
            return
        if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise FileRefused(_("A line of this file is longer than {n} characters: it is not a customer list.")
                              .format(n=f"{MAX_LINE_CHARS:,}"))
        if "\x00" in line:
            raise FileRefused(_("The file contains NUL characters (binary data): it is not a CSV text file."))
        yield line


def _csv_rows(table: Table) -> Iterator[tuple[int, tuple]]:
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_CHARS)
    number = 0
    try:
        with _csv_text(table) as text:
            reader = csv.reader(_limited_lines(text), delimiter=table.delimiter or ",")
            try:
                for number, row in enumerate(reader, start=1):
                    if number > MAX_ROWS:
                        raise _too_many_rows()
                    yield number, tuple(row[:MAX_COLUMNS])
            except csv.Error as exc:
                if "field larger" in str(exc):
                    raise FileRefused(_("Row {row} has a cell longer than {n} characters (Excel's own limit): "
                                        "this is not a customer list.").format(row=number + 1,
                                                                                n=f"{MAX_CELL_CHARS:,}")) from None
                raise FileRefused(_("Row {row} cannot be read as CSV: {error}").format(row=number + 1,
                                                                                       error=exc)) from None
            except UnicodeDecodeError:
                raise FileRefused(_("Row {row} is not valid {encoding} text. Choose another encoding.").format(
                    row=number + 1, encoding=table.encoding)) from None
    finally:
        csv.field_size_limit(old_limit)


def _too_many_rows() -> FileRefused:
    return FileRefused(_("The sheet has more than {n} rows. If most of them are empty, delete the empty rows in "
                         "Excel and save again; otherwise split the file.").format(n=f"{MAX_ROWS:,}"))


# -- .xlsx -----------------------------------------------------------------------------------------

def check_xlsx_archive(path: Path) -> None:
    """Zip and XML checks of an .xlsx made before any parsing: member count, sizes, ratio, no DTD or entity."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused(_("This .xlsx file is damaged or not an Excel workbook (it is not a valid zip "
                            "archive).")) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise FileRefused(_("This workbook holds {n} parts, far more than any spreadsheet: it is refused.")
                              .format(n=len(members)))
        total = 0
        for info in members:
            if info.flag_bits & 0x1:
                raise FileRefused(_("This workbook is password-protected. Remove the password in Excel and save "
                                    "it again."))
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_MEMBER_BYTES or total > MAX_EXPANDED_BYTES:
                raise FileRefused(_("This workbook would expand to more than {mb} MB (a \"zip bomb\"): it is "
                                    "refused.").format(mb=MAX_EXPANDED_BYTES // (1024 * 1024)))
            if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
                raise FileRefused(_("A part of this workbook is compressed {ratio:,.0f} times, which no real "
                                    "spreadsheet is (a \"zip bomb\"): it is refused.").format(ratio=ratio))
            name = info.filename.lower()
            if name.endswith("sharedstrings.xml") and info.file_size > MAX_SHARED_STRINGS_BYTES:
                raise FileRefused(_("The text of this workbook is larger than {mb} MB: split it into smaller "
                                    "files.").format(mb=MAX_SHARED_STRINGS_BYTES // (1024 * 1024)))
            if name.endswith((".xml", ".rels", ".vml")):
                try:
                    with archive.open(info) as member:
                        head = member.read(XML_HEAD_BYTES)
                except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
                    raise FileRefused(_("This workbook is damaged ({error}).").format(error=exc)) from None
                upper = head.upper()
                if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
                    raise FileRefused(_("This workbook contains XML entity definitions, which Excel never "
                                        "writes (an \"XML bomb\"): it is refused."))


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def _count_rows(archive: zipfile.ZipFile, member: str) -> int:
    """How many <row> elements a sheet holds, counted on the raw bytes (fast, no parsing)."""
    count = 0
    tail = b""
    with archive.open(member) as f:
        while chunk := f.read(1 << 20):
            data = tail + chunk
            # a match ending inside the carried-over tail was counted with the previous chunk
            count += sum(1 for m in _ROW_TAG.finditer(data) if m.end() > len(tail))
            tail = data[-64:]
    return count


_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_members(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip member) of every worksheet, from the workbook part and its relationships (defusedxml)."""
    from defusedxml import ElementTree

    def rels(member: str) -> dict[str, tuple[str, str]]:
        root = ElementTree.fromstring(archive.read(member))
        return {r.get("Id"): (r.get("Type", ""), r.get("Target", "")) for r in root.iter(_PKG_REL_NS + "Relationship")}

    def resolve(base: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        parts = [p for p in (base.rsplit("/", 1)[0] + "/" + target).split("/") if p and p != "."]
        out: list[str] = []
        for part in parts:
            if part == "..":
                if out:
                    out.pop()
            else:
                out.append(part)
        return "/".join(out)

    workbook = next((resolve("", t) for kind, t in rels("_rels/.rels").values() if kind.endswith("/officeDocument")),
                    "xl/workbook.xml")
    folder, name = workbook.rsplit("/", 1) if "/" in workbook else ("", workbook)
    targets = rels(f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels")
    root = ElementTree.fromstring(archive.read(workbook))
    sheets = []
    for sheet in root.iter():
        if sheet.tag.endswith("}sheet") or sheet.tag == "sheet":
            kind, target = targets.get(sheet.get(_REL_NS + "id"), ("", ""))
            if target and kind.endswith("/worksheet"):
                sheets.append((sheet.get("name") or "", resolve(workbook, target)))
    return sheets


def _open_xlsx(path: Path, size: int, sheet: str | None) -> Table:
    if size > MAX_XLSX_BYTES:
        raise FileRefused(_("The file is larger than {mb} MB: split it into smaller files.").format(
            mb=MAX_XLSX_BYTES // (1024 * 1024)))
    check_xlsx_archive(path)
    try:
        with zipfile.ZipFile(path) as archive:
            sheets = _sheet_members(archive)
            if not sheets:
                raise FileRefused(_("This workbook has no sheet."))
            names = [n for n, _m in sheets]
            chosen = sheet if sheet in names else names[0]
            if _count_rows(archive, dict(sheets)[chosen]) > MAX_ROWS:
                raise _too_many_rows()
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - a missing part, bad XML (defusedxml refusals included)
        raise _workbook_refusal(exc) from None
    return Table(path, "xlsx", sheet=chosen, sheets=names)


_DEFUSED = ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden", "NotSupportedError")


def _workbook_refusal(exc: BaseException) -> FileRefused:
    kind = type(exc).__name__
    cause: BaseException | None = exc
    while cause is not None:            # openpyxl wraps the parser's refusal in its own ValueError
        if type(cause).__name__ in _DEFUSED:
            kind = type(cause).__name__
            break
        cause = cause.__cause__ or cause.__context__
    if kind in _DEFUSED:
        return FileRefused(_("This workbook contains XML entity definitions, which Excel never writes (an \"XML "
                             "bomb\"): it is refused."))
    if isinstance(exc, MemoryError):
        return FileRefused(_("This workbook is too large to read."))
    return FileRefused(_("This workbook cannot be read ({error}). Open it in Excel or WPS and save it again as "
                         ".xlsx.").format(error=f"{kind}: {exc}"[:200]))


def _loaded(table: Table):
    """The table's workbook, loaded on first use and kept (openpyxl read-only mode)."""
    if table._book is None:
        import openpyxl

        if not openpyxl.DEFUSEDXML:   # pragma: no cover - defusedxml is a dependency; never parse without it
            raise FileRefused(_("Excel workbooks cannot be read safely: the defusedxml package is missing."))
        try:
            table._book = openpyxl.load_workbook(table.path, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # noqa: BLE001 - any parser failure is a damaged or hostile file
            raise _workbook_refusal(exc) from None
    return table._book


def _xlsx_rows(table: Table) -> Iterator[tuple[int, tuple]]:
    wb = _loaded(table)
    ws = wb[table.sheet] if table.sheet in wb.sheetnames else wb.worksheets[0]
    number = 0
    try:
        # no max_col: openpyxl would pad every row to it; rows come as wide as their last cell
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise _too_many_rows()
            yield number, row if len(row) <= MAX_COLUMNS else row[:MAX_COLUMNS]
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - a parser failure midway is a damaged or hostile file
        raise FileRefused(_("Row {row} of this workbook cannot be read: {error}").format(
            row=number + 1, error=_workbook_refusal(exc).message)) from None


# -- .xls ------------------------------------------------------------------------------------------

def _open_xls(path: Path, size: int, sheet: str | None) -> Table:
    if size > MAX_XLS_BYTES:
        raise FileRefused(_("The file is larger than {mb} MB: split it into smaller files.").format(
            mb=MAX_XLS_BYTES // (1024 * 1024)))
    with _xls_book(path) as book:
        names = book.sheet_names()
    if not names:
        raise FileRefused(_("This workbook has no sheet."))
    return Table(path, "xls", sheet=sheet if sheet in names else names[0], sheets=names)


@contextlib.contextmanager
def _xls_book(path: Path):
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds for damaged files
        raise FileRefused(_("This .xls workbook cannot be read ({error}). Open it in Excel or WPS and save it "
                            "again.").format(error=str(exc)[:200])) from None
    try:
        yield book
    finally:
        book.release_resources()


def _xls_rows(table: Table) -> Iterator[tuple[int, tuple]]:
    import xlrd

    with _xls_book(table.path) as book:
        try:
            sh = book.sheet_by_name(table.sheet) if table.sheet else book.sheet_by_index(0)
        except Exception as exc:  # noqa: BLE001
            raise FileRefused(_("This .xls workbook cannot be read ({error}).").format(error=exc)) from None
        for index in range(min(sh.nrows, MAX_ROWS + 1)):
            if index >= MAX_ROWS:
                raise _too_many_rows()
            values = []
            for cell in sh.row(index)[:MAX_COLUMNS]:
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        values.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        values.append(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    values.append(None)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    values.append(bool(cell.value))
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    number = cell.value
                    values.append(int(number) if float(number).is_integer() and abs(number) < 2 ** 53 else number)
                else:
                    values.append(cell.value)
            yield index + 1, tuple(values)


# -- cells as text ---------------------------------------------------------------------------------

def cell_text(value: Any) -> str:
    """A cell as the text a person sees: numbers without a trailing .0, dates as ISO, an export's apostrophe dropped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unneutralise(value.strip())
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


# -- writing ---------------------------------------------------------------------------------------

def write_table(path: str | os.PathLike, header: list[str], rows: Iterable[Iterable[Any]], title: str = "") -> int:
    """Write HEADER and ROWS to PATH (.xlsx or .csv by its extension), safely; the number of data rows written.

    The file is written under a temporary name and renamed at the end, so a failure never
    leaves half a file under the chosen name.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise FileRefused(_("Choose a file name ending in .xlsx or .csv."))
    partial = path.with_name(f".{path.name}.partial")
    try:
        count = (_write_xlsx if suffix == ".xlsx" else _write_csv)(partial, header, rows, title)
        os.replace(partial, path)
    except OSError as exc:
        raise FileRefused(_("The file cannot be written: {error}").format(error=exc.strerror or exc)) from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    return count


def _write_csv(path: Path, header: list[str], rows: Iterable[Iterable[Any]], _title: str) -> int:
    count = 0
    # UTF-8 with BOM: Excel on Chinese Windows opens it with the right characters
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
            count += 1
    return count


def _csv_cell(value: Any) -> Any:
    value = safe_value(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _write_xlsx(path: Path, header: list[str], rows: Iterable[Iterable[Any]], title: str) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(title))
    count = 0

    def cell(value: Any):
        value = safe_value(value)
        if isinstance(value, str):
            c = WriteOnlyCell(ws, value=_ILLEGAL_XML.sub("", value))
            c.data_type = "s"       # text, never a formula, whatever it starts with
            return c
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, dt.datetime):
            c.number_format = "yyyy-mm-dd hh:mm:ss"
        elif isinstance(value, dt.date):
            c.number_format = "yyyy-mm-dd"
        return c

    ws.append([cell(h) for h in header])
    for row in rows:
        ws.append([cell(v) for v in row])
        count += 1
    wb.save(path)
    return count


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title or "").strip()[:31]
    return cleaned or "Sheet1"
