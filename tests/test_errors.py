"""`python -m training.errors` lists the same errors `training.evaluate` counts, each with its reason."""

import json

import pytest

from tests.conftest import DATA
from tests.test_evaluate import RECORDS, FakeClassifier, statement
from training.evaluate import end_to_end_eval
from training.errors import find_errors, format_errors, main, summarise


def hand_made_outputs():
    t = [r["text"] for r in RECORDS]
    return [
        [statement(t[0], "Japan praised India.", "Japan", "India", "cooperative"),
         statement(t[0], "Chile said nothing.", "Chile", "nothing", "neutral")],
        [statement(t[1], "Kenya accused Somalia.", "Kenya", "Somalia", "cooperative"),
         statement(t[1], "Egypt warned Sudan.", "Sudan", "Egypt", "adversarial")],
        [],
        [statement(t[3], "Peru blamed Bolivia.", "Peru", "Bolivia", "adversarial"),
         statement(t[3], "Brazil observed Argentina.", "Brazil", "Argentina", "neutral")],
        [statement(t[4], "Norway thanked Sweden.", "Norway", "Sweden", "cooperative")],
    ]


def test_every_error_found_with_its_reason():
    cases = find_errors(RECORDS, hand_made_outputs())
    got = [(c.article, c.error, c.reason, c.speaker, c.counterparty, c.gold_stance, c.predicted_stance) for c in cases]
    assert got == [
        ("e1", "false_positive", "spurious", "Chile", "nothing", None, "neutral"),
        ("e2", "wrong_stance", None, "Kenya", "Somalia", "adversarial", "cooperative"),
        ("e2", "missed", "other-pairs", "Egypt", "Sudan", "adversarial", None),
        ("e2", "false_positive", "reversed", "Sudan", "Egypt", None, "adversarial"),
        ("e3", "missed", "no-statement", "France", "Spain", "cooperative", None),
    ]
    egypt = cases[2]
    assert egypt.found == ("Sudan -> Egypt",)
    assert RECORDS[1]["text"][egypt.start:egypt.end] == egypt.sentence == "Egypt warned Sudan."
    assert summarise(cases)[("missed", "no-statement", "cooperative")] == 1
    assert summarise(cases)[("false_positive", "reversed", "adversarial")] == 1


def test_errors_add_up_to_what_evaluate_counts():
    outputs = hand_made_outputs()
    result = end_to_end_eval(FakeClassifier(outputs), RECORDS)
    cases = find_errors(RECORDS, outputs)
    right = round(result["pair_stance"]["recall"] * result["gold"])
    found = round(result["pair"]["precision"] * result["predicted"])
    assert sum(c.error in ("missed", "wrong_stance") for c in cases) == result["gold"] - right
    assert sum(c.error == "false_positive" for c in cases) == result["predicted"] - found


def test_counterparty_found_with_another_speaker_is_named():
    t = RECORDS[0]["text"]
    cases = find_errors(RECORDS[:1], [[statement(t, "Japan praised India.", "praised", "India", "cooperative")]])
    assert [(c.error, c.reason) for c in cases] == [("missed", "other-speaker"), ("false_positive", "spurious")]


def test_report_lists_counts_and_examples():
    report = format_errors(find_errors(RECORDS, hand_made_outputs()), show=1)
    assert "missed          no-statement   cooperative      1" in report
    assert "missed (first 1):\n- e2 [other-pairs] Egypt -> Sudan (gold adversarial) [found: Sudan -> Egypt]" in report


def test_cli_writes_every_error_as_jsonl(tiny_model, tmp_path, capsys):
    out = tmp_path / "errors.jsonl"
    data = str(DATA / "eval5.jsonl")
    assert main([str(tiny_model), data, "--device", "cpu", "--jsonl", str(out), "--show", "2"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("== corpus-eval5: 5 articles, ")
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert all(set(row) >= {"article", "error", "reason", "sentence", "start", "end"} for row in rows)
    # every gold relation is either matched with the right stance or listed once as missed / wrong stance
    listed = sum(row["error"] in ("missed", "wrong_stance") for row in rows)
    assert listed <= sum(len(r["relations"]) for r in RECORDS)


def test_cli_bad_input(tiny_model, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    assert main([str(tiny_model), str(bad)]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([str(tiny_model), "dse"])
    assert "'dse' has no relations" in capsys.readouterr().err

