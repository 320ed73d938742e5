"""``biobench tasks validate``: what the readers forgave is said, declared repairs validate."""

import codecs

import yaml
from typer.testing import CliRunner

from biobench.cli import app
from builders import sha256, write_plugin

runner = CliRunner()
GOOD = "IL\tB-Disease\n2\tO\n"


def test_a_bom_is_stripped_and_said(tmp_path):
    plugin = write_plugin(tmp_path / "bom", "bom", {"train": GOOD, "validation": GOOD, "test": GOOD})
    train = plugin / "data" / "train.tsv"
    train.write_bytes(codecs.BOM_UTF8 + b"-DOCSTART-\tO\n\n" + GOOD.encode())
    spec = yaml.safe_load((plugin / "task.yaml").read_text())
    spec["sha256"]["data/train.tsv"] = sha256(train)
    (plugin / "task.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    result = runner.invoke(app, ["tasks", "validate", str(plugin)])
    assert result.exit_code == 0, result.output
    assert "train 1, validation 1, test 1 records" in result.output  # no sentence made of the BOM and -DOCSTART-
    assert "UTF-8 BOM stripped from data/train.tsv" in result.output


def test_declared_iob1_tags_validate_as_iob2(tmp_path):
    iob1 = "the\tO\nIL\tI-Disease\n-\tI-Disease\n2\tB-Disease\n"
    plugin = write_plugin(tmp_path / "iob1", "iob1", {"train": iob1, "validation": GOOD, "test": GOOD},
                          format_options={"tag_scheme": "iob1"})
    result = runner.invoke(app, ["tasks", "validate", str(plugin)])
    assert result.exit_code == 0 and "train 1, validation 1, test 1 records" in result.output, result.output
