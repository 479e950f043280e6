"""The investment ledger (zonenlp.investments): amounts and counts with their kind, zone, counterpart and sentence."""

import pytest

from zonenlp.investments import ledger_entries


def _entries(text, **options):
    return [(e["kind"], e["amount_yuan"], e["count"], e["zone"], e["counterpart"]) for e in ledger_entries(text, **options)]


def test_each_figure_takes_the_kind_word_nearest_before_it():
    text = "今年以来，苏州工业园区新签约项目28个，总投资300余亿元；新开工项目12个；全年力争引进亿元以上项目50个。"
    assert _entries(text) == [
        ("签约", None, 28.0, "苏州工业园区", None),
        ("签约", 3.0e10, None, "苏州工业园区", None),
        ("开工", None, 12.0, "苏州工业园区", None),
        ("目标", None, 50.0, "苏州工业园区", None),
    ]
    assert ledger_entries(text)[1]["approximate"]  # 300余亿元


def test_a_figure_takes_the_zone_named_nearest_before_it_and_the_counterpart_of_its_sentence():
    text = "长沙经开区与三一集团签约，项目总投资20亿元。株洲高新区同日引进企业5家。"
    assert _entries(text) == [("签约", 2.0e9, None, "长沙经开区", "三一集团"), ("落户", None, 5.0, "株洲高新区", None)]


def test_the_sentence_and_its_span_are_the_texts_own():
    text = "园区今年累计完成固定资产投资80亿元。下半年将举办招商推介会。"
    entry, = ledger_entries(text, zone="某高新区")
    assert entry["sentence"] == text[entry["start"] : entry["end"]] == "园区今年累计完成固定资产投资80亿元。"
    assert (entry["kind"], entry["zone"]) == ("其他", "某高新区")  # no kind word; the zone given, none named


def test_percentages_areas_people_and_trips_are_told_apart():
    text = "湘潭高新区招商27批次，引进项目10个，占地104亩，增长12.5%，新增就业800人。"
    assert [(e["kind"], e["count"], e["figure"]) for e in ledger_entries(text)] == [
        ("其他", 27.0, "27批次"), ("落户", 10.0, "10个")]


def test_the_seed_pages_ledger_for_xiangtan(shipped_model):
    pytest.importorskip("pandas")
    from conftest import SEED_PAGE

    from zonenlp.investments import ledger

    frame = ledger(SEED_PAGE, model=shipped_model)
    xiangtan = frame[frame["zone"] == "湘潭高新区"]
    signed = xiangtan[xiangtan["kind"] == "签约"]
    assert signed["count"].dropna().tolist() == [10.0] and signed["amount_yuan"].dropna().tolist() == [3.9e9]
    assert xiangtan[xiangtan["figure"] == "27批次"]["count"].tolist() == [27.0]
    assert xiangtan[xiangtan["kind"] == "在谈"]["count"].tolist() == [35.0]


def test_a_count_is_of_projects_named_right_after_it_not_of_a_word_further_on():
    assert [e["count"] for e in ledger_entries("开发区另有智能网联汽车测试基地等6个项目集中开工，总投资42亿元。")
            if e["count"] is not None] == [6.0]
    assert ledger_entries("按照“四个一”机制打造全员招商格局。") == []


def test_a_count_is_of_the_projects_named_shortly_before_it_and_agreements_count():
    text = "南湖高新区今年正在洽谈的项目还有9个，来自北京的企业落户14个，当天签署战略协议6项。"
    assert [(e["kind"], e["count"], e["counted"]) for e in ledger_entries(text)] == [
        ("在谈", 9.0, "项目"), ("落户", 14.0, "企业"), ("签约", 6.0, "当天签署战略协议")]


def test_ordinals_phases_and_companies_visited_are_no_ledger_counts():
    text = "西山开发区组织小分队拜访制造、物流企业30余家，引进的第3个项目为该企业三期项目。"
    assert ledger_entries(text) == []


def test_an_amount_sizing_a_class_of_projects_is_no_investment_of_its_own():
    text = "东湖开发区引进超5亿元项目8个、2000万元以上制造业项目21个，总投资96亿元。"
    assert [(e["amount_yuan"], e["count"]) for e in ledger_entries(text)] == [(None, 8.0), (None, 21.0), (9.6e9, None)]


def test_output_revenue_and_subsidies_are_no_investment():
    text = "该项目总投资6亿元，投产后年产值12亿元，园区给予一次性奖励300万元，税收5000万元。"
    assert [e["amount_yuan"] for e in ledger_entries(text)] == [6.0e8]


def _kinds(text):
    return [(e["kind"], e["figure"]) for e in ledger_entries(text, zone="某高新区")]


def test_a_planned_size_or_a_talks_meeting_is_no_kind_word():
    assert _kinds("园区新开工项目5个，计划总投资20亿元，预计投资最大的一个为8亿元。") == [
        ("开工", "5个"), ("开工", "20亿元"), ("开工", "8亿元")]
    assert _kinds("在产业对接会上，12个项目总投资30亿元。") == [("其他", "12个"), ("其他", "30亿元")]


def test_an_investment_completed_is_of_the_other_kind():
    assert _kinds("园区今年完成工业投资120亿元，引进项目8个。") == [("其他", "120亿元"), ("落户", "8个")]


