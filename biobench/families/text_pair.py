"""Text-pair classification scored by accuracy (macro F1 beside it): natural-language
inference (``pair``: a statement against evidence) and closed-answer question
answering (``qa``: a question against its context, yes / no / maybe).
"""

from __future__ import annotations

from biobench.families.sequence import SequenceFamily
from biobench.families.base import Metric
from biobench.records import PairRecord, QuestionRecord


class TextPairFamily(SequenceFamily):
    name = "pair"
    record_type = PairRecord
    metrics = (Metric("accuracy"), Metric("f1_macro"))
    metric_version = "sklearn/accuracy+macro-f1"

    def texts(self, record: PairRecord) -> tuple[str, str]:
        return record["text_a"], record["text_b"]

    def score(self, records: list[dict], predictions: list[str]) -> dict:
        from biobench.metrics import label_scores

        return label_scores([self.gold(record) for record in records], predictions)


class ClosedQuestionFamily(TextPairFamily):
    name = "qa"
    record_type = QuestionRecord

    def texts(self, record: QuestionRecord) -> tuple[str, str]:
        return record["question"], record["context"]


PAIR = TextPairFamily()
QA = ClosedQuestionFamily()
