import pickle
import subprocess
import sys

import pytest

from zonenlp import InputTypeError, Tokenizer, tokenize
from zonenlp.tokenizer import is_number_token


@pytest.fixture(scope="module")
def tok():
    return Tokenizer()


def test_domain_terms_stay_whole(tok):
    tokens = tok.tokenize("湘潭高新区把招商引资作为一把手工程，优化营商环境，引进双创人才，建设科普基地")
    for term in ["湘潭高新区", "招商引资", "一把手工程", "营商环境", "双创人才", "科普基地"]:
        assert term in tokens


@pytest.mark.parametrize("text,token", [
    ("总投资额39亿元", "39亿元"),
    ("合同投资额446.83亿元", "446.83亿元"),
    ("招商27批次", "27批次"),
    ("增长3.3%", "3.3%"),
    ("上榜企业300余家", "300余家"),
    ("3月29日召开大会", "3月29日"),
    ("今年1-3月", "1-3月"),
])
def test_numbers_keep_their_units(tok, text, token):
    assert token in tok.tokenize(text)


def test_zone_names_not_in_the_dictionary_are_merged(tok):
    # 浑南 and 杨凌 are not zone names of the shipped dictionary
    tokens = tok.tokenize("浑南高新区与杨凌示范区签约")
    assert "浑南高新区" in tokens and "杨凌示范区" in tokens


def test_common_words_are_not_merged_into_zone_names(tok):
    assert tok.tokenize("支持高新区发展")[:2] == ["支持", "高新区"]


@pytest.mark.parametrize("text, zone", [
    ("今年以来经开区新签约项目8个", "经开区"),       # a time phrase (jieba: i)
    ("得益于高新区的政策", "高新区"),                # a verb (v)
    ("在深圳推介高新区的投资环境", "高新区"),       # a verb (v) again
    ("这是安庆高新区今年引进的项目", "安庆高新区"),   # 这是 opens with a demonstrative
    ("曹妃甸经开区新签约项目8个", "曹妃甸经开区"),    # a place jieba tags as a name (nrfg) stays one
])
def test_a_word_no_place_is_not_joined_to_the_zone_word_after_it(tok, text, zone):
    assert zone in tok.tokenize(text)


def test_punctuation_dropped_unless_asked(tok):
    assert "，" not in tok.tokenize("招商，引资")
    assert "，" in Tokenizer(keep_punctuation=True).tokenize("招商，引资")


def test_extra_words_are_kept_whole():
    assert "春暖湘商" in Tokenizer(extra_words=["春暖湘商"]).tokenize("开展春暖湘商活动")


