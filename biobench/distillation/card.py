"""The card saved beside a distilled student: how it was made (teacher, corpus, steps, time, losses).

``biobench_card.json`` is for programs, ``README.md`` for people; both say the same.
"""

from __future__ import annotations

import json
from pathlib import Path

CARD_FILE = "biobench_card.json"
# Loss terms are reported as means over this many steps at the start and at the end of a run.
REPORT_WINDOW = 50


def loss_summary(losses: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Mean of each term over the first and the last ``REPORT_WINDOW`` steps."""
    def mean(rows):
        return {name: round(sum(row[name] for row in rows) / len(rows), 4) for name in rows[0]}

    if not losses:
        return {}
    return {"first_steps": mean(losses[:REPORT_WINDOW]), "last_steps": mean(losses[-REPORT_WINDOW:])}


def write_card(folder: Path, card: dict) -> None:
    (folder / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(_markdown(card), encoding="utf-8")


def _markdown(card: dict) -> str:
    student, teacher, corpus, run = card["student"], card["teacher"], card["corpus"], card["run"]
    lines = [
        f"# MiniALBERT student of {teacher['name']}",
        "",
        f"Distilled with `biobench distill` (biobench {card['biobench_version']}).",
        "",
        f"- student: {student['recursions']} recursions of one shared layer, embedding size "
        f"{student['embedding_size']}, hidden size {student['hidden_size']}, adapters: {student['adapters']}; "
        f"{student['parameters_without_mlm_head']:,} parameters without the masked-LM head "
        f"({student['fraction_of_teacher']:.1%} of the teacher's {teacher['parameters']:,})",
        f"- initialisation: {student['initialisation']}",
        f"- teacher: `{teacher['name']}` ({teacher['source']}); layer map {run['layer_map']}",
        f"- corpus: {corpus['passages']:,} passages, {corpus['sequences']:,} packed sequences of "
        f"{run['settings']['sequence_length']} tokens from {', '.join(corpus['sources'])}",
        f"- run: {run['steps_done']} of {run['settings']['steps']} steps, batch {run['settings']['batch_size']}, "
        f"lr {run['settings']['lr']}, precision {run['settings']['precision']}, {run['seconds']:.0f} s",
        f"- loss terms (weights {run['loss_weights']}): {', '.join(run['loss_terms'])}",
    ]
    lines += [f"- note: {note}" for note in run["notes"]]
    lines += ["", "| losses | " + " | ".join(card["losses"].get("last_steps", {})) + " |"]
    lines += ["| --- |" + " --- |" * len(card["losses"].get("last_steps", {}))]
    for window, values in card["losses"].items():
        lines.append(f"| {window.replace('_', ' ')} | " + " | ".join(f"{v:.4f}" for v in values.values()) + " |")
    return "\n".join(lines) + "\n"
