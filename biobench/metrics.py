"""Metrics, each computed by the library that defines it."""

from __future__ import annotations

from seqeval.metrics import classification_report, f1_score
from seqeval.scheme import IOB2


def entity_scores(gold: list[list[str]], predicted: list[list[str]]) -> dict:
    """Entity-level micro P/R/F1 (seqeval strict IOB2), per type, and lenient F1."""
    report = classification_report(gold, predicted, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    micro = report["micro avg"]
    per_type = {
        name: round(float(values["f1-score"]), 6)
        for name, values in report.items()
        if not name.endswith(" avg")
    }
    return {
        "f1": float(micro["f1-score"]),
        "precision": float(micro["precision"]),
        "recall": float(micro["recall"]),
        "f1_lenient": float(f1_score(gold, predicted, zero_division=0)),
        "per_type": per_type,
    }


def label_scores(gold: list[str], predicted: list[str]) -> dict:
    """Accuracy and macro F1 over the gold and predicted classes (scikit-learn)."""
    from sklearn.metrics import accuracy_score, f1_score as sk_f1

    return {
        "accuracy": float(accuracy_score(gold, predicted)),
        "f1_macro": float(sk_f1(gold, predicted, average="macro", zero_division=0)),
    }


def relation_scores(gold: list[str], predicted: list[str], negative: str) -> dict:
    """Micro F1 over the positive classes (the negative class excluded, BLUE/BLURB convention),
    with micro P/R, macro F1 over the positive classes and F1 per class (scikit-learn)."""
    from sklearn.metrics import precision_recall_fscore_support

    positive = sorted(({*gold} | {*predicted}) - {negative})
    if not positive:
        return {"f1": 0.0, "precision": 0.0, "recall": 0.0, "f1_macro": 0.0, "per_class": {}}
    micro = precision_recall_fscore_support(gold, predicted, labels=positive, average="micro", zero_division=0)
    macro = precision_recall_fscore_support(gold, predicted, labels=positive, average="macro", zero_division=0)
    per_class = precision_recall_fscore_support(gold, predicted, labels=positive, average=None, zero_division=0)[2]
    return {
        "f1": float(micro[2]),
        "precision": float(micro[0]),
        "recall": float(micro[1]),
        "f1_macro": float(macro[2]),
        "per_class": {label: round(float(f1), 6) for label, f1 in zip(positive, per_class)},
    }


def multilabel_scores(gold: list[list[str]], predicted: list[list[str]], labels: list[str]) -> dict:
    """Micro and macro F1 over labels, and example-based F1 (BLUE's HoC measure:
    the mean over documents of each document's F1; scikit-learn ``average="samples"``)."""
    from sklearn.metrics import f1_score as sk_f1
    from sklearn.preprocessing import MultiLabelBinarizer

    binarizer = MultiLabelBinarizer(classes=labels)
    y_true, y_pred = binarizer.fit_transform(gold), binarizer.transform(predicted)
    return {
        "f1": float(sk_f1(y_true, y_pred, average="micro", zero_division=0)),
        "f1_macro": float(sk_f1(y_true, y_pred, average="macro", zero_division=0)),
        "f1_examples": float(sk_f1(y_true, y_pred, average="samples", zero_division=1.0)),
    }


def correlation_scores(gold: list[float], predicted: list[float]) -> dict:
    """Pearson and Spearman correlation (scipy); 0 when a side is constant."""
    import numpy as np
    from scipy.stats import pearsonr, spearmanr

    if np.ptp(gold) == 0 or np.ptp(predicted) == 0:  # constant (np.std of equal floats may not be 0)
        return {"pearson": 0.0, "spearman": 0.0}
    return {"pearson": float(pearsonr(gold, predicted)[0]), "spearman": float(spearmanr(gold, predicted)[0])}


def f1_from_counts(totals):
    """Micro F1 from summed (true positives, predicted, gold) counts; works on stacked totals too."""
    import numpy as np

    true_positives, predicted, gold = totals[..., 0], totals[..., 1], totals[..., 2]
    denominator = predicted + gold
    return np.divide(2 * true_positives, denominator, out=np.zeros_like(true_positives), where=denominator > 0)
