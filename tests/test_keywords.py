import pytest

from zonenlp import InputTypeError, InputValueError, KeywordExtractor, keywords

PARAGRAPH = (
    "湘潭高新区召开招商引资动员大会，部署全年招商引资工作，聚焦主导产业建立“两优三特一融”产业招商图谱，"
    "全面实施专题招商、靶向招商。湘潭高新区还将持续优化营商环境。"
)


def test_keywords_are_ranked_pairs():
    result = keywords(PARAGRAPH, k=8)
    assert 1 <= len(result) <= 8
    words = [w for w, _ in result]
    scores = [s for _, s in result]
    assert scores == sorted(scores, reverse=True)
    assert len(set(words)) == len(words)
    assert all(w in PARAGRAPH for w in words)


def test_zone_names_and_quoted_programmes_are_whole():
    words = [w for w, _ in keywords(PARAGRAPH, k=10)]
    assert "湘潭高新区" in words and "两优三特一融" in words
    assert "湘潭" not in words and "高新区" not in words
    assert not any(w != "两优三特一融" and w in "两优三特一融" for w in words)


def test_stop_words_and_numbers_are_not_keywords():
    words = [w for w, _ in keywords("我们在今年进一步推动发展，完成39亿元，增长3.3%，园区签约项目。", k=10)]
    assert not {"我们", "今年", "进一步", "推动", "发展", "39亿元", "3.3%"} & set(words)


def test_recurring_noun_runs_become_phrases():
    text = "园区建设数字经济产业园。数字经济产业园已入驻企业30家，数字经济产业园将扩建。"
    words = [w for w, _ in keywords(text, k=5)]
    assert any(w.startswith("数字经济") and len(w) > 4 for w in words)


@pytest.mark.parametrize("text", ["", "   ", "\u200b", "。，！", "的了吗", "123 456"])
def test_empty_or_contentless_text_has_no_keywords(text):
    assert keywords(text) == []


def test_short_input():
    assert [w for w, _ in keywords("科普基地", k=3)] == ["科普基地"]


def test_bad_arguments():
    with pytest.raises(InputTypeError):
        keywords(None)  # type: ignore[arg-type]
    with pytest.raises(InputValueError):
        keywords("招商引资", k=0)


def test_jiebas_spellings_topk_and_withweight():
    pairs = keywords(PARAGRAPH, k=4)
    assert len(pairs) == 4 and all(isinstance(score, float) for _, score in pairs)
    assert keywords(PARAGRAPH, topK=4) == pairs  # topK is k
    assert keywords(PARAGRAPH, topK=4, withWeight=False) == [term for term, _ in pairs]  # terms only
    assert keywords(PARAGRAPH, 4, withWeight=True) == pairs
    assert len(keywords(PARAGRAPH)) == 10  # neither given: 10
    with pytest.raises(InputValueError, match="not both"):
        keywords(PARAGRAPH, k=4, topK=4)
    with pytest.raises(InputValueError, match="topK"):
        keywords(PARAGRAPH, topK=0)
    with pytest.raises(InputTypeError, match="withWeight"):
        keywords(PARAGRAPH, withWeight="no")  # type: ignore[call-overload]


def test_extractor_uses_given_tokenizer():
    from zonenlp import Tokenizer

    extractor = KeywordExtractor(tokenizer=Tokenizer(extra_words=["春暖湘商"]))
    assert "春暖湘商" in [w for w, _ in extractor.extract("开展春暖湘商活动，春暖湘商成效明显", k=3)]


def test_named_phrases_are_built_from_adjacent_nouns():
    text = "双方观摩了松山湖材料实验室，并在湘潭先进金属材料精深加工产业园座谈。"
    words = [w for w, _ in keywords(text, k=8)]
    assert "松山湖材料实验室" in words
    assert "材料" not in words and "实验室" not in words


def test_document_titles_are_one_keyword():
    text = "该区出台《关于加快推动科技招商工作的若干政策》，明确奖励标准。"
    words = [w for w, _ in keywords(text, k=5)]
    assert "关于加快推动科技招商工作的若干政策" in words


def test_top_keywords_are_different_things():
    text = "招商引资招商引资工作招商引资大会，招商引资工作要抓好。营商环境也要优化，人才公寓建成。"
    words = [w for w, _ in keywords(text, k=5)]
    for a in words:
        for b in words:
            assert a == b or (a not in b and b not in a)


def test_textrank_converges_and_ranks_central_words():
    extractor = KeywordExtractor(method="textrank", window=5)
    text = "园区围绕新能源汽车产业链招商。新能源汽车产业链上的电池企业纷纷落户，电池企业带来配套企业。"
    words = [w for w, _ in extractor.extract(text, k=5)]
    assert words and len(words) == len(set(words))
    assert any("新能源汽车" in w or "电池" in w for w in words[:2])
    assert extractor.extract("", k=3) == []
    with pytest.raises(InputValueError):
        KeywordExtractor(method="lda").extract("招商引资")


def test_corpus_keywords_count_the_texts_a_term_indexes():
    from zonenlp.keyword_extraction import corpus_keywords

    texts = ["湘潭高新区召开招商引资大会。", "湘潭高新区优化营商环境。", "泰安高新区建设人才公寓。"]
    top = corpus_keywords(texts, k=3)
    assert top[0][:2] == ("湘潭高新区", 2)
    assert [count for _, count, _ in top] == sorted((count for _, count, _ in top), reverse=True)
    with pytest.raises(InputTypeError):
        corpus_keywords(["好", None])  # type: ignore[list-item]
