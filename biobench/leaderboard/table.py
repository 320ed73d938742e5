"""The leaderboard: one model of rows and columns that every rendering (markdown, CSV, JSON, HTML) writes out.

A row is a model with a setting label (``frame.results_frame`` makes it); per task, the mean ± sample std of
the main test metric over the row's runs (x100) and their count; per task family, the mean over its tasks
(BLURB-style); the plain mean over tasks and BLURB's suite score, the mean of the family means (each only
where the row has every task it is a mean of); and the encoder's efficiency from its profile file.

Beside the model rows stand the guide rows (``Leaderboard.guides``): the trivial baseline of every task (the
score its family's trivial predictor got on the same test set, as the result files record it), and one row per
published reference model (the task cards' ``reference_scores`` in the task's main metric). A model cell counts
its runs that are not above the baseline (paired test, p < 0.05) and that collapsed to one answer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

import pandas as pd

from biobench.leaderboard.frame import results_frame
from biobench.leaderboard.profiles import latest, row_variant
from biobench.results import Result

TITLE = "biobench leaderboard"


@dataclass(frozen=True)
class Cell:
    """One (row, task): the main test metric x100 over the row's runs of the task."""

    mean: float | None
    std: float | None  # sample std; None for fewer than two runs
    runs: int
    below: int = 0  # runs not above the trivial baseline (higher score with p < 0.05); unknown counts as neither
    collapsed: int = 0  # runs whose test predictions are all one answer
    approximate: bool = False  # a reference whose split or metric differs from the task's


@dataclass(frozen=True)
class Efficiency:
    """What a profile file measured of a row's encoder (``biobench profile``)."""

    variant: str
    size_mb: float | None
    latency_ms: float | None  # batch 1, median
    throughput: float | None  # sequences per second, batched
    sequence_length: int | None
    batch_size: int | None


@dataclass(frozen=True)
class Row:
    model: str  # the row's label: the model name and its setting label
    name: str
    setting: str  # the setting label in words; "defaults" where it has none
    settings: tuple[str, ...]  # setting ids
    parameters: int | None  # unique
    trainable: int | None
    precision: str
    cells: dict[str, Cell]
    families: dict[str, float | None]
    mean: float | None
    blurb: float | None
    seeds: tuple[int, ...]
    efficiency: Efficiency | None
    evaluated: bool = True  # False: a profile without results ("profile only")
    kind: str = "model"  # model; or a guide row: baseline, reference
    retention: Cell | None = None  # task-distilled runs: their test score over their teacher's, x100

    @property
    def partial(self) -> bool:
        """Scored on some tasks of the leaderboard, not all."""
        return self.kind == "model" and self.evaluated and any(cell.mean is None for cell in self.cells.values())

    @property
    def mean_of_present(self) -> float | None:
        """The mean over the tasks the row has (its ``mean`` where it has them all)."""
        present = [cell.mean for cell in self.cells.values() if cell.mean is not None]
        return sum(present) / len(present) if present else None


@dataclass(frozen=True, eq=False)
class Leaderboard:
    title: str
    rows: tuple[Row, ...]
    tasks: tuple[str, ...]
    metrics: dict[str, str]  # task -> its main test metric
    families: dict[str, tuple[str, ...]]  # family -> its tasks
    hardware: dict[str, str]  # processor, threads, accelerator of the runs ("mixed (...)" where they differ)
    profile_hardware: dict[str, str] | None  # the same of the profiles rows take their efficiency from
    made: str  # ISO date
    version: str  # of biobench
    runs: pd.DataFrame = field(repr=False)  # results_frame: one row per run
    guides: tuple[Row, ...] = ()  # the trivial baseline row, then the published reference rows

    @property
    def distilled(self) -> bool:
        """Some row is task-distilled (its retention of the teacher is shown)."""
        return any(row.retention for row in self.rows)


def build(results: list[Result], profiles: list[dict] = (), title: str = TITLE,
          made: datetime.date | None = None) -> Leaderboard:
    """The leaderboard of ``results``, efficiency from ``profiles`` (both as read from their files)."""
    frame = results_frame(results)
    tasks = tuple(sorted(frame["task"].unique()))
    task_family = frame.groupby("task")["family"].first().to_dict() if tasks else {}
    families = {family: tuple(task for task in tasks if task_family[task] == family)
                for family in sorted(set(task_family.values()))}
    available = latest(list(profiles))
    rows = [_row(model, runs, tasks, families, available) for model, runs in frame.groupby("model", sort=True)] \
        if tasks else []
    taken = {(row.name, row.efficiency.variant) for row in rows if row.efficiency}
    rows += [_profile_row(profile, tasks, families) for key, profile in sorted(available.items()) if key not in taken]
    used = [available[key] for key in sorted(taken)]
    return Leaderboard(
        title=title, rows=tuple(rows), tasks=tasks,
        metrics=frame.groupby("task")["metric"].first().to_dict() if tasks else {},
        families=families,
        hardware=_hardware([(run.processor, run.threads, run.accelerator) for run in frame.itertuples()]),
        profile_hardware=_hardware([_machine(profile.get("hardware")) for profile in used]) if used else None,
        made=(made or datetime.datetime.now(datetime.timezone.utc).date()).isoformat(),
        version=_biobench_version(),
        runs=frame,
        guides=_guides(frame, tasks, families) if tasks else (),
    )


