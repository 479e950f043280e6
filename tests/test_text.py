from collections import Counter

import pytest

from zonenlp import InputTypeError
from zonenlp.text import normalize, split_paragraphs


def test_fullwidth_ascii_becomes_halfwidth_but_chinese_punctuation_stays():
    assert normalize("ＡＢＣ１２３％，（高新区）") == "ABC123%，（高新区）"


def test_invisible_and_control_characters_are_removed():
    assert normalize("招\u200b商\u200e引\ufeff资\x07") == "招商引资"


def test_whitespace_collapses_and_cjk_gaps_close():
    assert normalize("  湘潭　高新区\t签约 \n 项目 10 个  ") == "湘潭高新区签约项目 10 个"


def test_combining_marks_are_composed():
    assert normalize("e\u0301") == "\u00e9"


def test_normalize_refuses_non_text():
    with pytest.raises(InputTypeError):
        normalize(None)  # type: ignore[arg-type]


def test_split_paragraphs_keeps_each_nonempty_line():
    text = "第一段。\r\n\r\n  第二段，\u3000有空格。\n\u200b\n第三段"
    assert split_paragraphs(text) == ["第一段。", "第二段，有空格。", "第三段"]


def test_split_paragraphs_of_empty_text_is_empty():
    assert split_paragraphs("") == []
    assert split_paragraphs(" \n\t\n") == []


def test_text_is_cleaned_once_where_it_enters(seed_page_text, shipped_model, monkeypatch):
    """A page's paragraphs are cleaned by the page reader; figures, tokens, the model and
    keywords take them as they are instead of normalizing each again."""
    import unicodedata

    import zonenlp
    from zonenlp.text import CleanText

    paragraphs = [p for article in zonenlp.read_page(seed_page_text) for p in article.paragraphs]
    assert paragraphs and all(type(p) is CleanText for p in paragraphs)
    assert [p.simplified for p in paragraphs] == [zonenlp.to_simplified(str(p)) for p in paragraphs]
    real, calls = unicodedata.normalize, []
    monkeypatch.setattr(unicodedata, "normalize", lambda form, s: calls.append(s) or real(form, s))
    shipped_model.tag(paragraphs)
    for paragraph in paragraphs:
        zonenlp.figures(paragraph), zonenlp.tokenize(paragraph), zonenlp.keywords(paragraph)
    assert calls == []
    # analyze() cleans where the page is read: a paragraph's line once as it is classified, the
    # paragraph once more when its lines are joined; tagging, figures and keywords never again
    zonenlp.analyze(seed_page_text, shipped_model)
    cleaned = Counter(calls)
    assert max(cleaned[str(p)] for p in paragraphs) <= 2


def test_clean_text_pickles_and_compares_as_str():
    import pickle

    from zonenlp.text import clean

    text = clean(" 招商引資 ")
    again = pickle.loads(pickle.dumps(text))
    assert again == "招商引資" and again.simplified == "招商引资" and hash(again) == hash("招商引資")
