"""URL lists: a text file with one URL a line, or a CSV export of an SEO tool. Pure.

The URL column of a CSV is found by its header: the first of :data:`URL_HEADERS`
present (case and spacing ignored), else the first column whose first value is a
URL. Ahrefs ("Referring page URL", "URL"), Semrush ("Source url", "URL"), Google
Search Console ("Top pages", "Page"), Majestic ("SourceURL") and Moz ("URL")
exports all work. Tab-separated and UTF-16 exports (Ahrefs' default) are read too.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

__all__ = ["URL_HEADERS", "UrlList", "UrlListError", "read_url_list"]

URL_HEADERS = ("url", "referring page url", "source url", "sourceurl", "source_url", "page",
               "page url", "top pages", "address", "link", "landing page", "target url",
               "referring url", "from url", "urls")


class UrlListError(ValueError):
    """A URL list cannot be read or holds no URL column."""


@dataclass(frozen=True, slots=True)
class UrlList:
    urls: tuple[str, ...]
    column: str = ""  # the CSV header used ("" for a plain list)
    skipped: int = 0  # lines or rows that held no http(s) URL


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


def _is_url(value: str) -> bool:
    value = value.strip()
    return value.startswith(("http://", "https://")) and " " not in value and len(value) > 10


def read_url_list(raw: bytes, name: str) -> UrlList:
    """The URLs in the file ``name`` whose bytes are ``raw``."""
    try:
        text = _decode(raw)
    except UnicodeDecodeError:
        raise UrlListError(f"cannot read {name}: not UTF-8 or UTF-16 text") from None
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise UrlListError(f"{name} holds no URL")
    first = lines[0]
    if not any(sep in first for sep in (",", "\t", ";")) or _is_url(first.strip()):
        urls = [line.strip() for line in lines if not line.lstrip().startswith("#")]
        good = [u for u in urls if _is_url(u)]
        if not good:
            raise UrlListError(f"{name} holds no http(s) URL")
        return UrlList(tuple(dict.fromkeys(good)), "", len(urls) - len(good))
    dialect = "excel-tab" if first.count("\t") > first.count(",") else "excel"
    if dialect == "excel" and first.count(";") > first.count(","):
        reader = csv.reader(io.StringIO(text), delimiter=";")
    else:
        reader = csv.reader(io.StringIO(text), dialect=dialect)
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    header, body = rows[0], rows[1:]
    names = [" ".join(h.strip().lower().split()) for h in header]
    index = next((names.index(h) for h in URL_HEADERS if h in names), None)
    if index is None and body:
        index = next((i for i, cell in enumerate(body[0]) if _is_url(cell)), None)
    if index is None:
        raise UrlListError(f"{name}: no URL column (looked for a header like "
                           f"'URL', 'Referring page URL', 'Source url' or 'Page')")
    values = [row[index].strip() for row in body if len(row) > index]
    good = [v for v in values if _is_url(v)]
    if not good:
        raise UrlListError(f"{name}: column {header[index].strip()!r} holds no http(s) URL")
    return UrlList(tuple(dict.fromkeys(good)), header[index].strip(), len(body) - len(good))
