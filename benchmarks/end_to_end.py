"""End to end against the reference recipe: `biobench run` and MiniALBERT's NER
script (nlpie-research/MiniALBERT, `biomedical_ner.py`: a plain transformers
Trainer with random batches), one after the other in this invocation, on the
same NCBI-disease sentences, the same model (MiniLM-L6), epochs, seed and threads.

    .venv/bin/python benchmarks/end_to_end.py [--epochs 3] [--threads 2] [--seed 42] [--precision auto]
        [--max-train-examples N] [--eval-limit N] [--biobench-defaults]

Each side runs as its own process, timed from its start to its test score, so
both pay their imports, reading, tokenising, model loading, training and test
scoring. `biobench run` goes first (it pays the cold file cache) with an empty
feature cache. The reference recipe is written out below with nothing of
biobench: fp32, cosine schedule, lr 5e-5, batch 16, weight decay 0.01, no
evaluation during training, labels on each word's first sub-word, inputs cut at
128 sub-words (words beyond are lost: counted, predicted O), the test scored in
batches of 32 with seqeval's strict IOB2 entity F1 over every word, as biobench
scores it. (The published script labels every sub-word, scores sub-word
sequences, trains 5 epochs and cuts at 512; here both sides are scored on
words, for the same epochs.) The script's own evaluation (one sentence at a
time, padded to 512 tokens, gradients on) is timed as a second baseline;
`--eval-limit N` times the first N test sentences and extrapolates.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tasks" / "ncbi-disease" / "data"
MAX_LENGTH = 128  # sub-words per input, special tokens included
EVAL_PADDING = 512  # the reference script pads every test sentence to this length
IGNORE = -100


# --- the reference recipe (no biobench below this line until the harness side) ---


def read_conll(path: Path) -> list[tuple[list[str], list[str]]]:
    """Sentences of ``token<TAB>tag`` lines separated by blank lines."""
    sentences, tokens, tags = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if tokens:
                sentences.append((tokens, tags))
            tokens, tags = [], []
            continue
        columns = line.split("\t")
        tokens.append(columns[0].strip())
        tags.append(columns[-1].strip())
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def subset(sentences: list, limit: int | None) -> list:
    """A fixed random ``limit`` sentences in their original order: the rule `biobench run` applies."""
    if not limit or limit >= len(sentences):
        return sentences
    return [sentences[i] for i in sorted(random.Random(0).sample(range(len(sentences)), limit))]


def encode(sentences, tokenizer, label_to_index) -> tuple[list[dict], list[list[int]], dict]:
    """Model inputs (labels on first sub-words, -100 elsewhere, cut at MAX_LENGTH), the word index of
    each labelled position, and how many words the cut lost."""
    encoded = tokenizer([tokens for tokens, _ in sentences], is_split_into_words=True, truncation=True,
                        max_length=MAX_LENGTH)
    features, words, lost = [], [], {"sentences_cut": 0, "words_cut": 0, "words_without_subword": 0, "words": 0}
    for k, (tokens, tags) in enumerate(sentences):
        word_ids = encoded.word_ids(k)
        labels, first_words, previous = [], [], None
        for word in word_ids:
            if word is None or word == previous:
                labels.append(IGNORE)
            else:
                labels.append(label_to_index[tags[word]])
                first_words.append(word)
            previous = word
        features.append({key: encoded[key][k] for key in encoded.keys()} | {"labels": labels})
        words.append(first_words)
        cut = len(word_ids) == MAX_LENGTH and first_words and first_words[-1] < len(tokens) - 1
        beyond = len(tokens) - 1 - first_words[-1] if cut else 0
        lost["sentences_cut"] += bool(cut)
        lost["words_cut"] += beyond
        lost["words_without_subword"] += len(tokens) - len(first_words) - beyond
        lost["words"] += len(tokens)
    return features, words, lost


def word_tags(label_rows, sentences, words, label_names) -> list[list[str]]:
    """Predicted tags per word; words the model never saw are O."""
    tags = [["O"] * len(tokens) for tokens, _ in sentences]
    for row, first_words, sentence_tags in zip(label_rows, words, tags):
        for label, word in zip(row, first_words):
            sentence_tags[word] = label_names[label]
    return tags


def reference_recipe(args) -> dict:
    """Fine-tune and score as the reference script does; the seconds since ``args.started`` at the test score."""
    import numpy as np
    import torch
    import transformers as ts
    from datasets import Dataset
    from seqeval.metrics import f1_score
    from seqeval.scheme import IOB2

    torch.set_num_threads(args.threads)
    ts.logging.set_verbosity_error()
    ts.utils.logging.disable_progress_bar()
    train = subset(read_conll(DATA / "train.tsv"), args.max_train_examples)
    test = read_conll(DATA / "test.tsv")
    label_names = sorted({tag for _, tags in read_conll(DATA / "train.tsv") for tag in tags})
    label_to_index = {label: i for i, label in enumerate(label_names)}
    tokenizer = ts.AutoTokenizer.from_pretrained(args.model_dir)
    train_features, _, train_lost = encode(train, tokenizer, label_to_index)
    test_features, test_words, test_lost = encode(test, tokenizer, label_to_index)
    collator = ts.DataCollatorForTokenClassification(tokenizer)

    ts.set_seed(args.seed)
    model = ts.AutoModelForTokenClassification.from_pretrained(args.model_dir, num_labels=len(label_names))
    with tempfile.TemporaryDirectory() as output:
        arguments = ts.TrainingArguments(
            output, seed=args.seed, logging_steps=250, save_strategy="no", num_train_epochs=args.epochs,
            learning_rate=5e-5, lr_scheduler_type="cosine", per_device_train_batch_size=16,
            per_device_eval_batch_size=1, weight_decay=0.01, use_cpu=True, report_to="none", disable_tqdm=True,
        )
        trainer = ts.Trainer(model=model, args=arguments, train_dataset=Dataset.from_list(train_features),
                             data_collator=collator)
        clock = time.perf_counter()
        trainer.train()
        train_seconds = time.perf_counter() - clock

    clock = time.perf_counter()
    model.eval()
    rows = []
    with torch.inference_mode():
        for start in range(0, len(test_features), 32):
            batch = collator(test_features[start : start + 32])
            predicted = model(**batch).logits.argmax(-1)
            rows.extend(p[labels != IGNORE].tolist() for p, labels in zip(predicted, batch["labels"]))
    gold = [tags for _, tags in test]
    f1 = f1_score(gold, word_tags(rows, test, test_words, label_names), mode="strict", scheme=IOB2)
    test_seconds = time.perf_counter() - clock
    wall = time.time() - args.started

    # The script's own evaluation: one sentence at a time, padded to 512, gradients on, logits gathered.
    limit = min(args.eval_limit or len(test_features), len(test_features))
    padded = ts.DataCollatorForTokenClassification(tokenizer, padding="max_length", max_length=EVAL_PADDING)
    predictions, labels = [], []
    clock = time.perf_counter()
    for item in test_features[:limit]:
        sample = padded([item])
        output = model(**sample).logits.cpu().detach().numpy()
        if len(predictions) == 0:
            predictions, labels = output, sample["labels"].cpu().numpy()
        else:
            predictions = np.concatenate((predictions, output), axis=0)
            labels = np.concatenate((labels, sample["labels"].cpu().numpy()), axis=0)
    own_seconds = time.perf_counter() - clock
    own_rows = [p[row != IGNORE].tolist() for p, row in zip(predictions.argmax(-1), labels)]
    own_f1 = f1_score(gold[:limit], word_tags(own_rows, test[:limit], test_words, label_names), mode="strict",
                      scheme=IOB2)
    return {
        "wall_seconds": wall, "train_seconds": train_seconds, "test_seconds": test_seconds, "f1": float(f1),
        "train_sentences": len(train), "test_sentences": len(test), "train_lost": train_lost, "test_lost": test_lost,
        "own_eval_sentences": limit, "own_eval_seconds": own_seconds, "own_eval_f1": float(own_f1),
    }


# --- the harness side and the report ---


def run_biobench(args, env: dict, folder: Path) -> tuple[float, dict]:
    """Wall seconds of one `biobench run` process and the result file it wrote."""
    script = Path(sys.executable).with_name("biobench")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "biobench"]
    command += ["run", "--model", "minilm-l6", "--task", "ncbi-disease", "--seed", str(args.seed), "--precision",
                args.precision, "--output", str(folder / "results")]
    if not args.biobench_defaults:
        command += ["--epochs", f"{args.epochs:g}"]
    if args.max_train_examples:
        command += ["--max-train-examples", str(args.max_train_examples)]
    clock = time.perf_counter()
    subprocess.run(command, env=env, check=True)
    seconds = time.perf_counter() - clock
    (result,) = (folder / "results").rglob(f"seed-{args.seed}.json")
    return seconds, json.loads(result.read_text(encoding="utf-8"))


def run_reference(args, env: dict, folder: Path) -> dict:
    out = folder / "reference.json"
    command = [sys.executable, __file__, "--epochs", f"{args.epochs:g}", "--threads", str(args.threads),
               "--seed", str(args.seed), "--eval-limit", str(args.eval_limit or 0), "--model-dir", str(args.model_dir),
               "--reference-out", str(out), "--started", repr(time.time())]
    if args.max_train_examples:
        command += ["--max-train-examples", str(args.max_train_examples)]
    subprocess.run(command, env=env, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def lost_line(lost: dict, sentences: int, split: str) -> str:
    return (f"{split}: {lost['sentences_cut']} of {sentences} sentences cut at {MAX_LENGTH} sub-words, "
            f"{lost['words_cut']} of {lost['words']} words lost beyond the cut, "
            f"{lost['words_without_subword']} with no sub-word")


def report(args, biobench_seconds: float, result: dict, reference: dict) -> None:
    biobench_f1 = result["metrics"]["test"]["f1"]
    precision = result["hyperparameters"]["precision"]
    n_test = reference["test_sentences"]
    own_seconds = reference["own_eval_seconds"] * n_test / reference["own_eval_sentences"]
    own_wall = reference["wall_seconds"] - reference["test_seconds"] + own_seconds
    extrapolated = reference["own_eval_sentences"] < n_test
    budget = "all" if not args.max_train_examples else f"a fixed random {reference['train_sentences']:,} of"
    print()
    print(f"NCBI-disease, MiniLM-L6, {args.epochs:g} epochs, seed {args.seed}, {args.threads} threads; "
          f"{budget} the training sentences ({reference['train_sentences']:,}); test {n_test} sentences")
    timings = result["timings"]
    hyperparameters = result["hyperparameters"]
    print(f"biobench run ({precision}, {hyperparameters['epochs']:g} epochs, lr {hyperparameters['lr']:g}"
          f"{', the task defaults' if args.biobench_defaults else ''}): {biobench_seconds:.1f} s end to end "
          f"(its own timings: optimisation "
          f"{timings['train_seconds']:.1f} s, validation {timings['validation_seconds']:.1f} s, "
          f"test {timings['test_seconds']:.1f} s), test strict F1 {biobench_f1:.4f}")
    print(f"reference recipe (fp32, random batches): {reference['wall_seconds']:.1f} s end to end "
          f"(training {reference['train_seconds']:.1f} s, test in batches of 32 {reference['test_seconds']:.1f} s), "
          f"test strict F1 {reference['f1']:.4f}")
    print("  " + lost_line(reference["train_lost"], reference["train_sentences"], "train"))
    print("  " + lost_line(reference["test_lost"], n_test, "test") + " (lost words predicted O)")
    print(f"reference time / biobench time: {reference['wall_seconds'] / biobench_seconds:.2f}x; "
          f"F1 biobench - reference: {100 * (biobench_f1 - reference['f1']):+.2f} points")
    timed = (f"{reference['own_eval_seconds']:.1f} s for the first {reference['own_eval_sentences']} sentences, "
             f"extrapolated to {own_seconds:.1f} s for {n_test}" if extrapolated else f"{own_seconds:.1f} s")
    own_f1 = "" if extrapolated else f", test strict F1 {reference['own_eval_f1']:.4f}"
    print(f"reference with its own evaluation (one sentence at a time, padded to {EVAL_PADDING}): test {timed}; "
          f"{own_wall:.1f} s end to end{own_f1}")
    print(f"reference with its own evaluation / biobench time: {own_wall / biobench_seconds:.2f}x"
          + (" (extrapolated)" if extrapolated else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--precision", default="auto", choices=("auto", "fp32", "bf16"), help="biobench's side")
    parser.add_argument("--max-train-examples", type=int, default=None, help="both sides: biobench's fixed subset")
    parser.add_argument("--biobench-defaults", action="store_true",
                        help="biobench's side at the task's own epochs and lr (chosen on validation), not --epochs")
    parser.add_argument("--eval-limit", type=int, default=None,
                        help="time the reference's own evaluation on the first N test sentences and extrapolate")
    parser.add_argument("--model-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--reference-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--started", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference_out:  # the reference recipe's own process
        args.reference_out.write_text(json.dumps(reference_recipe(args)), encoding="utf-8")
        return

    from biobench.catalog import model_cards

    args.model_dir = model_cards()["minilm-l6"].location()
    threads = str(args.threads)
    with tempfile.TemporaryDirectory(prefix="end-to-end-") as folder:
        env = os.environ | {"OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads, "HF_HUB_OFFLINE": "1",
                            "BIOBENCH_CACHE": str(Path(folder) / "cache")}
        biobench_seconds, result = run_biobench(args, env, Path(folder))
        reference = run_reference(args, env, Path(folder))
    report(args, biobench_seconds, result, reference)


if __name__ == "__main__":
    main()
