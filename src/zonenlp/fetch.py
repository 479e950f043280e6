"""Fetching news pages by URL, politely: requests with a timeout, a size cap, retries with
back-off, a pace per host, a User-Agent that says who asks, redirects followed, and a cache.

A URL that cannot be read raises :class:`~zonenlp.errors.FetchError` naming the HTTP
status or the cause; ``zonenlp batch --urls`` writes it as the URL's error record.

Needs the web extra: ``pip install "zonenlp[web]"``.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ._version import __version__
from .errors import FetchError, InputValueError, MissingDependencyError

__all__ = ["Fetcher", "FetchedPage", "read_url", "is_url", "listed_urls", "USER_AGENT"]

USER_AGENT = f"zonenlp/{__version__} (news reader for development-zone analysis; python-requests)"

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_PDF_TYPE = "application/pdf"
_RETRY_STATUSES = (429, 500, 502, 503, 504)


def is_url(source: str) -> bool:
    """Whether ``source`` is an http(s) URL rather than a file name.

    >>> is_url("https://www.example.gov.cn/news/1.html"), is_url("saved/page.html")
    (True, False)
    >>> Fetcher().fetch("saved/page.html")
    Traceback (most recent call last):
    ...
    zonenlp.errors.InputValueError: not an http(s) URL: 'saved/page.html'
    """
    return source.startswith(("http://", "https://"))


def listed_urls(lines: Iterable[str]) -> Iterator[str]:
    """The URLs of a list of them, one a line, as ``zonenlp batch --urls`` and ``zonenlp digest
    --urls`` read it: blank lines and ``#`` comments skipped.

    >>> list(listed_urls(["# this week", "https://a.example/1.html ", "", "https://a.example/2.html"]))
    ['https://a.example/1.html', 'https://a.example/2.html']
    """
    for line in lines:
        url = line.strip()
        if url and not url.startswith("#"):
            yield url


@dataclass(frozen=True)
class FetchedPage:
    """A page as fetched: the URL asked for and the one answered after redirects, the
    content type and the charset its header declares, and the body's bytes."""

    url: str
    final_url: str
    content_type: str
    charset: str | None
    body: bytes


