"""Reading whole pages: the seed page (real) and a harder page of our own."""

import pytest

from conftest import ROOT
from zonenlp import InputTypeError, read_page

HARD_PAGE = ROOT / "data" / "pages" / "page-authored-hard.txt"


@pytest.fixture(scope="module")
def seed_articles(seed_page_text):
    return read_page(seed_page_text)


def test_seed_page_has_six_articles_with_their_titles_and_authors(seed_articles):
    assert [a.title for a in seed_articles] == [
        "湘潭高新区打好招商引资主动仗",
        "江阴高新区：创新“六位一体”科技招商模式",
        "清远高新区：这家企业连续5次上榜全球独角兽",
        "泰安高新区：入选毕业生就业“最具吸引力”10强",
        "襄阳高新区招商引资锚定新兴产业",
        None,  # the last article has no headline
    ]
    assert [a.authors for a in seed_articles] == [
        ["丁玉洁"], ["许晨威", "刘潇"], ["陈新奇"], ["马盼盼"], ["杨柳", "黎贵波", "肖阳"], ["李晨曦"],
    ]
    assert seed_articles[0].subtitle == "连续4年获评湖南省营商环境先进园区"
    assert seed_articles[4].subtitle == "抢抓创建国家级车联网先导区机遇"
    assert [a.dateline for a in seed_articles] == [None, "本报讯", "本报讯", "本报讯", None, None]


def test_section_heads_stay_inside_their_article(seed_articles):
    assert seed_articles[0].headings == ["“一把手”带队 打造招商引资“强磁场”", "营商环境“加分” 做好“后半篇文章”"]
    assert seed_articles[4].headings == ["掀起招商引资新热潮", "打好招商引资主动仗", "擦亮招商引资名片"]
    assert seed_articles[0].heading_positions == [2, 14]


@pytest.mark.parametrize("joined", [
    "尤其是在“新春第一招商”上",
    "湘潭高新区主要领导和招商团队",
    "刘良中药产业研究中心、长三角工业物联网创新中心",
    "独角兽企业是衡量区域创新能力",
    "楚江以及钟表、汽车零部件再制造和舞台灯光音响等“3+3”百亿级龙头企业和产业集群",
    "先导区机遇，突破性发展智能网联汽车产业",
])
def test_paragraphs_broken_by_the_layout_are_joined(seed_articles, joined):
    assert sum(joined in p for a in seed_articles for p in a.paragraphs) == 1


def test_paragraphs_are_exactly_the_labelled_content_paragraphs(seed_articles, seed_set):
    # seed.jsonl was labelled by hand from the page; the reader must find the same 50 paragraphs
    assert [p for a in seed_articles for p in a.paragraphs] == [r["text"] for r in seed_set]


def test_no_byline_caption_or_headline_among_paragraphs(seed_articles):
    paragraphs = [p for a in seed_articles for p in a.paragraphs]
    for a in seed_articles:
        for noise in [*a.authors, *a.captions, *a.headings, a.title or "—"]:
            assert all(noise != p for p in paragraphs)
    assert not any(p.startswith(("本报讯", "图片来源")) for p in paragraphs)
    assert seed_articles[1].captions == ["鑫众壹智能装备工作人员正在安装调试相关设备。"]
    assert seed_articles[5].captions == ["图片来源：济宁高新区"]


def test_harder_page_of_our_own():
    articles = read_page(HARD_PAGE.read_text(encoding="utf-8"))
    assert [a.title for a in articles] == ["南湖经开区“以链招商”跑出加速度", "“揭榜挂帅”引来博士团队", None]
    first, second, third = articles
    assert first.kickers == ["聚焦新质生产力", "一季度新签约项目同比增长40%", "新能源汽车、集成电路两条产业链同步补链延链"]
    assert first.subtitle == "新能源汽车、集成电路两条产业链同步补链延链"
    assert first.authors == ["周明远", "何思琪"] and first.dateline == "本报讯"
    assert len(first.captions) == 2 and first.captions[1] == "南湖经开区招商服务中心供稿"
    assert [p[:3] for p in first.paragraphs] == ["今年一", "该区今", "一是紧", "二是用", "三是强", "“我们"]
    assert "开展精准招商。投资促进局" in first.paragraphs[1]
    assert first.paragraphs[5].endswith("Michael Zhang说，项目从签约到开工只用了42天。")
    assert first.headings == ["一季度主要签约项目（部分）"]
    assert first.tables == [[
        ["序号", "项目名称", "总投资（亿元）", "进度"],
        ["1", "动力电池结构件项目", "25.0", "已开工"],
        ["2", "车规级MCU芯片封测项目", "18.5", "在建"],
        ["3", "SiC功率模块项目", "12.0", "签约"],
    ]]
    assert second.kickers == ["人才新政", "北湖高新区"]
    assert second.authors == ["林晓", "王一帆"] and len(second.paragraphs) == 2
    assert third.authors == [] and third.captions == ["（西山区科协供图）"] and len(third.paragraphs) == 2


@pytest.mark.parametrize("date_line", ["2024年1月2日", "2024-01-02  区政府网站", "2024年01月02日 来源：园区日报"])
def test_a_date_line_under_a_headline_that_names_no_zone_is_not_the_headline(date_line):
    article, = read_page(f"南通市政务服务“一网通办”提速\n\n{date_line}\n\n如皋经开区新签约项目12个。\n")
    assert article.title == "南通市政务服务“一网通办”提速"
    assert len(article.kickers) == 1 and article.kickers[0].startswith("2024")


def test_plain_text_is_one_untitled_article():
    articles = read_page("园区举办科普讲座。\n\n学生们参观了实验室。")
    assert len(articles) == 1 and articles[0].title is None
    assert articles[0].paragraphs == ["园区举办科普讲座。", "学生们参观了实验室。"]


def test_a_sentence_is_never_joined_to_the_next_one():
    articles = read_page("第一段到此结束。\n第二段另起一行，内容很长很长很长很长很长很长很长很长很长。")
    assert articles[0].paragraphs == ["第一段到此结束。", "第二段另起一行，内容很长很长很长很长很长很长很长很长很长。"]


@pytest.mark.parametrize("text", ["", "\n\n  \n", "\u200b"])
def test_empty_page(text):
    assert read_page(text) == []


def test_bad_input():
    with pytest.raises(InputTypeError):
        read_page(b"bytes")  # type: ignore[arg-type]
