"""Re-measuring a model folder rewrites its metrics and the model card's held-out table, nothing else."""

import json
import shutil

import pytest

from training.remeasure import main, update_card

CARD = """# m

## Held-out metrics

| held-out set | a |
|---|---|
| old row | 1 |

All numbers are in `metrics.json`.

## Limitations
"""


def test_update_card_replaces_the_table_and_adds_one_note():
    evaluation = {"dse-valid": {"n": 3, "model_macro_f1": 0.5, "baseline_tfidf_macro_f1": 0.4}}
    card = update_card(CARD, evaluation, "abc1234", ["training/data/train.jsonl"])
    assert "old row" not in card and "| dse-valid (5-class directed macro-F1, n=3) | 0.500 |" in card
    assert card.count("Re-measured with the library at commit abc1234") == 1
    again = update_card(card, evaluation, "def5678", [])
    assert again.count("Re-measured") == 1 and "\n\n\n" not in again  # a second run replaces the note
    assert card.endswith("## Limitations\n")


def test_a_card_without_a_table_is_refused():
    with pytest.raises(ValueError, match="no held-out table"):
        update_card("# m\n", {}, "abc", [])


def test_remeasure_a_tiny_model(tiny_model, tiny_jsonl, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(tiny_model, folder)
    before = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert main([str(folder), str(tiny_jsonl), "--baseline-train"]) == 0
    after = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert after["evaluation_at_training"] == before["evaluation"]
    assert list(after["evaluation"]) == [tiny_jsonl.stem] and after["training"] == before["training"]
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert f"| {tiny_jsonl.stem} (" in card and "Re-measured with the library at commit" in card


def test_a_folder_without_metrics_is_refused(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "has no metrics.json and README.md" in capsys.readouterr().err
