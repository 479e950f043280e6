"""Reading input: the records of a batch job, and the one text of the other commands.

:func:`read_text` reads a UTF-8 file or standard input, and
:func:`paragraph_units` splits its text into the paragraphs that ``zonenlp
tag``, ``report`` and ``keywords`` work on.

:class:`RecordReader` streams the records of a file, one in memory at a time,
in UTF-8, UTF-8 with a BOM or GB18030 (:func:`detect_encoding`, or given). A
record that cannot be read — invalid bytes, broken JSON, no text field —
comes out as an :class:`Unreadable` in its place, so that the batch job writes
an error record there. Ids are strings: the record's id field (a JSON number
as its JSON text: ``2`` -> ``"2"``), else ``"line:N"`` (JSON Lines, plain
text; N counts every line of the file) or ``"row:N"`` (CSV, the first data row
being 1), which a user's own ids do not take by accident;
``file:article:paragraph`` for pages. Blank lines are not records.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import InputValueError
from .text import DEFAULT_MAX_CHARS

__all__ = [
    "RecordReader", "Unreadable", "ArticleParagraph", "detect_encoding", "read_text", "paragraph_units", "file_units",
    "file_articles", "is_pdf",
    "is_html", "INPUT_FORMATS", "HTML_SUFFIXES",
]

#: The suffixes of saved web pages, read by :func:`zonenlp.web.read_html` (the web extra).
HTML_SUFFIXES = (".html", ".htm")
#: The files of a directory of pages: text pages, saved web pages and PDFs.
PAGE_SUFFIXES = (".txt", *HTML_SUFFIXES, ".pdf")

INPUT_FORMATS = ("jsonl", "csv", "lines")
_SUFFIX_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".txt": "lines"}

# Bytes a file's encoding is judged on: enough lines to be sure, read once.
_SAMPLE_BYTES = 1 << 20
# Bytes that could not be decoded come through as these lone surrogates
# (Python's "surrogateescape"), so a bad line is found without a second decode.
_ESCAPED = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Unreadable:
    """A record that could not be read, in its place among the good values
    (:func:`zonenlp.batch.tag_values` writes it as ``{"error": message}``)."""

    message: str


class ArticleParagraph(str):
    """A paragraph of a page record, with the name of its article (``file:article``), so that
    :func:`zonenlp.batch.tag_values` can tag it in its article (:mod:`zonenlp.context`)."""

    __slots__ = ("article",)

    def __new__(cls, text: str, article: str) -> ArticleParagraph:
        paragraph = super().__new__(cls, text)
        paragraph.article = article
        return paragraph

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:  # to worker processes with its article
        return ArticleParagraph, (str(self), self.article)


def _display_name(encoding: str) -> str:
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GB18030"}.get(encoding, encoding)


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: str | Path) -> str:
    """``"utf-8-sig"``, ``"utf-8"`` or ``"gb18030"``: the encoding of the text file at ``path``.

    A UTF-8 byte-order mark decides at once. Otherwise the lines of the first
    MiB that are not plain ASCII vote: UTF-8 wins if it decodes at least half
    of them (GB18030 text is almost never valid UTF-8, while UTF-8 text often
    decodes as GB18030 mojibake), then GB18030. A file that neither reads is
    refused with an :class:`InputValueError` naming its first line that is neither.
    """
    with open(path, "rb") as fh:
        sample = fh.read(_SAMPLE_BYTES)
        truncated = bool(fh.read(1))
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    lines = sample.split(b"\n")[: -1 if truncated else None]  # the sample may end inside a character
    non_ascii = [line for line in lines if not line.isascii()]
    encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        if 2 * sum(_decodes(line, encoding) for line in non_ascii) >= len(non_ascii):
            return encoding
    # neither decodes half of the lines, so some line decodes in neither
    first_bad = next(n for n, line in enumerate(lines, 1) if not any(_decodes(line, e) for e in encodings))
    raise InputValueError(
        f"{path} is neither UTF-8 nor GB18030 text: line {first_bad} is invalid in both; convert it, or give "
        "its encoding (e.g. --encoding gb18030) to read it with undecodable lines as error records"
    )


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    """``lines`` without a BOM the codec kept (GB18030's, or UTF-8 read as "utf-8")."""
    for number, line in enumerate(lines, 1):
        yield line.lstrip("\ufeff") if number == 1 else line


class RecordReader:
    """Stream ``(id, value)`` records out of a file, one record in memory at a time.

    Parameters
    ----------
    path:
        The input file; with ``pages=True`` a page file or a directory whose
        ``*.txt``, ``*.html``, ``*.htm`` and ``*.pdf`` files (in name order) are pages; a web
        page is read by :func:`zonenlp.web.read_html` (the web extra), a PDF by
        :func:`zonenlp.pdf.read_pdf` (the pdf extra).
    input_format:
        ``"jsonl"``, ``"csv"`` or ``"lines"`` (one paragraph per line);
        ``None`` chooses by the file's suffix (``.jsonl``/``.ndjson``,
        ``.csv``, ``.txt``).
    text_field, id_field:
        The JSON key or CSV column holding the text and the id.
    encoding:
        ``None`` detects it (see :func:`detect_encoding`); any Python codec
        name reads the file as that, undecodable lines becoming error records.
    pages:
        Read each file as a newspaper page with :func:`zonenlp.read_page`;
        every paragraph is a record with id ``file:article:paragraph``.
    urls:
        Read ``path`` as a list of URLs, one a line (blank lines and ``#`` comments
        skipped), and each page fetched by ``fetcher`` as a web page: every paragraph is a
        record with id ``URL:article:paragraph``; a URL that fails is one error record.
    fetcher:
        The :class:`zonenlp.fetch.Fetcher` of ``urls`` (default: one with its defaults).
    max_chars:
        The longest page read (a longer page is one error record).

    ``value`` is the record's text — or whatever the record held instead
    (``None``, a number …) — or an :class:`Unreadable`. ``bytes_read()`` and
    ``size`` measure progress through the input.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        input_format: str | None = None,
        text_field: str = "text",
        id_field: str = "id",
        encoding: str | None = None,
        pages: bool = False,
        urls: bool = False,
        fetcher: Any = None,
        max_chars: int | None = DEFAULT_MAX_CHARS,
    ) -> None:
        self.path = Path(path)
        self.files = [self.path]
        self.fetcher = fetcher
        if pages and urls:
            raise InputValueError("give pages or urls, not both")
        if urls:
            self.format = "urls"
        elif pages:
            if self.path.is_dir():
                self.files = sorted(p for p in self.path.iterdir() if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)
            self.format = "pages"
        else:
            if self.path.is_dir():
                raise InputValueError(f"{path} is a directory; only pages (--pages) are read from a directory")
            self.format = input_format or _SUFFIX_FORMATS.get(self.path.suffix.lower(), "")
            if self.format not in INPUT_FORMATS:
                raise InputValueError(
                    f"cannot tell the format of {path} from its suffix; give one of {', '.join(INPUT_FORMATS)}"
                    + " (--input-format)" * (input_format is None)
                )
        for file in self.files:
            if not file.is_file():
                raise InputValueError(f"no such file: {file}")
        try:
            self.encoding = codecs.lookup(encoding).name if encoding else None
        except LookupError:
            raise InputValueError(f"unknown encoding {encoding!r}; use e.g. utf-8 or gb18030") from None
        self.text_field = text_field
        self.id_field = id_field
        self.max_chars = max_chars
        self.size = sum(file.stat().st_size for file in self.files)
        self._done_bytes = 0  # bytes of the files finished so far
        self._current: IO[bytes] | None = None

    def settings(self) -> dict[str, Any]:
        """What decides which records come out: recorded in a checkpoint, checked on resume."""
        return {
            "input": str(self.path.resolve()), "format": self.format, "text_field": self.text_field,
            "id_field": self.id_field, "encoding": self.encoding, "max_chars": self.max_chars,
        }

    def bytes_read(self) -> int:
        """How far into the input the reader is, in bytes (read-ahead included)."""
        current = self._current.tell() if self._current is not None and not self._current.closed else 0
        return min(self._done_bytes + current, self.size)

    def __iter__(self) -> Iterator[tuple[str, object]]:
        self._done_bytes = 0
        for file in self.files:
            if self.format == "pages":
                yield from self._page(file)
            elif self.format == "urls":
                yield from self._urls(file)
            else:
                encoding = self.encoding or detect_encoding(file)
                with open(file, "rb") as raw:
                    self._current = raw
                    newline = "" if self.format == "csv" else None  # csv reads the line ends itself
                    text = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline=newline)
                    read = self._csv if self.format == "csv" else self._lines
                    yield from read(_without_bom(text), _display_name(encoding))
                    self._current = None
            self._done_bytes += file.stat().st_size

    def _lines(self, lines: Iterator[str], encoding: str) -> Iterator[tuple[str, object]]:
        """The records of JSON Lines and plain-text files: each line that is not blank."""
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            # a JSON record's id survives bad bytes elsewhere in the line: the line still parses
            record_id, value = self._json(line, number) if self.format == "jsonl" else (f"line:{number}", line)
            if _ESCAPED.search(line):
                value = Unreadable(f"invalid bytes for {encoding} at line {number}")
            yield record_id, value

    def _json(self, line: str, number: int) -> tuple[str, object]:
        """The id and the text of the JSON Lines record ``line``, or why it has no text."""
        record_id = f"line:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            return record_id, Unreadable(f"line {number} is not valid JSON: {exc.msg} (column {exc.colno})")
        if not isinstance(record, dict):
            return record_id, Unreadable(f"line {number} is a JSON {type(record).__name__}, not an object")
        value = record.get(self.id_field)
        if value is not None and value != "":
            record_id = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if self.text_field not in record:
            return record_id, Unreadable(f"line {number} has no {self.text_field!r} field")
        return record_id, record[self.text_field]

    def _csv(self, lines: Iterator[str], encoding: str) -> Iterator[tuple[str, object]]:
        # The csv module refuses fields over 128 KiB by default; a long text must
        # be read to be refused as too long, not end the job. The limit is
        # process-wide, so it is only ever raised.
        csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
        reader = csv.reader(lines)
        header = next(reader, None)
        if header is None:
            return
        if self.text_field not in header:
            raise InputValueError(f"{self.path} has no column {self.text_field!r}; its columns are {header}")
        text_at = header.index(self.text_field)
        id_at = header.index(self.id_field) if self.id_field in header else None
        try:
            for number, row in enumerate(filter(None, reader), 1):  # an empty row is a blank line
                record_id = (row[id_at] if id_at is not None and id_at < len(row) else "") or f"row:{number}"
                ending = f"the row ending at line {reader.line_num}"
                if any(_ESCAPED.search(cell) for cell in row):
                    yield record_id, Unreadable(f"invalid bytes for {encoding} in {ending}")
                elif text_at >= len(row):
                    yield record_id, Unreadable(f"{ending} has no {self.text_field!r} column")
                else:
                    yield record_id, row[text_at]
        except csv.Error as exc:
            raise InputValueError(f"{self.path}: broken CSV at line {reader.line_num}: {exc}") from None

    def _page(self, file: Path) -> Iterator[tuple[str, object]]:
        from .page import read_page

        name = file.name
        read = _document_reader(file)
        if read is not None:
            yield from self._paragraphs(name, lambda: read(file.read_bytes(), max_chars=self.max_chars))
            return
        try:
            encoding = self.encoding or detect_encoding(file)
        except InputValueError as exc:
            yield name, Unreadable(str(exc))
            return
        text = file.read_bytes().decode(encoding, errors="surrogateescape").lstrip("\ufeff")
        bad = _ESCAPED.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            yield name, Unreadable(f"invalid bytes for {_display_name(encoding)} at line {line}")
            return
        yield from self._paragraphs(name, lambda: read_page(text, max_chars=self.max_chars))

    def _urls(self, file: Path) -> Iterator[tuple[str, object]]:
        """The paragraph records of the web page at each URL of ``file``."""
        from .errors import FetchError
        from .fetch import Fetcher, listed_urls, read_url

        fetcher = self.fetcher or Fetcher()
        with open(file, encoding="utf-8-sig") as lines:
            for url in listed_urls(lines):
                try:
                    articles = read_url(url, fetcher=fetcher)
                except (FetchError, InputValueError) as exc:
                    yield url, Unreadable(str(exc))
                    continue
                yield from self._paragraphs(url, lambda: articles)

    def _paragraphs(self, name: str, read: Callable[[], list[Any]]) -> Iterator[tuple[str, object]]:
        """The paragraph records of the articles ``read()`` returns for the page file ``name``."""
        try:
            articles = read()
        except InputValueError as exc:
            yield name, Unreadable(f"page {exc}")
            return
        paragraphs = [(a, p, para) for a, article in enumerate(articles, 1) for p, para in enumerate(article.paragraphs, 1)]
        if not paragraphs:
            yield name, Unreadable("the page has no paragraphs")
        for a, p, paragraph in paragraphs:
            yield f"{name}:{a}:{p}", ArticleParagraph(paragraph, f"{name}:{a}")


def read_text(source: str) -> str:
    """The text of the file ``source``, or of standard input for ``-``: UTF-8 (a BOM is allowed), as the
    commands that read one text (``zonenlp tag``, ``report``, ``keywords``) take it."""
    if source == "-":
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise InputValueError(f"cannot read {source}: {exc.strerror}") from None
        name = source
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputValueError(f"{name} is not UTF-8 text (invalid byte at line {line}); convert it to UTF-8 first") from None


def is_html(path: str | Path) -> bool:
    """Whether ``path`` names a saved web page (``.html`` or ``.htm``)."""
    return Path(path).suffix.lower() in HTML_SUFFIXES


def is_pdf(path: str | Path) -> bool:
    """Whether ``path`` names a PDF (an e-paper page), read by :func:`zonenlp.pdf.read_pdf`."""
    return Path(path).suffix.lower() == ".pdf"


def paragraph_units(text: str, lines: bool) -> list[tuple[int | None, str | None, str]]:
    """``(article number, article title, paragraph)`` of each paragraph of ``text``, read as a
    newspaper page (:func:`zonenlp.read_page`), or with ``lines`` one paragraph per line."""
    from .page import read_page
    from .text import split_paragraphs

    if lines:
        return [(None, None, p) for p in split_paragraphs(text)]
    return [(n, a.title, p) for n, a in enumerate(read_page(text), 1) for p in a.paragraphs]


def _document_reader(path: str | Path) -> Callable[..., list[Any]] | None:
    """The reader of a saved web page (:func:`zonenlp.web.read_html`) or a PDF
    (:func:`zonenlp.pdf.read_pdf`), which take the file's bytes; ``None`` for a text page."""
    if is_pdf(path):
        from .pdf import read_pdf

        return read_pdf
    if is_html(path):
        from .web import read_html

        return read_html
    return None


def file_articles(source: str) -> list[Any]:
    """The articles of ``source``: a URL's page (:func:`zonenlp.fetch.read_url`), a saved web
    page or a PDF (:func:`is_html`, :func:`is_pdf`), any other file (``-``: standard input)
    as a text page by :func:`zonenlp.read_page`."""
    from .fetch import is_url

    if is_url(source):
        from .fetch import read_url

        return read_url(source)
    read = _document_reader(source)
    if read is None:
        from .page import read_page

        return read_page(read_text(source))
    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise InputValueError(f"cannot read {source}: {exc.strerror}") from None
    return read(data)


def file_units(source: str, lines: bool) -> list[tuple[int | None, str | None, str]]:
    """:func:`paragraph_units` of the file ``source`` (``-``: standard input); a URL, a saved
    web page or a PDF is read by :func:`file_articles`, whatever ``lines`` says."""
    from .fetch import is_url

    if lines and not is_url(source) and _document_reader(source) is None:
        return paragraph_units(read_text(source), lines)
    return [(n, a.title, p) for n, a in enumerate(file_articles(source), 1) for p in a.paragraphs]
