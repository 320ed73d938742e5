import pytest

from biobench.errors import BiobenchError, UnknownNameError
from biobench.registry import FAMILIES, FORMATS, Registry


def test_lazy_entries_import_on_first_use():
    registry = Registry("thing")
    registry.register("join", "os.path:join")
    assert registry.get("join")("a", "b") == "a/b"


def test_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownNameError, match="did you mean 'conll'"):
        FORMATS.get("conl")


def test_a_name_registered_twice_is_refused():
    registry = Registry("thing")
    registry.register("x", "os:sep")
    with pytest.raises(BiobenchError, match="registered twice"):
        registry.register("x", "os:pathsep")


def test_builtins_are_registered():
    assert {"conll", "pubtator"} <= set(FORMATS.names())
    assert "ner" in FAMILIES.names()
