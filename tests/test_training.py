"""The training job on a tiny random BERT: writes a loadable folder, resumes, rejects bad data early."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from stance.classifier import Classifier
from tests.conftest import ROOT, train_args
from training.train import main


def test_one_step_training_writes_a_self_describing_folder(tiny_model):
    names = {p.name for p in tiny_model.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "README.md", "metrics.json"} <= names
    assert not any(name.endswith((".bin", ".pt", ".pth")) for name in names)
    config = json.loads((tiny_model / "config.json").read_text())
    assert config["relation_labels"] == ["none", "cooperative", "adversarial", "neutral"]
    assert config["kinds"] == ["quote", "reported", "action"]
    metrics = json.loads((tiny_model / "metrics.json").read_text())
    assert metrics["training"]["best_epoch"] == 1
    assert "torch threads" in metrics["training"]["host"]  # training times mean little without the CPU
    card = (tiny_model / "README.md").read_text()
    assert "python -m training.train" in card and "Held-out metrics" in card and "Limitations" in card
    assert Classifier.from_pretrained(tiny_model, device="cpu").classify("Japan praised India.") is not None


def test_bad_training_data_fails_with_file_line_and_reason_before_training(tmp_path, tiny_base, tiny_jsonl, capsys):
    bad = tmp_path / "bad.jsonl"
    lines = tiny_jsonl.read_text().splitlines()
    record = json.loads(lines[1])
    record["relations"][0]["stance"] = "friendly"
    bad.write_text(lines[0] + "\n" + json.dumps(record) + "\n")
    output = tmp_path / "never"
    assert main(train_args(tiny_base, bad, output)) == 2
    assert f"{bad}:2: relation 0: unknown stance 'friendly'" in capsys.readouterr().err
    assert not output.exists()


def test_frozen_embeddings_are_not_stored_and_come_back(tmp_path, tiny_base, tiny_jsonl):
    output = tmp_path / "frozen"
    assert main(train_args(tiny_base, tiny_jsonl, output, **{"--freeze-embeddings": "true", "--eval-files": ""})) == 0
    from safetensors import safe_open

    with safe_open(str(output / "model.safetensors"), framework="pt") as handle:
        keys = list(handle.keys())
        assert all(handle.get_tensor(k).dtype.is_floating_point is False or str(handle.get_tensor(k).dtype) == "torch.float16" for k in keys)
    assert not any(k.endswith("word_embeddings.weight") for k in keys)
    assert Classifier.from_pretrained(output, device="cpu").classify("Japan praised India.") is not None


def test_cpu_bfloat16_training_writes_a_loadable_folder_and_records_the_flag(tmp_path, tiny_base, tiny_jsonl):
    output = tmp_path / "bf16"
    assert main(train_args(tiny_base, tiny_jsonl, output, **{"--cpu-bfloat16": "true", "--eval-files": ""})) == 0
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["arguments"]["cpu_bfloat16"] is True
    assert metrics["training"]["history"][0]["train_loss"] > 0
    assert Classifier.from_pretrained(output, device="cpu").classify("Japan praised India.") is not None


def _run(args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "training.train", *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)


def test_resume_after_sigkill_matches_an_uninterrupted_run(tmp_path, tiny_base, tiny_jsonl):
    common = {"--epochs": "3", "--save-steps": "1", "--eval-files": "", "--average-last": "2"}
    straight = tmp_path / "straight"
    assert main(train_args(tiny_base, tiny_jsonl, straight, **common)) == 0

    killed = tmp_path / "killed"
    checkpoint = tmp_path / "killed.checkpoint"
    process = _run(train_args(tiny_base, tiny_jsonl, killed, **common))
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        state = checkpoint / "trainer_state.json"
        if state.exists() and json.loads(state.read_text())["global_step"] >= 2:
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    process.wait()
    if process.returncode == 0:
        pytest.skip("the run finished before it could be killed")
    assert not killed.exists()
    assert main(train_args(tiny_base, tiny_jsonl, killed, **{**common, "--resume": "true"})) == 0
    first = json.loads((straight / "metrics.json").read_text())["training"]["history"]
    second = json.loads((killed / "metrics.json").read_text())["training"]["history"]
    strip = lambda h: [{k: v for k, v in e.items() if k != "seconds"} for e in h]  # noqa: E731
    assert strip(first) == strip(second)
    averages = [json.loads((folder / "metrics.json").read_text())["training"]["average"] for folder in (straight, killed)]
    assert averages[0]["epochs"] == [2, 3] and averages[0] == averages[1]


def test_configuration_from_json_file_and_flags(tmp_path):
    from training.arguments import parse_arguments

    config = tmp_path / "config.json"
    config.write_text(json.dumps({"epochs": 2, "learning_rate": 1e-4}))
    args = parse_arguments(["--config", str(config), "--epochs", "5", "--device", "cpu"])
    assert (args.epochs, args.learning_rate, args.device) == (5, 1e-4, "cpu")
    config.write_text(json.dumps({"epochz": 2}))
    with pytest.raises(SystemExit):
        parse_arguments(["--config", str(config)])
    with pytest.raises(SystemExit):
        parse_arguments(["--device", "tpu"])


def test_dev_is_evaluated_from_the_chosen_epoch_and_the_best_comes_from_those(tmp_path, tiny_base, tiny_jsonl):
    output = tmp_path / "late"
    assert main(train_args(tiny_base, tiny_jsonl, output, **{"--epochs": "3", "--eval-from-epoch": "2", "--eval-files": ""})) == 0
    training = json.loads((output / "metrics.json").read_text())["training"]
    assert ["relation_f1" in epoch for epoch in training["history"]] == [False, True, True]
    assert training["best_epoch"] in (2, 3)
    assert "| 1 |" in (output / "README.md").read_text()  # the skipped epoch's row shows its loss and "-"


def test_extra_records_that_teach_stance_only_train_without_a_relation_loss(tiny_base, tiny_records):
    import math

    from training.arguments import TrainingArguments
    from training.data import records_to_dataset
    from training.trainer import Trainer, build_model

    args = TrainingArguments(base_model=str(tiny_base), device="cpu", batch_size=2, freeze_embeddings=False)
    model, tokenizer = build_model(args)
    stance_only = [{**record, "partial": True, "stance_only": True} for record in tiny_records]
    rows = records_to_dataset(stance_only)
    labels = [label for row in rows["labels"] for label in row]
    assert labels and all(label == -100 or label >= 4 for label in labels)  # no pair teaches "relation" or "none"
    trainer = Trainer(args, model, tokenizer, rows, rows)
    assert math.isfinite(trainer._step([rows[0], rows[1]]))


def test_layer_lr_decay_lowers_the_learning_rate_layer_by_layer(tiny_base):
    from training.arguments import TrainingArguments
    from training.trainer import build_model, parameter_groups

    args = TrainingArguments(base_model=str(tiny_base), learning_rate=1e-4, head_learning_rate=1e-3, layer_lr_decay=0.5, freeze_embeddings=False)
    model, _ = build_model(args)
    layers = model.encoder.config.num_hidden_layers
    rate_of = {id(p): group["lr"] for group in parameter_groups(model, args) for p in group["params"]}
    named = dict(model.named_parameters())
    assert rate_of[id(named["encoder.encoder.layer.0.attention.self.query.weight"])] == pytest.approx(1e-4 * 0.5**layers)
    assert rate_of[id(named[f"encoder.encoder.layer.{layers - 1}.output.dense.weight"])] == pytest.approx(1e-4 * 0.5)
    assert rate_of[id(named["encoder.embeddings.word_embeddings.weight"])] == pytest.approx(1e-4 * 0.5 ** (layers + 1))
    assert rate_of[id(named["relation_head.weight"])] == 1e-3
    assert len(rate_of) == sum(p.requires_grad for p in model.parameters())


def test_without_layer_lr_decay_the_encoder_is_one_group(tiny_base):
    from training.arguments import TrainingArguments
    from training.trainer import build_model, parameter_groups

    args = TrainingArguments(base_model=str(tiny_base))
    groups = parameter_groups(build_model(args)[0], args)
    assert [group["lr"] for group in groups] == [args.learning_rate, args.head_learning_rate]
    same_rate = TrainingArguments(base_model=str(tiny_base), learning_rate=1e-4, head_learning_rate=1e-4)
    assert [group["lr"] for group in parameter_groups(build_model(same_rate)[0], same_rate)] == [1e-4, 1e-4]


def test_attention_dropout_overrides_the_base_models_rate_and_is_recorded(tiny_base):
    from training.arguments import TrainingArguments
    from training.trainer import build_model

    own = build_model(TrainingArguments(base_model=str(tiny_base)))[0]
    none = build_model(TrainingArguments(base_model=str(tiny_base), attention_dropout=0.0))[0]
    assert own.encoder.config.attention_probs_dropout_prob == 0.1
    assert none.encoder.config.attention_probs_dropout_prob == 0.0
    assert none.config.encoder_config["attention_probs_dropout_prob"] == 0.0  # saved with the model folder
    assert all(m.p == 0.0 for name, m in none.encoder.named_modules() if name.endswith("attention.self.dropout"))


def test_annotated_extra_sentences_are_fully_labelled_and_replace_partial_copies(monkeypatch, tiny_base, tiny_jsonl, tiny_records):
    import training.adapters
    from training.arguments import TrainingArguments
    from training.train import load_training_data

    annotated = {"id": "a", "text": "Kenya praised Somalia.", "relations": []}
    partial = [{"id": "p1", "text": annotated["text"], "partial": True, "relations": []},
               {"id": "p2", "text": "Somalia thanked Kenya.", "partial": True, "relations": []}]
    sets = {"public-annotated": [annotated], "dse": partial}
    monkeypatch.setattr(training.adapters, "extra_training_records", lambda name, limit, seed: sets[name])
    args = TrainingArguments(base_model=str(tiny_base), train_files=[str(tiny_jsonl)], dev_files=[str(tiny_jsonl)],
                             extra_sets=["public-annotated", "dse"], extra_stance_only=True)
    train, _, _, used = load_training_data(args)
    extra = [row for row in train if row["article"] in ("a", "p1", "p2")]
    labels = {row["article"]: set(row["labels"]) for row in extra}
    assert labels == {"a": {0}, "p2": {-100}}  # "a" teaches "no relation"; the partial copy of its sentence is gone
    assert used[-2:] == ["public-annotated (1 records, training/public_annotated.py)", "dse (1 records, adapter in training/adapters.py)"]


def test_checkpoint_averaging_keeps_the_running_mean_and_dev_picks_it_or_the_best_epoch(tmp_path, tiny_base, tiny_jsonl):
    output = tmp_path / "averaged"
    assert main(train_args(tiny_base, tiny_jsonl, output, **{"--epochs": "3", "--average-last": "3", "--eval-files": ""})) == 0
    training = json.loads((output / "metrics.json").read_text())["training"]
    average = training["average"]
    assert average["epochs"] == [1, 2, 3] and isinstance(average["chosen"], bool)
    best_epoch_score = max((h["relation_f1"] + h["stance_macro_f1"]) / 2 for h in training["history"] if "relation_f1" in h)
    assert average["chosen"] == ((average["relation_f1"] + average["stance_macro_f1"]) / 2 > best_epoch_score)
    assert "| mean of epochs 1-3 | - |" in (output / "README.md").read_text()


def test_the_running_mean_of_weights_is_the_mean(tiny_base, tiny_records):
    import torch

    from training.arguments import TrainingArguments
    from training.data import records_to_dataset
    from training.trainer import Trainer, build_model

    args = TrainingArguments(base_model=str(tiny_base), device="cpu", epochs=3, average_last=3)
    model, tokenizer = build_model(args)
    rows = records_to_dataset(tiny_records)
    trainer = Trainer(args, model, tokenizer, rows, rows)
    seen = []
    for epoch, scale in enumerate((1.0, 2.0, 6.0), start=1):
        with torch.no_grad():
            for parameter in model.parameters():
                parameter.fill_(scale)
        seen.append(scale)
        trainer._accumulate_average(epoch)
    assert trainer.state.averaged_epochs == [1, 2, 3]
    name = next(n for n, p in model.named_parameters())
    assert torch.allclose(trainer.average_state[name], torch.full_like(trainer.average_state[name], sum(seen) / 3))


def test_averaging_more_epochs_than_run_is_refused():
    from training.arguments import TrainingArguments

    with pytest.raises(ValueError, match="--average-last 4 is more than --epochs 3"):
        TrainingArguments(epochs=3, average_last=4).validate()
