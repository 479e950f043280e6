"""Write src/zonenlp/resources/places.txt: the place names (POS ``ns``) of jieba's dictionary.

The tokenizer merges a place name with the zone word after it (湘潭 + 高新区 ->
湘潭高新区). Reading jieba's 5 MB dictionary at run time to find place names
would slow every cold start, so this script extracts them once; rerun it when
the jieba version in use changes.

    python scripts/build_places.py
"""

from __future__ import annotations

import os
from pathlib import Path

import jieba

OUT = Path(__file__).resolve().parents[1] / "src" / "zonenlp" / "resources" / "places.txt"


def main() -> None:
    dict_path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    places = set()
    with open(dict_path, encoding="utf-8") as fh:
        for line in fh:
            word, _freq, tag = line.split()
            if tag == "ns" and 2 <= len(word) <= 6:
                places.add(word)
    header = f"# Place names (POS ns) extracted from jieba {jieba.__version__}'s dictionary by scripts/build_places.py\n"
    OUT.write_text(header + "\n".join(sorted(places)) + "\n", encoding="utf-8")
    print(f"wrote {len(places)} place names to {OUT}")


if __name__ == "__main__":
    main()
