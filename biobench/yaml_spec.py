"""Strict YAML specs: pydantic validation with errors that name file and line."""

from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from biobench.errors import DataError
from biobench.formats.text_files import read_text

Spec = TypeVar("Spec", bound=BaseModel)


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping gives the same key twice (plain YAML loaders keep the last silently)."""


class UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping, at any depth."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        first_lines: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # ``<<: *defaults`` may be overridden by design
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = first_lines.get(key)
            except TypeError:  # an unhashable key: the base loader reports it
                continue
            if first is not None:
                problem = f"duplicate key {key!r} (first given on line {first}; YAML would keep only the last)"
                raise DuplicateKeyError(None, None, problem, key_node.start_mark)
            first_lines[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


def load_yaml_spec(path: Path, model: type[Spec], context: dict[str, Any] | None = None) -> Spec:
    """Parse ``path`` into ``model``; the first problem becomes a located DataError."""
    text = read_text(path)
    try:
        data = yaml.load(text, Loader=UniqueKeyLoader)
    except DuplicateKeyError as error:
        raise DataError(path, error.problem, error.problem_mark.line + 1) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = f"invalid YAML: {getattr(error, 'problem', error)}"
        raise DataError(path, problem, mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise DataError(path, "expected a mapping of fields at the top level")
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        raise _located(error, model, path, text) from None


def _located(error: ValidationError, model: type[BaseModel], path: Path, text: str) -> DataError:
    first = error.errors()[0]
    location = tuple(first["loc"])
    key = ".".join(str(part) for part in location) or "(top level)"
    if first["type"] == "extra_forbidden":
        problem = f"unknown key {key!r}"
        close = difflib.get_close_matches(str(location[-1]), _field_names(model, location[:-1]), n=1)
        if close:
            problem += f"; did you mean {close[0]!r}?"
    elif first["type"] == "missing":
        problem = f"missing required key {key!r}"
    else:
        problem = f"{key}: {first['msg']}"
    return DataError(path, problem, _line_of(text, location))


def _field_names(model: type[BaseModel], parents: tuple) -> list[str]:
    for part in parents:
        if isinstance(part, int):  # an item of a list of models
            continue
        annotation = model.model_fields.get(str(part))
        target = getattr(annotation, "annotation", None) if annotation else None
        if typing.get_origin(target) is list:
            target = typing.get_args(target)[0]
        if not (isinstance(target, type) and issubclass(target, BaseModel)):
            return []
        model = target
    return list(model.model_fields)


def _line_of(text: str, location: tuple) -> int | None:
    """The 1-based line of the deepest key of ``location`` found in the YAML."""
    node = yaml.compose(text)
    line = None
    for part in location:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
