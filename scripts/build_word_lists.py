"""Write the word lists the tokenizer needs from jieba's dictionary, once, as package resources.

- ``places.txt``: the place names (POS ``ns``) of jieba's dictionary;
- ``common_words.txt``: its words of two to four Chinese characters with a
  frequency of at least 200.

The tokenizer merges a place name with the zone word after it (湘潭 + 高新区 ->
湘潭高新区): a known place, or a word that is not a common one, counts as a
place. Reading jieba's 5 MB dictionary for this at run time would slow every
cold start and tie the tokenizer to jieba's own engine, so these lists are
extracted here; rerun this script when the jieba version in use changes.

    python scripts/build_word_lists.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import jieba

RESOURCES = Path(__file__).resolve().parents[1] / "src" / "zonenlp" / "resources"
COMMON_WORD_FREQ = 200  # zonenlp.tokenizer._COMMON_WORD_FREQ
_CJK_2_TO_4 = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def main() -> None:
    dict_path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    places, common = set(), set()
    with open(dict_path, encoding="utf-8") as fh:
        for line in fh:
            word, freq, tag = line.split()
            if tag == "ns" and 2 <= len(word) <= 6:
                places.add(word)
            if int(freq) >= COMMON_WORD_FREQ and _CJK_2_TO_4.match(word):
                common.add(word)
    for name, words, what in (
        ("places.txt", places, "Place names (POS ns)"),
        ("common_words.txt", common, f"Words of 2-4 Chinese characters with frequency >= {COMMON_WORD_FREQ}"),
    ):
        header = f"# {what} of jieba {jieba.__version__}'s dictionary, written by scripts/build_word_lists.py\n"
        (RESOURCES / name).write_text(header + "\n".join(sorted(words)) + "\n", encoding="utf-8")
        print(f"wrote {len(words)} words to {RESOURCES / name}")


if __name__ == "__main__":
    main()
