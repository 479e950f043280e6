import pytest

from zonenlp import InputTypeError, figures
from zonenlp.quantities import parse_number


def find(text, kind, surface):
    matches = [f for f in figures(text) if f.kind == kind and f.text == surface]
    assert matches, [(f.kind, f.text) for f in figures(text)]
    return matches[0]


SEED_LEAD = "农历甲辰龙年从开年至3月底，湘潭高新区党工委、管委会领导班子带队“走出去”招商27批次，新签约亿元以上项目10个，总投资额39亿元，新增在手在谈项目35个。"


def test_money_is_normalised_to_yuan():
    assert find(SEED_LEAD, "money", "39亿元").value == 3.9e9
    assert find("签约项目合同投资额446.83亿元", "money", "446.83亿元").value == pytest.approx(4.4683e10)
    assert find("总投资额5亿元、占地104亩", "money", "5亿元").value == 5e8
    assert find("最高1000万元补贴", "money", "1000万元").value == 1e7
    assert find("引资3.2亿美元", "money", "3.2亿美元").unit == "USD"


def test_counts_say_what_they_count():
    assert (find(SEED_LEAD, "count", "27批次").value, find(SEED_LEAD, "count", "27批次").counted) == (27, "招商")
    ten = find(SEED_LEAD, "count", "10个")
    assert (ten.value, ten.unit, ten.counted) == (10, "个", "亿元以上项目")
    assert find("全年引进科技项目515个", "count", "515个").counted == "科技项目"
    assert find("1453家企业上榜，其中我国榜上有名企业340家", "count", "340家").counted == "企业"
    assert find("1453家企业上榜", "count", "1453家").counted == "企业"


def test_chinese_numerals():
    assert find("招引十个项目", "count", "十个").value == 10
    hundreds = find("聚集三百余家企业", "count", "三百余家")
    assert hundreds.value == 300 and hundreds.approximate
    assert parse_number("两千五百") == 2500 and parse_number("一万二千") == 12000 and parse_number("1,453") == 1453
    assert not [f for f in figures("招商引资是一个庞大的系统工程") if f.kind == "count"]


def test_areas_percentages_and_dates():
    area = find("占地104亩", "area", "104亩")
    assert area.value == 104 and area.normalized["square_metres"] == pytest.approx(69333.34, rel=1e-4)
    assert find("增长3.3%", "percent", "3.3%").value == 3.3
    assert find("占比百分之十二点五", "percent", "百分之十二点五").value == 12.5
    assert find("3月29日召开大会", "date", "3月29日").normalized == {"month": 3, "day": 29}
    assert find("召开2024年大会", "date", "2024年").normalized == {"year": 2024}
    assert find("2023年1月，该项目启动", "date", "2023年1月").normalized == {"year": 2023, "month": 1}
    assert find(SEED_LEAD, "date", "农历甲辰龙年").normalized["year"] == 2024


def test_zones_with_spans():
    text = "近日，江阴高新区与湘潭高新区签约，该高新区表示欢迎。"
    zones = [f.text for f in figures(text) if f.kind == "zone"]
    assert zones == ["江阴高新区", "湘潭高新区"]


@pytest.mark.parametrize("text", ["连续4年获评湖南省产业园区营商环境先进园区", "全省开发区工作会议召开", "广西壮族自治区开发区发展报告"])
def test_a_provinces_zones_together_are_no_zone(text):
    assert [f.text for f in figures(text) if f.kind == "zone"] == []


def test_spans_point_into_the_normalised_text():
    text = SEED_LEAD + "增长3.3%，占地104亩。"
    found = figures(text)
    assert len(found) >= 8
    for f in found:
        assert text[f.start : f.end] == f.text
    starts = [f.start for f in found]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))  # no overlaps


def test_empty_and_bad_input():
    assert figures("") == [] and figures("没有数字的句子") == []
    with pytest.raises(InputTypeError):
        figures(39)  # type: ignore[arg-type]