def test_a_target_reaches_over_the_later_clauses_of_its_sentence_until_something_is_done():
    assert _kinds("明年力争引进项目30个，完成固定资产投资200亿元。") == [("目标", "30个"), ("目标", "200亿元")]
    assert _kinds("全年力争引进项目30个，目前已签约项目12个。") == [("目标", "30个"), ("签约", "12个")]


def test_a_sentence_about_the_project_before_takes_its_kind():
    assert _kinds("湖西高新区新能源电池项目今日奠基。该项目由某集团投资，总投资15亿元。") == [("开工", "15亿元")]
    assert _kinds("湖西高新区新能源电池项目今日奠基。全区全年到位资金80亿元。") == [("其他", "80亿元")]


def test_talks_and_a_cooperation_reached():
    text = "园区正与3家企业密切对接，意向投资约10亿元；与某集团达成合作，总投资5亿元；与某公司达成合作意向，投资2亿元。"
    assert _kinds(text) == [("在谈", "3家"), ("在谈", "10亿元"), ("签约", "5亿元"), ("在谈", "2亿元")]


def _zones(text, **options):
    return [(e["figure"], e["zone"]) for e in ledger_entries(text, **options)]


def test_zone_names_longer_than_the_tokenizer_joins_them():
    assert _zones("宁波高新区（鄞州）签约项目4个。") == [("4个", "宁波高新区（鄞州）")]
    assert _zones("无锡高新区签约项目5个；烟台火炬高技术产业开发区签约项目3个。") == [
        ("5个", "无锡高新区"), ("3个", "烟台火炬高技术产业开发区")]
    assert _zones("今年，天津滨海新区引进项目7个。") == [("7个", "天津滨海新区")]


def test_a_park_inside_the_zone_is_the_zone_of_its_figures():
    text = "常州高新区负责人说，区内氢能装备产业园已入驻企业12家。园区今年签约项目9个。"
    assert _zones(text) == [("12家", "氢能装备产业园"), ("9个", "常州高新区")]


def test_a_provinces_zones_together_are_no_zone_and_respectively_pairs_zones_with_figures():
    text = "江苏省开发区工作会议提出，全年力争完成投资8000亿元。其中，苏州工业园区和昆山开发区分别完成投资900亿元和600亿元。"
    assert _zones(text, zone="某高新区") == [("8000亿元", None), ("900亿元", "苏州工业园区"), ("600亿元", "昆山开发区")]


def _sides(text):
    return [(e["figure"], e["counterpart"]) for e in ledger_entries(text, zone="某高新区")]


def test_each_figure_takes_the_other_side_named_nearest_before_it():
    text = "由江苏某某重工投资建设的轴承项目总投资6亿元，本土企业华瑞光电宣布增资3000万元，另与深圳启明科技合作的项目投资2亿元。"
    assert _sides(text) == [("6亿元", "江苏某某重工"), ("3000万元", "华瑞光电"), ("2亿元", "深圳启明科技")]


def test_a_deal_signed_with_the_zone_itself_and_a_delegation():
    assert _sides("其中，杭州云帆数据与园区签订的项目投资12亿元。") == [("12亿元", "杭州云帆数据")]
    assert _sides("来自各地的徽商代表与高新区签约项目9个。") == [("9个", "徽商代表")]
    assert _sides("德国企业家代表团一行到访园区，双方签约项目3个。") == [("3个", "德国企业家代表团")]


def test_an_unnamed_company_and_a_side_of_part_of_the_deals_are_no_counterpart():
    assert _sides("园区与一家储能企业达成合作，总投资8亿元。") == [("8亿元", None)]
    assert _sides("在谈项目还有6个，其中与成都某航科技对接的项目有望签约。") == [("6个", None)]


def test_teams_and_set_phrases_near_the_word_zhaoshang_are_no_ledger_counts():
    assert _kinds("园区组建6支招商小分队，打造“三位一体”招商模式，外出招商15批次。") == [("其他", "15批次")]


def test_no_counterpart_from_an_adverb_an_official_visit_or_two_zones_joined_by_he():
    assert _sides("多家企业纷纷宣布追加投资，合计投资20亿元。") == [("20亿元", None)]
    assert _sides("省领导一行调研园区，现场签约项目3个。") == [("3个", None)]
    assert _sides("宁波高新区和比亚迪签约，总投资80亿元。") == [("80亿元", "比亚迪")]


def test_zones_before_respectively_pair_with_counts_joined_to_a_ledger_count():
    text = "宁波高新区和宁波经开区今年分别签约项目20个和35个，总投资分别为80亿元和120亿元。"
    assert [(e["figure"], e["zone"], e["counterpart"]) for e in ledger_entries(text)] == [
        ("20个", "宁波高新区", None), ("35个", "宁波经开区", None),
        ("80亿元", "宁波高新区", None), ("120亿元", "宁波经开区", None)]


def test_a_traditional_paragraph_is_read_through_its_simplified_reading_and_given_back_as_written():
    assert _entries("蘇州工業園區與臺灣某某集團簽約，新簽約項目6個。") == [("签约", None, 6.0, "蘇州工業園區", "臺灣某某集團")]
