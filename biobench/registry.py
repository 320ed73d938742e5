"""One small registry for every kind of plugin.

    FORMATS = Registry("format")
    FORMATS.register("conll", "biobench.formats.conll:read_conll")  # lazy
    reader = FORMATS.get("conll")                                    # imports now

A value given as a ``"module:attribute"`` string is imported on first use, so
heavy backends (torch, transformers) load only when a plugin needs them.
"""

from __future__ import annotations

import importlib
from typing import Any

from biobench.errors import BiobenchError, UnknownNameError


class Registry:
    """Names to objects, with lazy placeholders and a "did you mean" for typos."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, Any] = {}

    def register(self, name: str, value: Any) -> None:
        if name in self._entries and self._entries[name] != value:
            raise BiobenchError(f"{self.kind} {name!r} is registered twice")
        self._entries[name] = value

    def get(self, name: str) -> Any:
        if name not in self._entries:
            raise UnknownNameError(self.kind, name, self.names())
        value = self._entries[name]
        if isinstance(value, str) and ":" in value:
            module, attribute = value.split(":", 1)
            value = getattr(importlib.import_module(module), attribute)
            self._entries[name] = value
        return value

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, name: str) -> bool:
        return name in self._entries


FORMATS = Registry("format")
FORMATS.register("conll", "biobench.formats.conll:read_conll")
FORMATS.register("pubtator", "biobench.formats.pubtator:read_pubtator_ner")
FORMATS.register("bioc-xml", "biobench.formats.bioc_xml:read_bioc_ner")
FORMATS.register("bioc-xml-relations", "biobench.formats.bioc_xml:read_bioc_relations")
FORMATS.register("jsonl", "biobench.formats.jsonl:read_jsonl")
FORMATS.register("blue-tsv", "biobench.formats.blue_tsv:read_blue_tsv")
FORMATS.register("nli4ct-zip", "biobench.formats.nli4ct:read_nli4ct_zip")
FORMATS.register("pubmedqa-json", "biobench.formats.pubmedqa:read_pubmedqa_json")
FORMATS.register("hoc-zip", "biobench.formats.hoc:read_hoc_zip")
FORMATS.register("biosses-docx", "biobench.formats.biosses:read_biosses_docx")
FORMATS.register("squad-json", "biobench.formats.squad_json:read_squad_json")
FORMATS.register("hf-dataset", "biobench.formats.hf_dataset:read_hf_dataset")

FAMILIES = Registry("family")
FAMILIES.register("ner", "biobench.families.ner:NER")
FAMILIES.register("relation", "biobench.families.relation:RELATION")
FAMILIES.register("document-relation", "biobench.families.document_relation:DOCUMENT_RELATION")
FAMILIES.register("pair", "biobench.families.text_pair:PAIR")
FAMILIES.register("qa", "biobench.families.text_pair:QA")
FAMILIES.register("classification", "biobench.families.classification:CLASSIFICATION")
FAMILIES.register("similarity", "biobench.families.similarity:SIMILARITY")
FAMILIES.register("extractive-qa", "biobench.families.extractive_qa:EXTRACTIVE_QA")

MODEL_KINDS = Registry("model kind")
MODEL_KINDS.register("hf", "biobench.models.kinds:HF")
MODEL_KINDS.register("minialbert", "biobench.models.kinds:MINIALBERT")
