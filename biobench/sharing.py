"""Results on the Hugging Face Hub: push a results folder to a dataset repo,
fetch one back for the leaderboard (``hf://ORG/NAME``), and state a model's
results as the ``model-index`` of its model card.

    push_results(Path("results"), "my-lab/biobench-results")   # -> the commit's URL
    folder = download_results("hf://my-lab/biobench-results")    # a local snapshot
    print(card_metadata([Path("results")], "minilm-l6"))        # model-index YAML

A pushed folder holds the result files, their predictions, profiles and
leaderboards as ``biobench run`` and ``biobench profile`` wrote them; scratch
(``.work/``, ``.locks/``, temporary files) stays behind. ``endpoint`` (or the
``HF_ENDPOINT`` variable) points at another Hub; the token is huggingface_hub's
own (``HF_TOKEN`` or ``hf auth login``).
"""

from __future__ import annotations

import contextlib
import json
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from biobench.errors import BiobenchError, DataError
from biobench.results import READABLE_SCHEMAS, Result, scan_results, upgraded

HUB_PREFIX = "hf://"
REPO_ID = re.compile(r"^[\w.-]+/[\w.-]+$")
LEFT_BEHIND = [".work/*", ".locks/*", "*.tmp", "*.lock"]
TASK_TYPES = {  # biobench family -> the Hub's task type (pipeline tag) and the task's name in words
    "ner": ("token-classification", "Named entity recognition"),
    "relation": ("text-classification", "Relation extraction"),
    "pair": ("text-classification", "Natural language inference"),
    "qa": ("question-answering", "Question answering (closed answers)"),
    "classification": ("text-classification", "Document classification"),
    "similarity": ("sentence-similarity", "Semantic textual similarity"),
    "extractive-qa": ("question-answering", "Extractive question answering"),
}


def is_hub_reference(reference: str) -> bool:
    """Whether ``reference`` names a Hub dataset repo (``hf://ORG/NAME``) rather than a local folder."""
    return str(reference).startswith(HUB_PREFIX)


def push_results(results: Path, repo: str, private: bool = False, endpoint: str | None = None,
                 token: str | None = None) -> str:
    """Upload the results folder to the dataset repo ``repo`` (created if missing); the commit's URL."""
    from huggingface_hub import HfApi

    results = Path(results)
    _check_repo_id(repo)
    _check_shareable(results)
    api = HfApi(endpoint=endpoint, token=token)
    with _hub_errors(f"pushing to {repo}"):
        api.create_repo(repo, repo_type="dataset", private=private, exist_ok=True)
        commit = api.upload_folder(
            folder_path=results, repo_id=repo, repo_type="dataset", ignore_patterns=LEFT_BEHIND,
            commit_message=f"biobench results from {results.resolve().name}",
        )
    return str(commit)


def download_results(reference: str, endpoint: str | None = None, token: str | None = None) -> Path:
    """A local folder holding the Hub dataset repo ``hf://ORG/NAME[@revision]`` (huggingface_hub's cache;
    ``HF_HUB_OFFLINE=1`` reads the cached copy)."""
    from huggingface_hub import snapshot_download

    if not is_hub_reference(reference):
        raise BiobenchError(f"{reference!r}: a Hub results repo is written hf://ORG/NAME")
    repo, _, revision = reference[len(HUB_PREFIX):].partition("@")
    _check_repo_id(repo)
    with _hub_errors(f"downloading {reference}"):
        return Path(snapshot_download(repo, repo_type="dataset", revision=revision or None, endpoint=endpoint,
                                      token=token))


def card_metadata(paths: list[Path], model: str) -> str:
    """The ``model-index`` YAML of ``model``'s results: per task, fold and setting, the main test metric's
    mean over seeds, the setting's label in the metric's name and config."""
    from huggingface_hub import ModelCardData

    results = [result for result in read_result_paths(paths) if result["model"]["name"] == model]
    if not results:
        raise BiobenchError(f"no results of model {model!r} in {', '.join(str(path) for path in paths)}")
    card = ModelCardData(model_name=model, eval_results=eval_results(results))
    return card.to_yaml() + "\n"


