"""An article's date and where it came from (zonenlp.dates)."""

import pytest

from zonenlp.dates import article_date
from zonenlp.page import Article


@pytest.mark.parametrize("article, name, record_date, expected", [
    (Article(paragraphs=["园区签约项目5个。"]), "x.txt", "2024-05-16T08:00:00", ("2024-05-16", "record")),
    (Article(paragraphs=["园区签约项目5个。"], date="2023-11-08"), "x.html", None, ("2023-11-08", "page")),
    (Article(title="高新区签约", paragraphs=["2024年3月29日，园区签约项目5个。"]), "x.txt", None, ("2024-03-29", "text")),
    (Article(paragraphs=["3月29日，园区签约项目5个。"]), "daily-2024-04-01.txt", None, ("2024-03-29", "text")),
    (Article(title="高新区签约", kickers=["2024-5-6 来源：日报"], paragraphs=["园区签约项目5个。"]), "x.txt", None,
     ("2024-05-06", "text")),
    (Article(title="高新区签约", paragraphs=["园区签约项目5个，投资2024.5亿元。"]), "x.txt", None, (None, "unknown")),
    (Article(paragraphs=["园区签约项目5个。"]), "epaper/20240401-A02.pdf", None, ("2024-04-01", "name")),
    (Article(paragraphs=["3月29日，园区签约项目5个。"]), "x.txt", None, (None, "unknown")),
])
def test_an_articles_date_and_where_it_came_from(article, name, record_date, expected):
    assert article_date(article, name, record_date) == expected
