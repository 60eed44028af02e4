"""Shared fixtures: a tiny random BERT base (no download) and a tiny trained stance model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "models" / "stance-minilm"


@pytest.fixture(scope="session")
def tiny_records() -> list[dict]:
    from training.article_source import parse_article

    return [parse_article(path) for path in sorted(DATA.glob("*.art"))]


@pytest.fixture(scope="session")
def tiny_jsonl(tmp_path_factory: pytest.TempPathFactory, tiny_records: list[dict]) -> Path:
    path = tmp_path_factory.mktemp("data") / "tiny.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in tiny_records), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from training.tiny import make_tiny_base_model

    return make_tiny_base_model(tmp_path_factory.mktemp("tiny-base"))


def train_args(base: Path, data: Path, output: Path, **overrides: object) -> list[str]:
    args = {
        "--base-model": str(base), "--train-files": str(data), "--dev-files": str(data), "--eval-files": str(data),
        "--output-dir": str(output), "--epochs": "1", "--batch-size": "2", "--device": "cpu", "--freeze-embeddings": "false",
    }
    args.update({k: str(v) for k, v in overrides.items()})
    return [item for pair in args.items() for item in pair]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory, tiny_base: Path, tiny_jsonl: Path) -> Path:
    from training.train import main

    output = tmp_path_factory.mktemp("tiny-model") / "model"
    assert main(train_args(tiny_base, tiny_jsonl, output)) == 0
    return output


@pytest.fixture(scope="session")
def tiny_classifier(tiny_model: Path):
    from stance.classifier import Classifier

    return Classifier.from_pretrained(tiny_model, device="cpu")


@pytest.fixture(scope="session")
def shipped_classifier():
    from stance.classifier import Classifier

    if not (SHIPPED / "model.safetensors").exists():
        pytest.fail(f"the shipped model is missing at {SHIPPED}")
    return Classifier.from_pretrained(SHIPPED, device="cpu")
