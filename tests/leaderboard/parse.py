"""Read the four renderings back into one shape, to compare what they say: per row, per column, the text."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pandas as pd

from biobench.leaderboard._words import count

CELL = re.compile(r"^(?P<mean>-?\d+\.\d\d)(?: ± (?P<std>\d+\.\d\d))?\s*(?P<marks>[†‡*]*)\s*"
                  r"(?:\(?n=(?P<runs>\d+)\)?)?$")


def task_cell(text: str) -> tuple:
    """``82.00 ± 0.41 † (n=3)`` -> ("82.00", "0.41", 3); ``–`` -> (None, None, 0); a reference's ``87.82 *``
    (no runs) -> ("87.82", None, 0)."""
    text = text.strip()
    if text == "–":
        return None, None, 0
    found = CELL.match(text)
    assert found, text
    return found["mean"], found["std"], int(found["runs"] or 0)


def two(value) -> str | None:
    return None if value is None or pd.isna(value) else f"{value:.2f}"


def one(value) -> str | None:
    return None if value is None or pd.isna(value) else f"{value:.1f}"


def from_markdown(text: str, tasks, families) -> dict:
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split(" | ")]
    table = {}
    for line in lines[2:]:
        cells = dict(zip(header, (cell.strip() for cell in line.strip()[2:-2].split(" | "))))
        missing = {"–": None}
        table[cells["model"].strip("`*")] = {
            **{task: task_cell(cells[task]) for task in tasks},
            **{family: missing.get(cells[f"{family} (family)"], cells[f"{family} (family)"]) for family in families},
            "mean": missing.get(cells["mean"], cells["mean"]), "blurb": missing.get(cells["BLURB-style"],
                                                                                  cells["BLURB-style"]),
            "size": missing.get(cells["size MB"], cells["size MB"]),
            "latency": missing.get(cells["latency ms"], cells["latency ms"]),
            "throughput": missing.get(cells["sequences/s"], cells["sequences/s"]),
            "parameters": cells["parameters"],
        }
    return table


def from_csv(text: str, tasks, families, metrics) -> dict:
    frame = pd.read_csv(io.StringIO(text))
    table = {}
    for _, row in frame.iterrows():
        table[row["model"]] = {
            **{task: (two(row[f"{task} {metrics[task]}"]), two(row[f"{task} {metrics[task]} std"]),
                      int(row[f"{task} runs"])) for task in tasks},
            **{family: two(row[f"{family} family"]) for family in families},
            "mean": two(row["mean"]), "blurb": two(row["blurb_style"]), "size": one(row["size_mb"]),
            "latency": one(row["latency_ms_p50"]), "throughput": one(row["throughput_sequences_per_second"]),
            "parameters": count(None if pd.isna(row["parameters"]) else int(row["parameters"])),
        }
    return table


def from_json(text: str) -> dict:
    document = json.loads(text)
    table = {}
    for row in document["rows"] + document.get("guides", []):
        efficiency = row["efficiency"] or {}
        table[row["model"]] = {
            **{task: (two(cell["mean"]), two(cell["std"]), cell["runs"]) for task, cell in row["tasks"].items()},
            **{family: two(mean) for family, mean in row["families"].items()},
            "mean": two(row["mean"]), "blurb": two(row["blurb_style"]), "size": one(efficiency.get("size_mb")),
            "latency": one(efficiency.get("latency_ms")), "throughput": one(efficiency.get("throughput")),
            "parameters": count(row["parameters"]),
        }
    return table


class Cells(HTMLParser):
    """The board's body rows: the row's model and class, and per column key the cell's ``data-value`` and text."""

    def __init__(self):
        super().__init__()
        self.keys, self.rows, self.cell, self.in_head = [], [], None, False

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "thead":
            self.in_head = True
        elif tag == "th" and self.in_head:
            self.keys.append(attributes["data-key"])
        elif tag == "tr" and not self.in_head and "data-model" in attributes:
            self.rows.append({"model": attributes["data-model"], "class": attributes.get("class", ""), "cells": {}})
        elif tag == "td" and self.rows:
            self.cell = [attributes.get("data-value"), ""]

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_head = False
        elif tag == "td" and self.cell is not None:
            cells = self.rows[-1]["cells"]
            cells[self.keys[len(cells)]] = tuple(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data


def html_rows(text: str) -> list[dict]:
    parser = Cells()
    parser.feed(text)
    return parser.rows


def from_html(text: str, tasks, families) -> dict:
    table = {}
    for row in html_rows(text):
        cells = row["cells"]

        def value(key, digits=2):
            raw = cells[key][0]
            return None if raw == "" else f"{float(raw):.{digits}f}"

        table[row["model"]] = {
            **{task: task_cell(cells[f"task-{task}"][1]) for task in tasks},
            **{family: value(f"family-{family}") for family in families},
            "mean": value("mean"), "blurb": value("blurb"), "size": value("size", 1),
            "latency": value("latency", 1), "throughput": value("throughput", 1),
            "parameters": cells["parameters"][1],
        }
    return table
