"""Real spreadsheet files for the import tests: written by openpyxl, xlwt and the csv module, plus hostile ones."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from pathlib import Path
from typing import Any, Iterable

from desktop_cs.services.identity import id_check_character

#: region codes valid for every birth year the tests use
REGIONS = ("110101", "110102", "110105", "110108", "310101", "310104")
HEADER = ["姓名", "手机号码", "身份证号码", "邮箱", "客户类型", "等级", "来源", "专员", "备注", "注册日期"]


def id_number(n: int, born: dt.date | None = None, region: str | None = None) -> str:
    """A valid resident ID number (checksum and region right), different for each N."""
    born = born or dt.date(1960, 1, 1) + dt.timedelta(days=(n * 37) % 15000)
    first17 = (region or REGIONS[n % len(REGIONS)]) + born.strftime("%Y%m%d") + f"{n % 1000:03d}"
    return first17 + id_check_character(first17)


def mobile(n: int) -> str:
    return f"139{n:08d}"


def customer_row(n: int, **overrides: Any) -> list:
    row = {"姓名": f"客户{n}", "手机号码": mobile(n), "身份证号码": id_number(n), "邮箱": f"c{n}@example.com",
           "客户类型": "投资人", "等级": "", "来源": "热线", "专员": "", "备注": f"备注{n}", "注册日期": "2024-03-15"}
    row.update(overrides)
    return [row[h] for h in HEADER]


def write_xlsx(path: Path, header: list, rows: Iterable[list], *, title: str = "客户") -> Path:
    """A workbook as Excel would hold it: strings as text, numbers and dates as numbers (openpyxl)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, header: list, rows: Iterable[list], *, encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    """A CSV file in ENCODING ("utf-8-sig" writes the BOM Excel writes) with DELIMITER."""
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def write_xls(path: Path, header: list, rows: Iterable[list]) -> Path:
    """An Excel 97-2003 workbook (xlwt): numbers as numbers, dates as date cells."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("客户")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for c, value in enumerate(header):
        ws.write(0, c, value)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (dt.date, dt.datetime)):
                ws.write(r, c, value, date_style)
            else:
                ws.write(r, c, value)
    wb.save(str(path))
    return path


# -- hostile files (small on disk) -----------------------------------------------------------------

def _replace_member(source: Path, target: Path, member: str, data: bytes | None = None,
                    raw_info: zipfile.ZipInfo | None = None) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename == member and data is not None:
                out.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
            else:
                out.writestr(info, src.read(info.filename))
    return target


def zip_bomb_ratio(tmp: Path) -> Path:
    """An .xlsx whose sheet expands 1000-fold (50 MB of repeated bytes in ~50 KB)."""
    base = write_xlsx(tmp / "base.xlsx", HEADER, [customer_row(1)])
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData>' + b" " * (50 * 1024 * 1024) + b"</sheetData></worksheet>")
    return _replace_member(base, tmp / "zip_bomb.xlsx", "xl/worksheets/sheet1.xml", sheet)


def zip_bomb_claimed(tmp: Path) -> Path:
    """An .xlsx whose sheet claims (in the zip directory) to expand to 4 GB."""
    base = write_xlsx(tmp / "base2.xlsx", HEADER, [customer_row(1)])
    data = bytearray(base.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = 0
    while True:
        at = data.find(b"PK\x01\x02", at)
        if at < 0:
            raise AssertionError("central directory entry not found")
        name_length = int.from_bytes(data[at + 28:at + 30], "little")
        if bytes(data[at + 46:at + 46 + name_length]) == name:
            data[at + 24:at + 28] = (0xFFFFFFF0).to_bytes(4, "little")   # uncompressed size
            break
        at += 4
    target = tmp / "zip_bomb_claimed.xlsx"
    target.write_bytes(bytes(data))
    return target


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']>\n')


def xml_bomb(tmp: Path, padding: int = 0) -> Path:
    """An .xlsx whose sheet XML defines the "billion laughs" entities (PADDING bytes of comment before them)."""
    base = write_xlsx(tmp / "base3.xlsx", HEADER, [customer_row(1)])
    with zipfile.ZipFile(base) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    body = sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet
    body = body.replace(b"<sheetData>", b"<sheetData><row r=\"9\"><c r=\"A9\" t=\"inlineStr\"><is><t>&lol9;</t></is>"
                                      b"</c></row>", 1)
    doc = BILLION_LAUGHS.replace(b"<!DOCTYPE", b"<!--" + b" " * padding + b"-->\n<!DOCTYPE") if padding \
        else BILLION_LAUGHS
    return _replace_member(base, tmp / f"xml_bomb{'_padded' if padding else ''}.xlsx", "xl/worksheets/sheet1.xml",
                           doc + body)


def binary_as_csv(tmp: Path) -> Path:
    target = tmp / "binary.csv"
    target.write_bytes(bytes(range(256)) * 16 + os.urandom(4096))
    return target


def png_as_csv(tmp: Path) -> Path:
    target = tmp / "picture.csv"
    target.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2048))
    return target


def xlsx_as_csv(tmp: Path) -> Path:
    base = write_xlsx(tmp / "base4.xlsx", HEADER, [customer_row(1)])
    target = tmp / "workbook.csv"
    target.write_bytes(base.read_bytes())
    return target


def nul_bytes_csv(tmp: Path) -> Path:
    target = tmp / "nul.csv"
    text = ",".join(HEADER) + "\r\n" + "张三\x00\x00,13812345678\r\n"
    target.write_bytes(text.encode("utf-8"))
    return target


def nul_late_csv(tmp: Path) -> Path:
    """NUL bytes only after the first 64 KB (missed by the sniff, caught while reading)."""
    target = tmp / "nul_late.csv"
    lines = [",".join(HEADER)] + [",".join(str(v) for v in customer_row(i)) for i in range(1, 2000)]
    text = "\r\n".join(lines) + "\r\n坏\x00行,13800000000\r\n"
    target.write_bytes(text.encode("utf-8"))
    return target


def huge_field_csv(tmp: Path, size: int = 5 * 1024 * 1024) -> Path:
    target = tmp / "huge_field.csv"
    with open(target, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\r\n")
        f.write("张三,13812345678,," + "x" * size + "\r\n")
    return target


def long_cell_csv(tmp: Path) -> Path:
    """A quoted cell of 100,000 characters spread over many short lines (beats the line limit, not the cell limit)."""
    target = tmp / "long_cell.csv"
    with open(target, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\r\n")
        f.write('张三,13812345678,,,,,,,"' + ("y" * 99 + "\n") * 1000 + '"\r\n')
    return target


def empty_rows_csv(tmp: Path, count: int = 1_000_000) -> Path:
    target = tmp / "empty_rows.csv"
    with open(target, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\n")
        f.write(",,,,,,,,,\n" * count)
    return target


def empty_rows_xlsx(tmp: Path, count: int = 1_000_000) -> Path:
    """An .xlsx with a header and COUNT empty <row> elements (~2.6 MB on disk)."""
    base = write_xlsx(tmp / "base5.xlsx", HEADER, [])
    with zipfile.ZipFile(base) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    head, tail = sheet.split(b"</sheetData>", 1)
    buffer = io.BytesIO()
    buffer.write(head)
    for start in range(2, count + 2, 100_000):
        buffer.write(b"".join(b'<row r="%d"/>' % r for r in range(start, min(start + 100_000, count + 2))))
    buffer.write(b"</sheetData>" + tail)
    return _replace_member(base, tmp / "empty_rows.xlsx", "xl/worksheets/sheet1.xml", buffer.getvalue())


def not_a_zip_xlsx(tmp: Path) -> Path:
    target = tmp / "broken.xlsx"
    target.write_bytes(b"PK\x03\x04" + os.urandom(1000))
    return target


HOSTILE = {
    "zip_bomb_ratio": zip_bomb_ratio, "zip_bomb_claimed": zip_bomb_claimed, "xml_bomb": xml_bomb,
    "xml_bomb_padded": lambda tmp: xml_bomb(tmp, padding=70_000), "binary_as_csv": binary_as_csv,
    "png_as_csv": png_as_csv, "xlsx_as_csv": xlsx_as_csv, "nul_bytes": nul_bytes_csv, "nul_late": nul_late_csv,
    "huge_field": huge_field_csv, "long_cell": long_cell_csv, "empty_rows_csv": empty_rows_csv,
    "empty_rows_xlsx": empty_rows_xlsx, "not_a_zip": not_a_zip_xlsx,
}
