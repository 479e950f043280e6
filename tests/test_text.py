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