def _row(model: str, runs: pd.DataFrame, tasks: tuple[str, ...], families: dict[str, tuple[str, ...]],
         profiles: dict) -> Row:
    cells = {}
    for task in tasks:
        mine = runs[runs["task"] == task]
        cells[task] = _summary(100 * mine["score"],
                               below=int((mine["above"] == False).sum()),  # noqa: E712 (None: not known)
                               collapsed=int((mine["collapsed"] == True).sum()))  # noqa: E712
    family_means = {family: _mean([cells[task].mean for task in members]) for family, members in families.items()}
    first = runs.iloc[0]
    recursions = runs["recursions"].dropna()
    variant = row_variant(int(recursions.iloc[0]) if len(recursions) else None)
    profile = profiles.get((first["name"], variant))
    setting = first["label"] or "defaults"
    if model.endswith("]"):  # a setting split from others that share its label
        setting += " " + model[model.rindex("["):]
    return Row(
        model=model, name=first["name"], setting=setting, settings=tuple(sorted(runs["setting"].unique())),
        parameters=int(runs["parameters"].max()), trainable=int(runs["trainable"].max()),
        precision=", ".join(sorted(runs["precision"].unique())),
        cells=cells, families=family_means,
        mean=_mean([cell.mean for cell in cells.values()]),
        blurb=_mean(list(family_means.values())),
        seeds=tuple(sorted(int(seed) for seed in runs["seed"].unique())),
        efficiency=_efficiency(profile) if profile else None,
        retention=_summary(100 * runs["retention"].dropna()) if runs["retention"].notna().any() else None,
    )


def _summary(values: pd.Series, **marks: int) -> Cell:
    """Mean, sample std (from two values) and count of ``values``."""
    return Cell(float(values.mean()) if len(values) else None, float(values.std()) if len(values) > 1 else None,
                len(values), **marks)


def _guides(frame: pd.DataFrame, tasks: tuple[str, ...], families: dict[str, tuple[str, ...]]) -> tuple[Row, ...]:
    """The trivial baseline row (where any result records its baseline), then a row per published reference."""
    baseline = {}
    for task in tasks:
        scores = 100 * frame.loc[frame["task"] == task, "baseline"].dropna()
        baseline[task] = Cell(float(scores.mean()) if len(scores) else None,
                              float(scores.std()) if scores.nunique() > 1 else None, len(scores))
    guides = [_guide("trivial baseline", "each family's trivial predictor", "baseline", baseline, families)] \
        if any(cell.mean is not None for cell in baseline.values()) else []
    references: dict[str, dict[str, Cell]] = {}
    for task in tasks:
        runs = frame[frame["task"] == task]
        cards = [card for card in runs["references"] if card]
        metric = runs["metric"].iloc[0]
        for reference in cards[-1] if cards else []:  # the latest task card that lists any
            if reference["metric"] == metric:
                approximate = not (reference.get("split_matches") and reference.get("metric_matches"))
                references.setdefault(reference["model"], {})[task] = Cell(100 * reference["score"], None, 0,
                                                                           approximate=approximate)
    for model, cells in sorted(references.items()):
        cells = {task: cells.get(task, Cell(None, None, 0)) for task in tasks}
        guides.append(_guide(f"reference: {model}", "published", "reference", cells, families))
    return tuple(guides)


def _guide(model: str, setting: str, kind: str, cells: dict[str, Cell], families: dict[str, tuple[str, ...]]) -> Row:
    family_means = {family: _mean([cells[task].mean for task in members]) for family, members in families.items()}
    return Row(model=model, name=model, setting=setting, settings=(), parameters=None, trainable=None, precision="",
               cells=cells, families=family_means, mean=_mean([cell.mean for cell in cells.values()]),
               blurb=_mean(list(family_means.values())), seeds=(), efficiency=None, kind=kind)


def _profile_row(profile: dict, tasks: tuple[str, ...], families: dict[str, tuple[str, ...]]) -> Row:
    name, variant = profile["model"]["name"], profile["variant"]
    return Row(
        model=f"{name} ({variant}, profile only)", name=name, setting=f"{variant}, profile only", settings=(),
        parameters=profile.get("parameters", {}).get("unique"), trainable=None, precision=variant,
        cells={task: Cell(None, None, 0) for task in tasks}, families={family: None for family in families},
        mean=None, blurb=None, seeds=(), efficiency=_efficiency(profile), evaluated=False,
    )


def _efficiency(profile: dict) -> Efficiency:
    return Efficiency(
        variant=profile["variant"], size_mb=profile.get("size_on_disk_mb"), latency_ms=profile.get("latency_ms_p50"),
        throughput=profile.get("throughput_sequences_per_second"), sequence_length=profile.get("sequence_length"),
        batch_size=profile.get("batch_size"),
    )


def _mean(values: list[float | None]) -> float | None:
    """The plain mean, or None where a value is missing (a mean over fewer tasks would not compare)."""
    if not values or any(value is None for value in values):
        return None
    return sum(values) / len(values)


def _hardware(machines: list[tuple]) -> dict[str, str]:
    """Processor, threads and accelerator of the runs, each ``mixed (a, b)`` where runs differ."""
    described = {}
    for position, key in enumerate(("processor", "threads", "accelerator")):
        values = sorted({_word(machine[position], key) for machine in machines}, key=_natural)
        described[key] = (values[0] if len(values) == 1 else f"mixed ({', '.join(values)})") if values \
            else "not recorded"
    return described


def _machine(hardware: dict | None) -> tuple:
    if hardware is None:
        return None, None, None
    return hardware.get("processor"), hardware.get("torch_threads"), hardware.get("accelerator") or "none"


def _word(value, key: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "not recorded"
    return str(int(value)) if key == "threads" else str(value)


def _natural(word: str):
    return (0, int(word), "") if word.isdigit() else (1, 0, word)


def _biobench_version() -> str:
    try:
        return version("biobench")
    except PackageNotFoundError:
        return "unknown"
