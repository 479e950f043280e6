"""Reading labelled paragraphs from JSON Lines files.

One object per line with at least ``text`` (str) and ``labels`` (list of str;
``[]`` means "other"); other fields (``id``, ``group``, ``subtopic`` …) are kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import InputValueError

__all__ = ["read_labelled", "texts_and_labels"]


def read_labelled(paths: str | Path | Iterable[str | Path]) -> list[dict[str, Any]]:
    """Read labelled records from one or several JSON Lines files.

    Raises :class:`~zonenlp.errors.InputValueError` naming the file and line of
    the first record that is not valid JSON or lacks a str ``text`` and a list
    ``labels``. Blank lines are skipped.
    """
    records = []
    for path in map(Path, [paths] if isinstance(paths, (str, Path)) else paths):
        try:
            handle = open(path, encoding="utf-8-sig")
        except OSError as exc:
            raise InputValueError(f"cannot open {path}: {exc.strerror}") from exc
        with handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputValueError(f"{where}: not valid JSON ({exc.msg})") from None
                if not isinstance(record, dict):
                    raise InputValueError(f"{where}: expected a JSON object")
                if not isinstance(record.get("text"), str):
                    raise InputValueError(f"{where}: 'text' must be a string")
                labels = record.get("labels")
                if not isinstance(labels, list) or not all(isinstance(l, str) for l in labels):
                    raise InputValueError(f"{where}: 'labels' must be a list of strings ([] for other)")
                records.append(record)
    return records


def texts_and_labels(records: Iterable[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Split records into the ``texts`` and ``label_lists`` that ``fit`` takes."""
    records = list(records)
    return [r["text"] for r in records], [list(r["labels"]) for r in records]
