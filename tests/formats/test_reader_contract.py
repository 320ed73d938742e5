"""The reader contract of ``biobench.formats``: a reader's signature is what the loader
accepts in ``format_options`` and what ``biobench tasks new`` writes."""

import pytest

from biobench.formats import reader_options
from biobench.registry import FORMATS


def test_the_archive_member_is_not_an_option():
    options = reader_options(FORMATS.get("nli4ct-zip"))
    assert options.required == () and options.defaults == {"trials_folder": "Complete_dataset/CT json"}


def test_required_and_optional_options():
    assert reader_options(FORMATS.get("biosses-docx")).required == ("scores_file",)
    conll = reader_options(FORMATS.get("conll"))
    assert conll.required == () and conll.defaults == {"entity_type": None, "tag_scheme": "iob2"}
    assert conll.names == ["entity_type", "tag_scheme"]


@pytest.mark.parametrize("name", FORMATS.names())
def test_every_registered_reader_reads_one_path(name):
    options = reader_options(FORMATS.get(name))
    assert "path" not in options.names and "member" not in options.names
