"""Load a MiniALBERT checkpoint, published (nlpie, `model_type: "albert"`) or our own, into a task class."""

import os

from .configuration_minialbert import MiniAlbertConfig
from .modeling_minialbert import MiniAlbertForMaskedLM, MiniAlbertPreTrainedModel

# Configuration fields that may be given as from_pretrained keyword arguments.
_CONFIG_KWARGS = ("id2label", "label2id", "problem_type")
# from_pretrained arguments that locate the files, so the config must be read with them too.
_FILE_LOCATION_KWARGS = ("cache_dir", "force_download", "local_files_only", "proxies", "revision", "subfolder", "token")


def load_minialbert(
    pretrained_model_name_or_path: str | os.PathLike,
    task_class: type[MiniAlbertPreTrainedModel] = MiniAlbertForMaskedLM,
    *,
    recursions: int | None = None,
    num_labels: int | None = None,
    **from_pretrained_kwargs,
) -> MiniAlbertPreTrainedModel:
    """Build `task_class` from a local folder or a Hub id (e.g. "nlpie/bio-miniALBERT-128").

    recursions: depth-adaptive inference, keep only the first k recursions (saved in the config).
    num_labels: size of a classification head; a head absent from the checkpoint is freshly initialised,
        one of another size needs `ignore_mismatched_sizes=True`.
    from_pretrained_kwargs: passed to `task_class.from_pretrained` (revision, token, dtype, ...).
    """
    config_overrides = {"recursions": recursions, "num_labels": num_labels}
    config_overrides |= {
        key: from_pretrained_kwargs.pop(key) for key in _CONFIG_KWARGS if key in from_pretrained_kwargs
    }
    config = MiniAlbertConfig.from_checkpoint(
        pretrained_model_name_or_path,
        **{key: value for key, value in config_overrides.items() if value is not None},
        **{key: from_pretrained_kwargs[key] for key in _FILE_LOCATION_KWARGS if key in from_pretrained_kwargs},
    )
    return task_class.from_pretrained(pretrained_model_name_or_path, config=config, **from_pretrained_kwargs)
