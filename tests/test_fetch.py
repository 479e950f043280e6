"""Fetching pages by URL (zonenlp.fetch), against a local HTTP server on 127.0.0.1."""

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.importorskip("requests")
pytest.importorskip("trafilatura")

from zonenlp import FetchError  # noqa: E402
from zonenlp.fetch import Fetcher, read_url  # noqa: E402

ARTICLE = (
    "<html><head><meta charset='{charset}'><title>高新区新闻</title></head><body><div class='nav'><a>首页</a></div>"
    "<h1>高新区举办创新创业大赛决赛</h1><div class='info'>发布时间：2024-09-20</div><div class='content'>"
    "<p>9月19日，高新区第五届创新创业大赛决赛在园区会展中心举行，来自生物医药、新材料等领域的20个项目同台比拼。</p>"
    "<p>经过路演答辩和专家评审，共评出一等奖2个、二等奖4个，获奖项目可优先入驻园区孵化器并获得最高50万元资助。</p>"
    "<p>责任编辑：陈静</p></div><div class='footer'>版权所有 高新区管委会</div></body></html>"
)
HUGE = 50 * 1024 * 1024
PDF = sorted((__import__("pathlib").Path(__file__).parent / "fixtures" / "pdf").glob("*.pdf"))[0]


class Handler(BaseHTTPRequestHandler):
    hits: Counter = Counter()

    def log_message(self, *args):  # the tests' output stays quiet
        pass

    def _send(self, status, body=b"", content_type="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.hits[self.path] += 1
        if self.path in ("/ok", "/again", "/counted") or self.path.startswith("/cached-"):
            self._send(200, ARTICLE.format(charset="utf-8").encode("utf-8"))
        elif self.path == "/gbk":  # the charset only in the header
            self._send(200, ARTICLE.format(charset="").replace("<meta charset=''>", "").encode("gbk"),
                       "text/html; charset=gbk")
        elif self.path == "/missing":
            self._send(404, b"not here")
        elif self.path == "/flaky":
            self._send(500, b"busy") if self.hits[self.path] == 1 else self._send(200, ARTICLE.format(charset="utf-8").encode())
        elif self.path == "/broken":
            self._send(500, b"always busy")
        elif self.path == "/redirect":
            self._send(302, b"", headers=[("Location", "/ok")])
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(200, ARTICLE.format(charset="utf-8").encode())
        elif self.path == "/huge":  # 50 MB, its length not announced
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"x" * 65530 + b"</p>"
            try:
                for _ in range(HUGE // len(chunk)):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif self.path == "/doc.pdf":
            self._send(200, PDF.read_bytes(), "application/pdf")
        elif self.path == "/data.json":
            self._send(200, b"{}", "application/json")
        else:
            self._send(404)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a client that stops reading (the size cap) is expected
        pass


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def fetcher(tmp_path):
    return Fetcher(timeout=0.5, max_bytes=1_000_000, backoff=0, per_host_seconds=0)


def test_a_page_is_fetched_and_read(server, fetcher):
    article, = read_url(f"{server}/ok", fetcher=fetcher)
    assert article.title == "高新区举办创新创业大赛决赛" and article.date == "2024-09-20"
    assert len(article.paragraphs) == 2 and article.url == f"{server}/ok"


def test_the_charset_of_the_header_decodes_the_page(server, fetcher):
    assert read_url(f"{server}/gbk", fetcher=fetcher)[0].title == "高新区举办创新创业大赛决赛"


def test_a_redirect_is_followed_and_the_final_url_kept(server, fetcher):
    article, = read_url(f"{server}/redirect", fetcher=fetcher)
    assert article.url == f"{server}/ok"


def test_an_error_status_is_named(server, fetcher):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetcher.fetch(f"{server}/missing")


def test_a_server_error_is_retried(server, fetcher):
    assert len(read_url(f"{server}/flaky", fetcher=fetcher)[0].paragraphs) == 2
    assert Handler.hits["/flaky"] == 2
    with pytest.raises(FetchError, match=r"HTTP 500 Internal Server Error \(after 3 retries\)"):
        fetcher.fetch(f"{server}/broken")
    assert Handler.hits["/broken"] == 4


def test_a_slow_answer_times_out(server, fetcher):
    with pytest.raises(FetchError, match=r"no answer within 0.5 s"):
        Fetcher(timeout=0.5, retries=0, per_host_seconds=0).fetch(f"{server}/slow")


def test_a_refused_connection_is_named_as_such():
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="could not connect"):
        Fetcher(retries=0, per_host_seconds=0).fetch(f"http://127.0.0.1:{port}/page.html")


def test_a_body_over_the_limit_is_refused_not_cut(server, fetcher):
    started = time.perf_counter()
    with pytest.raises(FetchError, match="over the limit of 1,000,000 bytes"):
        fetcher.fetch(f"{server}/huge")
    assert time.perf_counter() - started < 10  # it stopped reading, it did not take the 50 MB


def test_a_pdf_by_url_is_read_as_an_e_paper(server, fetcher):
    pytest.importorskip("pdfplumber")
    from zonenlp.pdf import read_pdf

    assert read_url(f"{server}/doc.pdf", fetcher=fetcher) == read_pdf(PDF)


def test_what_is_neither_a_web_page_nor_a_pdf_is_refused_with_its_type(server, fetcher):
    with pytest.raises(FetchError, match="application/json is not a web page or a PDF"):
        read_url(f"{server}/data.json", fetcher=fetcher)


def test_the_cache_keeps_a_page_so_it_is_fetched_once(server, tmp_path):
    cached = Fetcher(cache=tmp_path / "cache", per_host_seconds=0)
    first = cached.fetch(f"{server}/counted")
    again = Fetcher(cache=tmp_path / "cache", per_host_seconds=0).fetch(f"{server}/counted")
    assert again == first and Handler.hits["/counted"] == 1


def test_requests_to_one_host_are_paced(server):
    paced = Fetcher(per_host_seconds=0.3)
    started = time.perf_counter()
    for _ in range(3):
        paced.fetch(f"{server}/again")
    assert time.perf_counter() - started >= 0.6


def test_batch_reads_a_list_of_urls_with_an_error_record(server, tmp_path):
    from zonenlp.cli import main

    links = tmp_path / "links.txt"
    links.write_text(f"# this week\n{server}/ok\n{server}/missing\n\n{server}/redirect\n", encoding="utf-8")
    out = tmp_path / "tagged.jsonl"
    assert main(["batch", str(links), "--urls", "-o", str(out), "--quiet"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [f"{server}/ok:1:1", f"{server}/ok:1:2", f"{server}/missing",
                                          f"{server}/redirect:1:1", f"{server}/redirect:1:2"]
    assert "HTTP 404" in records[2]["error"] and records[0]["themes"]


def test_a_resumed_job_with_a_cache_fetches_nothing_twice(server, tmp_path, shipped_model):
    from batch_helpers import Interrupted, interrupt_after

    from zonenlp.batch import run_batch
    from zonenlp.readers import RecordReader

    paths = [f"/cached-{n}" for n in range(6)]
    links = tmp_path / "links.txt"
    links.write_text("".join(f"{server}{p}\n" for p in paths), encoding="utf-8")
    out, reference = tmp_path / "out.jsonl", tmp_path / "reference.jsonl"

    def reader():
        return RecordReader(links, urls=True, fetcher=Fetcher(cache=tmp_path / "cache", per_host_seconds=0))

    with pytest.raises(Interrupted):
        run_batch(reader(), out, shipped_model, chunk_size=2, tagger=interrupt_after(1, shipped_model))
    summary = run_batch(reader(), out, shipped_model, chunk_size=2, resume=True)
    assert summary.resumed > 0 and summary.read == 12
    assert all(Handler.hits[p] == 1 for p in paths)
    run_batch(reader(), reference, shipped_model)  # from the cache alone: the same records
    assert out.read_bytes() == reference.read_bytes() and all(Handler.hits[p] == 1 for p in paths)


def test_digest_reads_a_list_of_urls_with_the_failures_listed(server, tmp_path, capsys):
    pytest.importorskip("plotly")
    from zonenlp.cli import main

    links = tmp_path / "links.txt"
    links.write_text(f"# this week\n{server}/ok\n{server}/missing\n", encoding="utf-8")
    out = tmp_path / "digest.html"
    assert main(["digest", "--urls", str(links), "-o", str(out), "--csv", str(tmp_path), "--quiet",
                 "--cache", str(tmp_path / "cache")]) == 0
    err = capsys.readouterr().err
    assert "read 2 sources: 1 article (" in err and f"failed: {server}/missing: " in err and "HTTP 404" in err
    assert f'"link": "{server}/ok"' in out.read_text(encoding="utf-8")  # the article links to its URL
