"""Reading saved web pages (zonenlp.web): decoding, the article found, and what is left out."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("trafilatura")

from zonenlp import MissingDependencyError  # noqa: E402
from zonenlp.web import decode_html, read_html  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "html"

PAGE = """<html><head><meta charset="{charset}"><title>园区动态</title></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/news">新闻中心</a></div>
<h1>示范区举办产业链招商推介会</h1><div class="info">发布时间：2024-05-16 来源：示范区管委会</div>
<div class="content">
<p>　　本报讯（记者 王晓峰）5月15日，示范区在成都举办产业链招商推介会，现场签约项目12个，总投资86亿元。</p>
<p>推介会上，管委会负责人介绍了园区在新能源装备和生物医药两条产业链上的布局，以及企业从拿地到投产的全程代办服务。</p>
<p style="text-align:center">图为签约现场。记者 李明 摄</p>
<p>据了解，今年以来，示范区已累计引进亿元以上项目35个，其中先进制造业项目占比超过六成。</p>
<p>编辑：张敏</p>
</div>
<div class="share">分享到：微信 微博</div>
<div class="footer">版权所有 示范区管委会 备案号：蜀ICP备12345678号</div></body></html>"""


def test_a_page_gives_its_article_without_captions_credits_or_furniture():
    article, = read_html(PAGE.format(charset="utf-8"))
    assert article.title == "示范区举办产业链招商推介会"
    assert article.date == "2024-05-16"
    assert article.dateline == "本报讯" and "王晓峰" in article.authors
    assert article.paragraphs == [
        "5月15日，示范区在成都举办产业链招商推介会，现场签约项目12个，总投资86亿元。",
        "推介会上，管委会负责人介绍了园区在新能源装备和生物医药两条产业链上的布局，以及企业从拿地到投产的全程代办服务。",
        "据了解，今年以来，示范区已累计引进亿元以上项目35个，其中先进制造业项目占比超过六成。",
    ]
    assert any("图为签约现场" in caption for caption in article.captions)


@pytest.mark.parametrize("charset", ["gbk", "gb2312", "GB18030"])
def test_a_page_is_decoded_by_the_charset_it_declares(charset):
    data = PAGE.format(charset=charset).encode("gb18030")
    assert decode_html(data) == PAGE.format(charset=charset)
    assert read_html(data)[0].title == "示范区举办产业链招商推介会"


def test_an_undeclared_page_is_read_as_utf8_or_as_detected():
    page = PAGE.replace('<meta charset="{charset}">', "")
    assert decode_html(page.encode("utf-8")) == page
    assert "示范区" in decode_html(page.encode("gb18030"))


def test_a_date_only_machines_see_is_found():
    page = PAGE.format(charset="utf-8").replace("发布时间：2024-05-16 ", "").replace(
        "</head>", '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-11-08T09:00:00+08:00"}</script></head>'
    )
    assert read_html(page)[0].date == "2023-11-08"


def test_a_page_without_main_text_gives_no_article():
    assert read_html("<html><body><div class='nav'><a>首页</a></div></body></html>") == []


def test_other_input_is_refused_with_a_clear_error():
    with pytest.raises(TypeError, match="str or bytes"):
        read_html(42)  # type: ignore[arg-type]


def test_without_the_web_extra_the_error_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if it were not installed
    with pytest.raises(MissingDependencyError, match=r'pip install "zonenlp\[web\]"'):
        read_html(PAGE)


def test_importing_zonenlp_imports_no_web_library():
    code = ("import sys, zonenlp; print(any(m in sys.modules for m in "
            "('trafilatura', 'htmldate', 'lxml', 'requests', 'pdfplumber', 'pdfminer')))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


@pytest.mark.parametrize("page", sorted(FIXTURES.glob("*.html")), ids=lambda p: p.stem)
def test_fixture_pages_give_their_title_date_and_body(page):
    from zonenlp.page import _DATELINE
    from zonenlp.text import normalize

    truth = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    article, = read_html(page.read_bytes())
    comparable = [_DATELINE.sub("", normalize(p), count=1).strip() for p in truth["paragraphs"]]
    assert article.paragraphs == comparable
    assert normalize(article.title) == normalize(truth["title"]) and article.date == truth["date"]


def test_commands_read_a_saved_web_page_and_a_folder_of_them(tmp_path, capsys):
    from zonenlp.cli import main

    page = tmp_path / "news.html"
    page.write_bytes(PAGE.format(charset="gbk").encode("gbk"))
    (tmp_path / "notes.txt").write_text("园区人才公寓投入使用。\n", encoding="utf-8")
    assert main(["tag", str(page), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["title"] for row in rows] == ["示范区举办产业链招商推介会"] * 3
    assert rows[0]["text"].startswith("5月15日") and "investment" in rows[0]["themes"]
    out = tmp_path / "tagged.jsonl"
    assert main(["batch", str(tmp_path), "--pages", "-o", str(out), "--format", "jsonl", "--quiet"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["news.html:1:1", "news.html:1:2", "news.html:1:3", "notes.txt:1:1"]
