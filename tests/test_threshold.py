"""Refitting the relation threshold on dev, end to end (tiny random model)."""

import json
import shutil

import pytest

from training.evaluate import relation_f1
from training.threshold import GRID, fit_end_to_end_threshold, main


def test_fit_picks_a_grid_value_and_restores_the_classifier(tiny_classifier, tiny_records):
    before = tiny_classifier.model.config.relation_threshold
    best, scores = fit_end_to_end_threshold(tiny_classifier, tiny_records)
    assert best in GRID and set(scores) == set(GRID)
    assert scores[best] == max(scores.values())
    assert tiny_classifier.model.config.relation_threshold == before


def test_one_pass_fit_equals_classifying_at_each_cut_off(tiny_classifier, tiny_records):
    _, scores = fit_end_to_end_threshold(tiny_classifier, tiny_records)
    before = tiny_classifier.model.config.relation_threshold
    try:
        for threshold in GRID:
            tiny_classifier.model.config.relation_threshold = threshold
            predictions = tiny_classifier.classify([r["text"] for r in tiny_records])
            assert relation_f1(tiny_records, predictions) == pytest.approx(scores[threshold])
    finally:
        tiny_classifier.model.config.relation_threshold = before


def test_command_rewrites_config_and_records_the_fit(tiny_model, tiny_jsonl, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(tiny_model, folder)
    assert main([str(folder), "--dev-files", str(tiny_jsonl)]) == 0
    config = json.loads((folder / "config.json").read_text())
    fit = json.loads((folder / "metrics.json").read_text())["training"]["relation_threshold_end_to_end"]
    assert config["relation_threshold"] == fit["threshold"] in GRID
    assert config["top_pair_threshold"] in (None, fit["top_pair_threshold"]) and fit["top_pair_threshold"] >= fit["threshold"]
    assert set(fit["dev_relation_f1"]) == {str(t) for t in GRID}


def test_command_rejects_a_folder_without_a_model(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "not a model folder" in capsys.readouterr().err


def test_training_records_both_thresholds(tiny_model):
    training = json.loads((tiny_model / "metrics.json").read_text())["training"]
    assert training["relation_threshold"] in GRID
    assert "relation_threshold_pair_level" in training
    assert training["top_pair_threshold"] >= training["relation_threshold"]
    assert set(training["relation_threshold_end_to_end"]["dev_relation_f1"]) == {str(t) for t in GRID}


def test_card_names_a_top_pair_cut_off_only_when_it_differs():
    from training.model_card import _top_pair_note

    assert _top_pair_note({"relation_threshold": 0.5, "top_pair_threshold": 0.6}) == ", or < 0.6 for each sentence's most likely pair"
    assert _top_pair_note({"relation_threshold": 0.5, "top_pair_threshold": 0.5}) == ""
    assert _top_pair_note({"relation_threshold": 0.5}) == ""


def test_command_names_a_missing_dev_file(tiny_model, tmp_path, capsys):
    folder = tmp_path / "model"
    shutil.copytree(tiny_model, folder)
    assert main([str(folder), "--dev-files", str(tmp_path / "nope.jsonl")]) == 2
    assert "nope.jsonl" in capsys.readouterr().err
    assert (folder / "config.json").read_bytes() == (tiny_model / "config.json").read_bytes()


def test_top_pair_cut_off_keeps_only_each_sentences_most_likely_pair(tiny_classifier, tiny_records):
    config = tiny_classifier.model.config
    before = config.relation_threshold, config.top_pair_threshold
    try:
        config.relation_threshold, config.top_pair_threshold = 0.0, 1.0  # no pair clears the cut-off, the top pair always does
        for statements in tiny_classifier.classify([r["text"] for r in tiny_records]):
            sentences = [(s.start, s.end) for s in statements]
            assert statements and len(sentences) == len(set(sentences))
        config.top_pair_threshold = None  # one cut-off for all
        assert all(not statements for statements in tiny_classifier.classify([r["text"] for r in tiny_records]))
    finally:
        config.relation_threshold, config.top_pair_threshold = before


def test_joint_fit_equals_classifying_at_each_pair_of_cut_offs(tiny_classifier, tiny_records):
    from training.threshold import fit_end_to_end_thresholds

    cut, top_cut, scores = fit_end_to_end_thresholds(tiny_classifier, tiny_records)
    assert top_cut >= cut and scores[(cut, top_cut)] == max(scores.values())
    config = tiny_classifier.model.config
    before = config.relation_threshold, config.top_pair_threshold
    try:
        for pair in [(0.3, 0.3), (0.3, 0.7), (0.5, 0.6)]:
            config.relation_threshold, config.top_pair_threshold = pair
            predictions = tiny_classifier.classify([r["text"] for r in tiny_records])
            assert relation_f1(tiny_records, predictions) == pytest.approx(scores[pair])
    finally:
        config.relation_threshold, config.top_pair_threshold = before