class Fetcher:
    """Fetch pages with one kept HTTP session.

    Parameters
    ----------
    timeout:
        Seconds to wait for the connection and for each read.
    max_bytes:
        The largest body read; a larger page is refused, not cut.
    retries:
        Further tries after a connection error or an HTTP 429/5xx answer, waiting
        ``backoff * 2 ** n`` seconds before the n-th.
    per_host_seconds:
        The least time between two requests to one host.
    cache:
        A directory where fetched pages are kept and found again, so that a resumed job
        fetches nothing twice; ``None`` keeps nothing.
    """

    def __init__(
        self,
        *,
        timeout: float = 20.0,
        max_bytes: int = 20_000_000,
        retries: int = 3,
        backoff: float = 0.5,
        per_host_seconds: float = 1.0,
        cache: str | Path | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff = backoff
        self.per_host_seconds = per_host_seconds
        self.cache = None if cache is None else Path(cache)
        self.user_agent = user_agent
        self._session: Any = None
        self._next_request: dict[str, float] = {}
        self._lock = threading.Lock()

    def _requests(self) -> Any:
        try:
            import requests
            from requests.adapters import HTTPAdapter
            from urllib3.util.retry import Retry
        except ImportError:
            raise MissingDependencyError('fetching URLs needs zonenlp\'s web extra: pip install "zonenlp[web]"') from None
        if self._session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.user_agent
            retry = Retry(total=self.retries, backoff_factor=self.backoff, status_forcelist=_RETRY_STATUSES,
                          allowed_methods=frozenset({"GET"}), raise_on_status=False)
            for scheme in ("http://", "https://"):
                session.mount(scheme, HTTPAdapter(max_retries=retry))
            self._session = session
        return requests

    def _wait_for(self, host: str) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_request.get(host, now))
            self._next_request[host] = start + self.per_host_seconds
        time.sleep(start - now)

    def _cached(self, url: str) -> tuple[Path, Path] | None:
        if self.cache is None:
            return None
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        return self.cache / f"{key}.json", self.cache / f"{key}.body"

    def fetch(self, url: str) -> FetchedPage:
        """The page at ``url`` (from the cache, if it holds it); raises :class:`FetchError`."""
        if not is_url(url):
            raise InputValueError(f"not an http(s) URL: {url!r}")
        paths = self._cached(url)
        if paths is not None and paths[0].is_file() and paths[1].is_file():
            meta = json.loads(paths[0].read_text(encoding="utf-8"))
            return FetchedPage(url, meta["final_url"], meta["content_type"], meta["charset"], paths[1].read_bytes())
        page = self._download(url)
        if paths is not None:
            paths[0].parent.mkdir(parents=True, exist_ok=True)
            for path, data in ((paths[1], page.body), (paths[0], json.dumps(
                    {"url": url, "final_url": page.final_url, "content_type": page.content_type, "charset": page.charset},
                    ensure_ascii=False).encode("utf-8"))):
                partial = path.with_suffix(path.suffix + ".partial")
                partial.write_bytes(data)
                os.replace(partial, path)  # the metadata last: a page is cached whole or not at all
        return page

    def _download(self, url: str) -> FetchedPage:
        requests = self._requests()
        self._wait_for(urlsplit(url).netloc)
        try:
            with self._session.get(url, timeout=self.timeout, stream=True) as response:
                if response.status_code >= 400:
                    retried = f" (after {self.retries} retries)" if response.status_code in _RETRY_STATUSES and self.retries else ""
                    raise FetchError(f"{url}: HTTP {response.status_code} {response.reason or ''}".rstrip() + retried)
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(f"{url}: {int(declared):,} bytes, over the limit of {self.max_bytes:,}")
                body = bytearray()
                for chunk in response.iter_content(chunk_size=65536):
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise FetchError(f"{url}: over the limit of {self.max_bytes:,} bytes")
                content_type, _, parameters = response.headers.get("Content-Type", "").partition(";")
                charset = next((p.split("=", 1)[1].strip(" \"'") for p in parameters.split(";")
                                if p.strip().lower().startswith("charset=")), None)
                return FetchedPage(url, response.url, content_type.strip().lower(), charset, bytes(body))
        except requests.exceptions.TooManyRedirects:
            raise FetchError(f"{url}: too many redirects") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"{url}: {_cause(exc, self.timeout)}") from None


def _cause(exc: Exception, timeout: float) -> str:
    """What made a request fail, in words: a timeout, or the error beneath the retries' wrapper."""
    from urllib3 import exceptions

    reason = getattr(exc.args[0], "reason", None) if exc.args else None  # the last try's error, after retries
    unreachable = (exceptions.NewConnectionError, getattr(exceptions, "NameResolutionError", exceptions.NewConnectionError))
    if isinstance(reason, unreachable):  # urllib3 makes these timeouts too, so they are asked first
        return f"could not connect: {reason}"
    if isinstance(exc, exceptions.TimeoutError) or isinstance(reason, exceptions.TimeoutError) or "Timeout" in type(exc).__name__:
        return f"no answer within {timeout:g} s"
    return f"{type(reason or exc).__name__}: {reason or exc}"


def read_url(url: str, *, fetcher: Fetcher | None = None) -> list[Any]:
    """The article of the news page at ``url`` (:func:`zonenlp.web.read_html`), or the articles
    of the PDF there (:func:`zonenlp.pdf.read_pdf`, the pdf extra), fetched by ``fetcher``
    (default: a :class:`Fetcher` with its defaults). Any other content type raises
    :class:`FetchError` saying so."""
    from .web import decode_html, read_html

    page = (fetcher or Fetcher()).fetch(url)
    if page.content_type == _PDF_TYPE or page.body.startswith(b"%PDF-"):
        from .pdf import read_pdf

        return read_pdf(page.body)
    if page.content_type and page.content_type not in _HTML_TYPES:
        raise FetchError(f"{url}: {page.content_type} is not a web page or a PDF")
    return read_html(decode_html(page.body, page.charset), url=page.final_url)
