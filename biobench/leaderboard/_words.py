"""How a leaderboard's numbers read (``22.7M``, ``82.00 ± 0.41``) and the notes every rendering carries:
the metric of each task, the families, where efficiency comes from, and when, by what and on what it was made."""

from __future__ import annotations

from biobench.leaderboard.table import Cell, Leaderboard

MISSING = "–"


def count(value: int | None) -> str:
    """``22.7M``, ``240K``."""
    if value is None:
        return MISSING
    if value >= 1e9:
        return f"{value / 1e9:.1f}B"
    if value >= 1e6:
        return f"{value / 1e6:.1f}M"
    return f"{value / 1e3:.0f}K" if value >= 1e3 else str(value)


def number(value: float | None, digits: int = 2) -> str:
    return MISSING if value is None else f"{value:.{digits}f}"


def mean_std(cell: Cell) -> str:
    """``82.00 ± 0.41``; ``82.00`` for one run; ``–`` for none; marked ``†`` where a run is not above the
    trivial baseline, ``‡`` where one collapsed, ``*`` for a reference on another split or metric."""
    if cell.mean is None:
        return MISSING
    text = f"{cell.mean:.2f}" if cell.std is None else f"{cell.mean:.2f} ± {cell.std:.2f}"
    marks = ("†" if cell.below else "") + ("‡" if cell.collapsed else "") + ("*" if cell.approximate else "")
    return f"{text} {marks}" if marks else text


def seeds(values: tuple[int, ...]) -> str:
    return ", ".join(str(seed) for seed in values) or MISSING


def machine(hardware: dict[str, str]) -> str:
    """``Intel Xeon, 2 threads, accelerator: none``."""
    threads = f"{hardware['threads']} thread{'' if hardware['threads'] == '1' else 's'}"
    return f"{hardware['processor']}, {threads}, accelerator: {hardware['accelerator']}"


def notes(board: Leaderboard) -> list[str]:
    """The sentences under the table: metrics, families, efficiency (``provenance`` is said apart)."""
    metrics = ", ".join(f"{task}: test {metric}" for task, metric in board.metrics.items())
    families = "; ".join(f"{family}: {', '.join(tasks)}" for family, tasks in board.families.items())
    return [
        f"Scores: the main test metric ×100 ({metrics}), mean ± sample std over the row's n runs.",
        f"Family columns: the mean over the family's tasks ({families}); mean: the plain mean over tasks; "
        "BLURB-style: the mean over families of each family's mean. A mean is left out (–) where a row lacks one "
        "of its tasks. Cross-validated tasks: mean over the folds run.",
        efficiency_note(board),
        *guide_notes(board),
        *(["retention %: a task-distilled row's test score over its teacher's (the teacher's run of the same task "
            "and seed, as the result records it), ×100, mean ± sample std over the row's n distilled runs."]
          if board.distilled else []),
    ]


def guide_notes(board: Leaderboard) -> list[str]:
    """What the baseline and reference rows are, and what the marks say (only where they appear)."""
    notes = []
    cells = [cell for row in board.rows for cell in row.cells.values()]
    if any(row.kind == "baseline" for row in board.guides):
        notes.append("trivial baseline: the score of each family's trivial predictor (majority class; every word "
                     "O for NER; the training mean for similarity; the empty answer for extractive QA) on the same "
                     "test set, fitted on the training split. † marks a cell with runs not above it: a lower score, "
                     "or p ≥ 0.05 in a two-sided paired permutation test against the baseline's predictions"
                     + (f" ({sum(cell.below > 0 for cell in cells)} such cells)." if cells else "."))
    if any(cell.collapsed for cell in cells):
        notes.append("‡ marks a cell with runs that collapsed: every test example given the same answer (NER: no "
                     "entity).")
    if any(row.kind == "reference" for row in board.guides):
        notes.append("reference rows: published test scores in the task's main metric, from the task cards' "
                     "`reference_scores` (`biobench tasks show TASK` gives each source); * where the published "
                     "split or metric differs from this task's.")
    return notes


def efficiency_note(board: Leaderboard) -> str:
    described = "Parameters: unique (shared tensors counted once) and trainable, as the result files record them."
    profiled = [row.efficiency for row in board.rows if row.efficiency]
    if not profiled:
        return described + (" Size, latency and throughput come from `biobench profile` files (`*.profile.json` "
                            "in the results folder): none found.")
    lengths = ", ".join(sorted({str(e.sequence_length) for e in profiled}))
    batches = ", ".join(sorted({str(e.batch_size) for e in profiled}))
    return described + (
        f" Size on disk (MB), latency (ms, batch 1, median) and throughput (sequences/s, batch {batches}) of the "
        f"encoder alone, at {lengths} tokens, from `biobench profile` files on {machine(board.profile_hardware)}: "
        "fp32, or the row's depth where a MiniALBERT ran fewer recursions; adapters and task heads not included; "
        "– where no profile was found. Rows marked profile only are profiled variants (int8, say) that were not "
        "fine-tuned or scored."
    )


def provenance(board: Leaderboard) -> str:
    return (f"Made {board.made} by biobench {board.version} from {len(board.runs)} runs on "
            f"{machine(board.hardware)}.")
