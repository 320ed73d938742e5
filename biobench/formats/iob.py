"""IOB tag schemes. NER is scored with seqeval in strict IOB2 mode, where every
entity opens with ``B-``; an entity opening with ``I-`` (IOB1 style) would count
for nothing. Readers therefore refuse IOB1 tags unless the task declares
``tag_scheme: iob1``, and then convert them as seqeval reads IOB1: an ``I-X``
that does not continue an ``X`` entity opens one (``B-X``)."""

from __future__ import annotations

TAG_SCHEMES = ("iob2", "iob1")


class EntityWithoutBegin(ValueError):
    """An ``I-`` tag opening an entity in a file declared (or taken) to be IOB2."""

    def __init__(self, index: int, tag: str):
        self.index, self.tag = index, tag
        super().__init__(
            f"tag {tag!r} opens an entity without a B- tag (IOB1 style), which strict IOB2 scoring would not count; "
            f"fix the tags or declare format_options {{tag_scheme: iob1}} to convert them"
        )


def check_tag_scheme(scheme: str) -> None:
    if scheme not in TAG_SCHEMES:
        raise ValueError(f"format option tag_scheme: {scheme!r} is not one of {', '.join(TAG_SCHEMES)}")


def to_iob2(tags: list[str], scheme: str = "iob2") -> list[str]:
    """One sentence's tags in IOB2: checked (``iob2``) or converted (``iob1``)."""
    converted: list[str] = []
    previous = "O"
    for index, tag in enumerate(tags):
        if tag[:1] == "I" and not (previous[:1] in ("B", "I") and previous[2:] == tag[2:]):
            if scheme != "iob1":
                raise EntityWithoutBegin(index, tag)
            tag = "B" + tag[1:]
        converted.append(tag)
        previous = tag
    return converted
