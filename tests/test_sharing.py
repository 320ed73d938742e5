"""Sharing results on the Hub: push and download against a local stand-in of the Hub's HTTP API (the endpoints
huggingface_hub calls for create_repo, upload_folder and snapshot_download, answered on 127.0.0.1), and the
model-index metadata round-tripped through huggingface_hub's ModelCard."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from biobench.cli import app
from biobench.errors import BiobenchError
from biobench.results import ResultStore, new_result
from biobench.sharing import card_metadata, download_results, push_results

COMMIT = "c" * 40


class HubStandIn(ThreadingHTTPServer):
    """The Hub's dataset-repo endpoints, in memory: repos created, files committed, and requests seen."""

    def __init__(self, token: str | None = "hf_test"):
        super().__init__(("127.0.0.1", 0), _HubHandler)
        self.token, self.repos, self.requests = token, {}, []
        self.files: dict[str, bytes] = {}
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class _HubHandler(BaseHTTPRequestHandler):
    server: HubStandIn

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests.append((self.command, self.path, self.headers.get("authorization")))
        if self.server.token and self.headers.get("authorization") != f"Bearer {self.server.token}":
            return self._json({"error": "Invalid credentials in Authorization header"}, 401)
        if self.path == "/api/repos/create":
            request = json.loads(body)
            self.server.repos[f"{request['organization']}/{request['name']}"] = request
            return self._json({"url": f"{self.server.url}/datasets/{request['organization']}/{request['name']}"})
        if "/preupload/" in self.path:  # every file inline ("regular"), as the Hub answers for small text files
            files = json.loads(body)["files"]
            return self._json({"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                                         for f in files]})
        if "/commit/" in self.path:
            for line in body.decode().splitlines():
                entry = json.loads(line)
                if entry["key"] == "file":
                    self.server.files[entry["value"]["path"]] = base64.b64decode(entry["value"]["content"])
            return self._json({"commitUrl": f"{self.server.url}/datasets/org/results/commit/{COMMIT}",
                               "commitOid": COMMIT})
        self._json({"error": "not found"}, 404)

    def do_GET(self):
        self.server.requests.append((self.command, self.path, self.headers.get("authorization")))
        path = self.path.split("?")[0]
        if "/revision/" in path:
            return self._json({"id": "org/results", "sha": COMMIT,
                               "siblings": [{"rfilename": name} for name in self.server.files]})
        if "/tree/" in path:
            return self._json([{"type": "file", "path": name, "size": len(data), "oid": hashlib.sha1(data).hexdigest()}
                               for name, data in self.server.files.items()])
        if "/resolve/" in path:
            name = path.split(f"/resolve/{COMMIT}/", 1)[1]
            data = self.server.files[name]
            return self._send(200, data, {"ETag": f'"{hashlib.sha1(data).hexdigest()}"', "X-Repo-Commit": COMMIT})
        self._json({"error": "not found"}, 404)

    do_HEAD = do_GET

    def _json(self, payload, status: int = 200):
        self._send(status, json.dumps(payload).encode(), {"Content-Type": "application/json"})

    def _send(self, status: int, data: bytes, headers: dict):
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def hub(monkeypatch, tmp_path):
    server = HubStandIn()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("HF_TOKEN", "hf_test")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub-cache"))
    # huggingface_hub reads HF_ENDPOINT once, at import: point what it derived from it at the stand-in
    monkeypatch.setattr("huggingface_hub.constants.ENDPOINT", server.url)
    monkeypatch.setattr("huggingface_hub.constants.HUGGINGFACE_CO_URL_TEMPLATE",
                        server.url + "/{repo_id}/resolve/{revision}/{filename}")
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hub-cache"))
    yield server
    server.shutdown()
    server.server_close()


def write_result(output: Path, model: str, task: str, family: str, seed: int, score: float,
                 tuning: str = "full") -> Path:
    """A schema-2 result file as biobench run writes it (the measured fields made up)."""
    hyperparameters = {"seed": seed, "epochs": 3.0, "lr": 5e-5, "batch_size": 16, "max_length": 128,
                       "scheduler": "linear", "warmup_ratio": 0.0, "weight_decay": 0.0, "max_train_examples": None,
                       "max_eval_examples": None, "precision": "fp32", "tuning": tuning, "recursions": None,
                       "head": None}
    defaults = {key: hyperparameters[key] for key in ("epochs", "lr", "batch_size", "max_length")}
    result = new_result(
        {"name": model, "kind": "hf", "source": "x", "revision": None,
         "parameters": {"total": 10, "unique": 10, "trainable": 10}},
        {"name": task, "version": "1.0", "family": family, "fold": None, "data_sha256": "0" * 64,
         "metric": "f1", "metric_version": "v"},
        seed, hyperparameters, {"tuning": tuning}, defaults,
        metrics={"main": "f1", "validation": {"f1": score}, "test": {"f1": score}, "best_epoch": 3.0, "labels": []},
        timings={}, throughput={}, peak_memory_mb=1.0, hardware={}, packages={}, created="2026-01-01T00:00:00+00:00",
    )
    store = ResultStore(output)
    path = store.path(model, task, seed, result["setting"]["id"], result["setting"]["label"])
    store.write(path, result, [{"id": "1", "gold": "a", "predicted": "a"}])
    return path


@pytest.fixture
def results(tmp_path) -> Path:
    output = tmp_path / "results"
    for seed, score in ((1, 0.80), (2, 0.84)):
        write_result(output, "minilm-l6", "ncbi-disease", "ner", seed, score)
    write_result(output, "minilm-l6", "ncbi-disease", "ner", 1, 0.70, tuning="adapters")
    write_result(output, "minilm-l6", "hoc", "classification", 1, 0.60)
    write_result(output, "other-model", "hoc", "classification", 1, 0.10)
    (output / "minilm-l6" / "fp32.profile.json").write_text(json.dumps(
        {"schema_version": 1, "kind": "profile", "model": {"name": "minilm-l6"}, "variant": "fp32"}) + "\n")
    (output / "leaderboard.md").write_text("| model |\n")
    (output / ".work" / "abc").mkdir(parents=True)
    (output / ".work" / "abc" / "checkpoint.bin").write_bytes(b"scratch")
    (output / ".locks").mkdir()
    (output / ".locks" / "abc.lock").write_text("")
    return output


def test_push_uploads_the_results_and_leaves_scratch_behind(hub, results):
    result = CliRunner().invoke(app, ["push", str(results), "--repo", "org/results", "--private"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert hub.repos["org/results"] == {"name": "results", "organization": "org", "visibility": "private",
                                        "type": "dataset"}
    local = {str(path.relative_to(results)): path.read_bytes() for path in results.rglob("*")
             if path.is_file() and not path.relative_to(results).parts[0].startswith(".")}
    assert hub.files == local  # every result, prediction, profile and leaderboard, byte for byte
    assert any(name.endswith("seed-2.predictions.jsonl") for name in hub.files)
    posts = [(path, token) for method, path, token in hub.requests if method == "POST"]
    assert posts == [(f"/api/{endpoint}", "Bearer hf_test") for endpoint in
                     ("repos/create", "datasets/org/results/preupload/main", "datasets/org/results/commit/main")]
    assert "hf://org/results" in result.output


def test_pushed_results_come_back_for_the_leaderboard(hub, results):
    push_results(results, "org/results")
    folder = download_results("hf://org/results")
    assert sorted(p.relative_to(folder) for p in folder.rglob("*.json")) == sorted(
        p.relative_to(results) for p in results.rglob("*.json") if ".work" not in p.parts)
    assert json.loads((folder / "minilm-l6" / "fp32.profile.json").read_text())["kind"] == "profile"


def test_push_refusals_are_one_line(hub, results, tmp_path):
    hub.token = "another-token"
    with pytest.raises(BiobenchError, match=r"pushing to org/results: the Hub answered .*401.*hf auth login"):
        push_results(results, "org/results")
    with pytest.raises(BiobenchError, match="a Hub repo is written ORG/NAME"):
        push_results(results, "no-organisation")
    (tmp_path / "empty").mkdir()
    with pytest.raises(BiobenchError, match="no result or profile files to push"):
        push_results(tmp_path / "empty", "org/results")
    (results / "minilm-l6" / "hoc" / "broken").mkdir()
    (results / "minilm-l6" / "hoc" / "broken" / "seed-9.json").write_text("{")
    result = CliRunner().invoke(app, ["push", str(results), "--repo", "org/results"])
    assert result.exit_code == 2 and "fix or remove it before pushing" in result.output
    with pytest.raises(BiobenchError, match="hf://ORG/NAME"):
        download_results("org/results")


def test_card_metadata_round_trips_through_a_model_card(results):
    from huggingface_hub import ModelCard

    result = CliRunner().invoke(app, ["models", "card-metadata", str(results), "--model", "minilm-l6"])
    assert result.exit_code == 0, result.output
    card = ModelCard(f"---\n{result.output}---\n\n# minilm-l6\n")
    assert card.data.model_name == "minilm-l6"
    found = {(e.dataset_name, e.metric_config): e for e in card.data.eval_results}
    assert sorted(found) == [("hoc", "defaults"), ("ncbi-disease", "adapters"), ("ncbi-disease", "defaults")]
    defaults = found[("ncbi-disease", "defaults")]
    assert defaults.metric_value == pytest.approx(0.82) and defaults.metric_type == "f1"
    assert defaults.task_type == "token-classification" and defaults.dataset_split == "test"
    assert defaults.metric_name == "test f1 (defaults; mean of 2 seeds)"
    assert found[("ncbi-disease", "adapters")].metric_value == pytest.approx(0.70)
    assert found[("hoc", "defaults")].task_type == "text-classification"


def test_card_metadata_from_result_files_and_refusals(results):
    files = sorted(str(path) for path in (results / "minilm-l6" / "hoc").rglob("seed-*.json"))
    yaml_text = card_metadata([Path(f) for f in files], "minilm-l6")
    assert "model-index:" in yaml_text and "ncbi-disease" not in yaml_text and "value: 0.6" in yaml_text
    with pytest.raises(BiobenchError, match="no results of model 'nobody'"):
        card_metadata([results], "nobody")
    not_a_result = results / "minilm-l6" / "fp32.profile.json"
    result = CliRunner().invoke(app, ["models", "card-metadata", str(not_a_result), "--model", "minilm-l6"])
    assert result.exit_code == 2 and "not a result file" in result.output
