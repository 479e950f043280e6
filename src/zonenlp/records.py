"""The layout of a tagged record, one for every output: ``zonenlp tag``, ``zonenlp batch``, pandas and Dask frames.

A record is a dict: ``{"themes": [...], "scores": {label: p}, "keywords": [...]}``
(plus ``"figures"``), made by :func:`tag_record`, or ``{"error": "why"}`` for a
value that could not be tagged. JSON Lines outputs write it as it is, after
their own fields (``id``; ``zonenlp tag``'s ``index``, ``article``, ``title``,
``text``). Flat outputs — CSV files and dataframes — have one column per field
and one ``score_<label>`` per label: :func:`columns` names them, :func:`row`
gives a record's values in their order (as CSV writes them, with
``text=True``), and :func:`frame_with_tags` adds them to a pandas frame.

>>> record = tag_record({"themes": ["investment"], "scores": {"investment": 0.9, "talent": 0.1}}, ["签约项目", "湘潭高新区"])
>>> record
{'themes': ['investment'], 'scores': {'investment': 0.9, 'talent': 0.1}, 'keywords': ['签约项目', '湘潭高新区']}
>>> columns(["investment", "talent"])
['themes', 'score_investment', 'score_talent', 'keywords', 'error']
>>> row(record, ["investment", "talent"], text=True)
['investment', 0.9, 0.1, '签约项目;湘潭高新区', '']
>>> row({"error": "text is empty"}, ["investment", "talent"])
[None, None, None, None, 'text is empty']
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .errors import InputValueError
from .tagging import rounded_scores

__all__ = ["tag_record", "columns", "row", "frame_with_tags"]


def tag_record(tag: dict[str, Any], keywords: list[Any], figures: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The record of a tagged text: ``tag`` as :meth:`~zonenlp.ThemeClassifier.tag` gives it
    (themes and scores), its ``keywords`` (terms, or ``(term, score)`` pairs) and,
    unless ``None``, its ``figures`` (:meth:`zonenlp.Figure.as_dict` of each). Scores are
    rounded here, where the record is made for output people read (see :func:`zonenlp.tagging.rounded_scores`)."""
    record: dict[str, Any] = {"themes": tag["themes"], "scores": rounded_scores(tag["scores"]), "keywords": keywords}
    if figures is not None:
        record["figures"] = figures
    return record


def columns(labels: Sequence[str], *, figures: bool = False, error: bool = True) -> list[str]:
    """The flat columns of a record: ``themes``, ``score_<label>`` per label, ``keywords``,
    then ``figures`` (with ``figures``) and ``error`` (unless ``error=False``)."""
    return ["themes", *[f"score_{label}" for label in labels], "keywords", *["figures"] * figures, *["error"] * error]


def row(
    record: dict[str, Any], labels: Sequence[str], *, figures: bool = False, error: bool = True, text: bool = False
) -> list[Any]:
    """The values of ``record`` in the order of :func:`columns`.

    Lists stay lists, scores floats, and a field the record lacks (every one
    but ``error`` in an error record) is ``None``. With ``text``, as CSV
    writes them: themes and keyword terms ``;``-joined, figures as JSON and
    ``""`` for a missing field.
    """
    if "error" in record:
        values: list[Any] = [None] * (len(labels) + 2 + figures) + [record["error"]] * error
    else:
        themes, keywords, found = record["themes"], record["keywords"], record.get("figures")
        if text:
            themes = ";".join(themes)
            keywords = ";".join(k if isinstance(k, str) else k[0] for k in keywords)  # terms or (term, score)
            found = json.dumps(found, ensure_ascii=False)
        values = [themes, *[record["scores"][label] for label in labels], keywords, *[found] * figures, *[None] * error]
    return ["" if text and value is None else value for value in values]


def frame_with_tags(df: Any, records: Sequence[dict[str, Any]], labels: Sequence[str]) -> Any:
    """A copy of the pandas frame ``df`` with ``records`` (one per row) added as the
    :func:`columns` of ``labels``: ``themes`` and ``keywords`` lists, ``score_<label>``
    floats (NaN in an error row) and ``error`` (``None`` in a tagged row).
    A frame that already has one of these columns is refused."""
    import pandas as pd

    names = columns(labels)
    clash = [c for c in names if c in df.columns]
    if clash:
        raise InputValueError(f"the frame already has column(s) {clash}; rename them before tagging")
    scores = set(names[1 : 1 + len(labels)])
    values = list(zip(*[row(r, labels) for r in records])) or [()] * len(names)
    out = df.copy()
    for name, column in zip(names, values):
        out[name] = pd.Series(list(column), index=df.index, dtype="float64" if name in scores else object)
    return out
