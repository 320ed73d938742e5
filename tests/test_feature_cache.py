from transformers import AutoTokenizer

from biobench.catalog import load_task
from biobench.feature_cache import cache_root, cached_features, feature_key
from biobench.families.base import Features


def test_hit_returns_what_was_stored_and_skips_the_work(tiny_bert):
    task = load_task("species-800")
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    labels = task.family.label_names(task.records("validation"), task.spec.labels)
    key = feature_key(tokenizer, task, "validation", labels, 64)
    fresh = cached_features(key, lambda: task.family.featurize(
        task.records("validation"), tokenizer, 64, {label: i for i, label in enumerate(labels)}))
    calls = []
    again = cached_features(key, lambda: calls.append(1) or Features([]))
    assert calls == [] and again.inputs == fresh.inputs
    assert [list(origin) for origin in fresh.origins] == again.origins
    predictions = [[max(label, 0) for label in feature["labels"]] for feature in again.inputs]
    decoded = task.family.decode(predictions, again, task.records("validation"), labels)
    assert decoded == [record["tags"] for record in task.records("validation")]


def test_key_depends_on_what_shapes_the_features(tiny_bert):
    task = load_task("species-800")
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    base = feature_key(tokenizer, task, "train", ["O"], 64)
    assert base == feature_key(tokenizer, task, "train", ["O"], 64)
    others = {feature_key(tokenizer, task, "train", ["O"], 128), feature_key(tokenizer, task, "test", ["O"], 64),
              feature_key(tokenizer, load_task("ncbi-disease"), "train", ["O"], 64)}
    assert len({base, *others}) == 4


def test_a_corrupt_entry_is_recomputed():
    (cache_root()).mkdir(parents=True, exist_ok=True)
    (cache_root() / "broken.json").write_text("{not json")
    assert cached_features("broken", lambda: Features([{"input_ids": [1]}], [[0, [0]]])).inputs == [{"input_ids": [1]}]


def test_calling_the_tokenizer_leaves_the_key_alone(tiny_bert):
    task = load_task("species-800")
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    before = feature_key(tokenizer, task, "train", ["O"], 64)
    tokenizer(["a b c", "a"], truncation=True, max_length=8, padding="max_length", stride=2,
              return_overflowing_tokens=True)
    assert feature_key(tokenizer, task, "train", ["O"], 64) == before
    tokenizer(["a b c"], truncation="only_first", max_length=3, padding="longest")
    assert feature_key(tokenizer, task, "train", ["O"], 64) == before


def test_a_second_seed_reuses_the_first_seeds_features(tiny_bert, ncbi_slice, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from biobench.cli import app

    monkeypatch.setenv("BIOBENCH_CACHE", str(tmp_path / "cache"))
    result = CliRunner().invoke(app, [str(a) for a in (
        "run", "--model", tiny_bert, "--task", "ncbi-slice", "--tasks-dir", ncbi_slice.parent,
        "--output", tmp_path / "results", "--precision", "fp32", "--seed", 1, "--seed", 2)])
    assert result.exit_code == 0, result.output
    assert len(list(cache_root().iterdir())) == 3  # train, validation, test
