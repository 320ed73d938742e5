"""The internal record schema of each family: what format readers produce.

Readers turn published files into plain dicts of these shapes (no torch, no
tokenizer), so any reader feeds any model through its family.
"""

from __future__ import annotations

from typing import TypedDict


class NerRecord(TypedDict):
    """One sentence (or passage) as words with IOB2 tags, e.g. ``B-Disease``."""

    id: str
    tokens: list[str]
    tags: list[str]


NO_RELATION = "none"
"""The negative class of relation records by default: a candidate pair that is not related (a task names
another with ``family_options: {negative_label: ...}``, or none at all with ``null``)."""

HEAD_MARKS, TAIL_MARKS = ("<< ", " >>"), ("[[ ", " ]]")
"""How readers mark the first and the second entity of a pair in a relation record's text."""


class RelationRecord(TypedDict):
    """One candidate entity pair in its text, the entities marked in the text itself
    (``<< chemical >>`` / ``[[ protein ]]`` (``HEAD_MARKS``, ``TAIL_MARKS``), or anonymised as
    ``@GENE$`` / ``@DISEASE$``); ``label`` is the relation type or the task's negative label."""

    id: str
    text: str
    label: str


class EntityMentions(TypedDict):
    """One entity of a document: its identifier, its type and the character spans of its mentions."""

    id: str
    type: str
    spans: list[tuple[int, int]]  # [start, end) offsets in the document text, one per mention


class DocumentRelationRecord(RelationRecord):
    """A candidate pair of entities of a document (``text``: the document with the pair marked, as in
    ``RelationRecord``), and what encoding the document once needs: the document's id and plain text, and
    both entities with every mention. Pairs of one document share ``document`` and ``document_text``."""

    document: str
    document_text: str
    head: EntityMentions
    tail: EntityMentions


class PairRecord(TypedDict):
    """Two texts (e.g. a statement and the trial sections it is about) and their relation."""

    id: str
    text_a: str
    text_b: str
    label: str


class QuestionRecord(TypedDict):
    """A question answered with one of a closed set of answers (yes / no / maybe) from a context."""

    id: str
    question: str
    context: str
    label: str


class DocumentRecord(TypedDict):
    """A document with zero or more class labels (one label for single-label tasks)."""

    id: str
    text: str
    labels: list[str]


class SimilarityRecord(TypedDict):
    """Two sentences and their gold similarity score (e.g. the mean of annotators' 0-4 scores)."""

    id: str
    text_a: str
    text_b: str
    score: float


class Answer(TypedDict):
    text: str
    start: int  # character offset in the context


class SpanQuestionRecord(TypedDict):
    """A question whose answers are spans of the context; ``document`` groups questions by article."""

    id: str
    question: str
    context: str
    answers: list[Answer]
    document: str