def eval_results(results: list[Result]) -> list:
    """One ``huggingface_hub.EvalResult`` per (task, fold, setting): the main test metric, mean over seeds."""
    from huggingface_hub import EvalResult

    groups: dict[tuple, list[Result]] = defaultdict(list)
    for result in results:
        task = result["task"]
        groups[(task["name"], task.get("fold"), _label(result), result["setting"]["id"])].append(result)
    labelled = Counter(key[:3] for key in groups)
    evaluations = []
    for (task_name, fold, label, setting), members in sorted(groups.items(), key=lambda item: str(item[0])):
        if labelled[(task_name, fold, label)] > 1:  # settings that differ in what no label word names
            label += f" [{setting[:8]}]"
        first = members[0]
        metric = first["metrics"]["main"]
        task_type, task_words = TASK_TYPES.get(first["task"]["family"], ("text-classification", None))
        seeds = sorted({member["seed"] for member in members})
        evaluations.append(EvalResult(
            task_type=task_type, task_name=task_words,
            dataset_type=task_name, dataset_name=task_name, dataset_split="test",
            dataset_config=f"fold-{fold}" if fold is not None else None,
            dataset_revision=first["task"].get("version"),
            metric_type=metric, metric_config=label,
            metric_name=f"test {metric} ({label}; mean of {len(seeds)} seed{'s' * (len(seeds) > 1)})",
            metric_value=round(statistics.mean(member["metrics"]["test"][metric] for member in members), 4),
        ))
    return evaluations


def read_result_paths(paths: list[Path]) -> list[Result]:
    """Results from folders (every result under them) and result files; an unreadable one is an error."""
    results: list[Result] = []
    for path in map(Path, paths):
        if path.is_dir():
            found, unreadable = scan_results(path)
            if unreadable:
                raise DataError(unreadable[0].path, unreadable[0].problem)
            results += found
        else:
            results.append(_read_result_file(path))
    return results


def _read_result_file(path: Path) -> Result:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BiobenchError(f"{path}: no such file or folder") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(path, f"not a readable JSON result ({error})") from None
    if not isinstance(data, dict) or data.get("schema_version") not in READABLE_SCHEMAS or "config_hash" not in data:
        raise DataError(path, "not a result file of a schema this biobench reads")
    try:
        return upgraded(data)
    except (KeyError, TypeError) as error:
        raise DataError(path, f"a result without the field {error}") from None


def _label(result: Result) -> str:
    return ", ".join(result["setting"]["label"]) or "defaults"


def _check_repo_id(repo: str) -> None:
    if not REPO_ID.match(repo):
        raise BiobenchError(f"--repo {repo!r}: a Hub repo is written ORG/NAME")


def _check_shareable(results: Path) -> None:
    """Refuse, before any upload, a folder that is missing, holds no result or profile, or holds a broken one."""
    if not results.is_dir():
        raise BiobenchError(f"{results}: not a results folder")
    found, unreadable = scan_results(results)
    if unreadable:
        raise DataError(unreadable[0].path, f"{unreadable[0].problem}; fix or remove it before pushing")
    if not found and not any(results.rglob("*.profile.json")):
        raise BiobenchError(f"{results}: no result or profile files to push")


@contextlib.contextmanager
def _hub_errors(doing: str):
    """huggingface_hub's and the network's errors as one line a user can act on."""
    from huggingface_hub.errors import (HfHubHTTPError, LocalEntryNotFoundError, OfflineModeIsEnabled,
                                        RepositoryNotFoundError)

    try:
        yield
    except RepositoryNotFoundError:
        raise BiobenchError(f"{doing}: no such dataset repo, or no access to it (log in with `hf auth login` "
                            f"or set HF_TOKEN)") from None
    except HfHubHTTPError as error:
        hint = "; log in with `hf auth login` or set HF_TOKEN" if _status(error) in (401, 403) else ""
        raise BiobenchError(f"{doing}: the Hub answered {_first_line(error)}{hint}") from None
    except (LocalEntryNotFoundError, OfflineModeIsEnabled):
        raise BiobenchError(f"{doing}: the Hub cannot be reached and no copy is cached") from None
    except Exception as error:
        if isinstance(error, OSError) or type(error).__module__.startswith(("httpx", "httpcore")):
            raise BiobenchError(f"{doing}: the Hub cannot be reached ({_first_line(error)})") from None
        raise


def _status(error) -> int | None:
    return getattr(getattr(error, "response", None), "status_code", None)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
