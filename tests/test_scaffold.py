"""``biobench tasks new``: a plugin folder that validates as written, or a clear error."""

from typer.testing import CliRunner

from biobench.cli import app
from builders import TASKS, first_sentences

runner = CliRunner()


def test_new_conll_plugin_validates(tmp_path):
    source = tmp_path / "corpus.tsv"
    source.write_text(first_sentences(TASKS / "ncbi-disease" / "data" / "train.tsv", 50), encoding="utf-8")
    made = runner.invoke(app, ["tasks", "new", "my-corpus", "--family", "ner", "--format", "conll",
                               "--train", str(source), "--into", str(tmp_path)])
    assert made.exit_code == 0, made.output
    folder = tmp_path / "my-corpus"
    assert {p.name for p in folder.iterdir()} == {"task.yaml", "README.md", "data"}
    assert "train 35, validation 5, test 10 records" in (folder / "README.md").read_text()
    checked = runner.invoke(app, ["tasks", "validate", str(folder)])
    assert checked.exit_code == 0 and "train 35, validation 5, test 10" in checked.output


def test_required_reader_options_are_named(tmp_path):
    made = runner.invoke(app, ["tasks", "new", "rel", "--family", "relation", "--format", "bioc-xml-relations",
                               "--train", str(TASKS / "biored" / "data" / "Dev.BioC.XML"), "--into", str(tmp_path)])
    assert made.exit_code == 0 and "set format_options pair_types" in made.output
    checked = runner.invoke(app, ["tasks", "validate", str(tmp_path / "rel")])
    assert checked.exit_code == 2 and "needs format_options pair_types" in checked.output


def test_format_of_the_wrong_family_fails_validation(tmp_path):
    made = runner.invoke(app, ["tasks", "new", "odd", "--family", "relation", "--format", "conll",
                               "--train", str(TASKS / "ncbi-disease" / "data" / "validation.tsv"),
                               "--into", str(tmp_path)])
    assert made.exit_code == 0
    checked = runner.invoke(app, ["tasks", "validate", str(tmp_path / "odd")])
    assert checked.exit_code == 2
    assert "lacks field(s) ['label', 'text'] of the relation family's records" in checked.output


def test_bad_names_and_existing_folders(tmp_path):
    source = TASKS / "ncbi-disease" / "data" / "validation.tsv"
    unknown = runner.invoke(app, ["tasks", "new", "x", "--family", "nerr", "--format", "conll", "--train", str(source),
                                  "--into", str(tmp_path)])
    assert unknown.exit_code == 2 and "unknown family 'nerr'; did you mean 'ner'?" in unknown.output
    (tmp_path / "x").mkdir()
    taken = runner.invoke(app, ["tasks", "new", "x", "--family", "ner", "--format", "conll", "--train", str(source),
                                "--into", str(tmp_path)])
    assert taken.exit_code == 2 and "already exists" in taken.output