def test_user_dict_file(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("# my terms\n甲乙丙丁 nz\n", encoding="utf-8")
    assert "甲乙丙丁" in Tokenizer(user_dict=path).tokenize("推进甲乙丙丁工作")


def test_tokenize_rejects_non_text(tok):
    with pytest.raises(InputTypeError):
        tok.tokenize(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(InputTypeError, match=r"texts\[1\]"):
        tok.tokenize_many(["好", None])  # type: ignore[list-item]


def test_empty_text_gives_no_tokens(tok):
    assert tok.tokenize("") == [] and tok.tokenize(" \u200b ") == []


def test_pickle_round_trip_keeps_settings_and_behaviour(tok):
    tok.tokenize("预热")
    clone = pickle.loads(pickle.dumps(Tokenizer(extra_words=["春暖湘商"], hmm=False)))
    assert clone.extra_words == ("春暖湘商",) and clone.hmm is False
    assert "春暖湘商" in clone.tokenize("开展春暖湘商活动")
    assert pickle.loads(pickle.dumps(tok)).tokenize("科普基地") == ["科普基地"]


def test_jieba_global_tokenizer_is_untouched(tok):
    import jieba

    tok.tokenize("湘潭高新区招商引资")
    assert "双创博士" not in jieba.dt.FREQ
    assert "双创博士" not in jieba.dt.user_word_tag_tab


def test_is_number_token():
    assert is_number_token("39亿元") and is_number_token("2024年") and not is_number_token("亿元")


def test_module_level_tokenize():
    assert tokenize("湘潭高新区打好招商引资主动仗")[0] == "湘潭高新区"


def test_cut_and_lcut_are_jiebas_names_for_tokenize(tok):
    import zonenlp

    text = "湘潭高新区新签约亿元以上项目10个，总投资额39亿元"
    expected = ["湘潭高新区", "新", "签约", "亿元", "以上", "项目", "10个", "总投资额", "39亿元"]
    assert tok.lcut(text) == expected and zonenlp.lcut(text) == expected
    for iterator in (tok.cut(text), zonenlp.cut(text)):
        assert iter(iterator) is iterator and not isinstance(iterator, list)  # an iterator, as jieba.cut gives
        assert list(iterator) == expected
    assert Tokenizer(keep_punctuation=True).lcut("招商，引资") == ["招商", "，", "引资"]
    with pytest.raises(InputTypeError):
        zonenlp.lcut(None)  # type: ignore[arg-type]
    with pytest.raises(InputTypeError):
        zonenlp.cut(b"bytes")  # type: ignore[arg-type]  # at the call, not at the first next()


def test_import_does_no_heavy_work():
    code = "import sys, zonenlp; print(any(m in sys.modules for m in ('jieba', 'sklearn', 'numpy', 'joblib')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture(scope="module")
def jieba_with_domain_words():
    """jieba's own engine with zonenlp's dictionary: what the jieba backend must cut like."""
    import jieba

    from zonenlp.tokenizer import _read_user_dict

    engine = jieba.Tokenizer()
    engine.initialize()
    for word, tag in _read_user_dict(None):
        engine.add_word(word, tag=tag)
    return engine


@pytest.mark.parametrize("hmm", [True, False])
def test_jieba_backend_cuts_as_jieba_does_on_the_whole_corpus(jieba_with_domain_words, hmm):
    import json

    from conftest import ROOT

    texts = [
        json.loads(line)["text"]
        for name in ("train", "test", "seed")
        for line in (ROOT / "data" / "themes" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    texts += ["", "ABC 123 ｘｙｚ", "　\n\t", "a+b#c&d", "😀招商😀", "5G基站和A股3D打印"]
    cut = Tokenizer(backend="jieba", hmm=hmm)._cut()
    mismatches = [t for t in texts if cut(t, hmm) != list(jieba_with_domain_words.cut(t, HMM=hmm))]
    assert not mismatches, mismatches[:3]


def test_jieba_backend_adds_the_domain_layer_to_jiebas_cut(jieba_with_domain_words):
    """Numbers keep their units and place + zone word is one token; every other token is jieba's."""
    text = "浑南高新区新签约项目10个，总投资额39亿元，引进双创人才"
    jiebas = [t for t in jieba_with_domain_words.lcut(text) if t != "，"]
    assert jiebas[:2] == ["浑南", "高新区"] and "39" in jiebas and "亿元" in jiebas
    assert Tokenizer(backend="jieba").tokenize(text) == [
        "浑南高新区", "新", "签约项目", "10个", "总投资额", "39亿元", "引进", "双创人才"
    ]


@pytest.mark.parametrize("backend", ["jieba", "rjieba"])
def test_word_frequency_is_the_count_in_jiebas_dictionary_with_either_backend(backend):
    import jieba

    plain = jieba.Tokenizer()  # jieba's dictionary alone, as jieba ships it
    plain.initialize()
    tok = Tokenizer(backend=backend)
    for word in ("招商", "高新区", "的", "营商环境", "不是一个词语", "x", "招商引"):
        assert tok.word_frequency(word) == plain.FREQ.get(word, 0), word
    assert tok.word_frequency("招商") == 595 and tok.word_frequency("招商引") == 0  # a prefix, not a word
    assert tok.word_frequency("用才") == 0  # a word of the domain dictionary only: jieba never counted it


def test_is_word_asks_the_dictionaries_not_the_hmm(tok):
    assert tok.is_word("招商") and tok.is_word("营商环境")  # 营商环境: a domain word
    # 营商环 and 商环 are fragments; the HMM would glue an unknown pair of characters
    assert not tok.is_word("营商环") and not tok.is_word("商环") and not tok.is_word("目0个")
    assert not tok.is_word("招商 引资")


@pytest.mark.parametrize("backend", ["jieba", "rjieba"])
def test_library_calls_print_nothing_on_stderr(tmp_path, backend):
    """A fresh process that tags, tokenizes, extracts keywords and analyses prints nothing on stderr,
    even while jieba builds its dictionary from scratch (no cache in the temporary directory);
    jieba's messages reach the "zonenlp" logger instead, and jieba's own logger is left as it was."""
    import os
    import subprocess
    import sys

    code = f"""
import logging, sys, jieba
import zonenlp
text = "湘潭高新区新签约亿元以上项目10个，总投资额39亿元。"
model = zonenlp.load(backend={backend!r})
model.tag([text]); model.predict([text]); model.explain(text)
zonenlp.tokenize(text); zonenlp.Tokenizer(backend={backend!r}).tokenize(text); zonenlp.Tokenizer(backend="jieba").tokenize(text)
zonenlp.keywords(text); zonenlp.analyze(text, model); zonenlp.figures(text); zonenlp.read_page(text)
assert jieba.default_logger.filters == [] and jieba.default_logger.level == logging.DEBUG
print("ok")
"""
    env = {**os.environ, "TMPDIR": str(tmp_path)}  # jieba caches its dictionary in the temporary directory
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert done.stdout.strip() == "ok", done.stderr
    assert done.stderr == ""
    assert (tmp_path / "jieba.cache").exists()  # the dictionary was built in this process, and said nothing

    shown = subprocess.run(
        [sys.executable, "-c", "import logging; logging.basicConfig(level=logging.DEBUG); import zonenlp; "
         "zonenlp.Tokenizer(backend='jieba').tokenize('园区')"],
        capture_output=True, text=True, env=env, check=True,
    )
    assert "DEBUG:zonenlp._engines:jieba: Loading model" in shown.stderr
