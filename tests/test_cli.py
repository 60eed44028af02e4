"""The command line: formats, inputs, exit codes, atomic output."""

import csv
import io
import json

import pytest

from stance.cli import build_parser, main

ARTICLE = "PARIS, May 2 - France accused Germany of blocking a deal. Berlin rejected the charge."


def run(tiny_model, args, stdin=""):
    out = io.StringIO()
    code = main([*args, "--model", str(tiny_model), "--device", "cpu"], stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


def test_text_file_to_jsonl(tiny_model, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(" date 2020-01-02 " + ARTICLE, encoding="utf-8")
    code, out = run(tiny_model, ["classify", str(path)])
    assert code == 0
    line = json.loads(out)
    assert line["file"] == str(path) and line["date"] == "2020-01-02"
    assert isinstance(line["statements"], list)


def test_jsonl_fields_are_carried_and_csv_output(tiny_model, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "n1", "date": "2020-01-02", "text": ARTICLE}) + "\n", encoding="utf-8")
    code, out = run(tiny_model, ["classify", str(path), "--format", "csv"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert all(row["id"] == "n1" and row["date"] == "2020-01-02" for row in rows)
    assert "speaker" in out.splitlines()[0] and "stance" in out.splitlines()[0]


def test_csv_input_with_text_column_and_table(tiny_model, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id,body\nx1,\"" + ARTICLE + "\"\n", encoding="utf-8")
    code, out = run(tiny_model, ["classify", str(path), "--text-column", "body", "--format", "table"])
    assert code == 0 and out.startswith("# x1:")
    code, _ = run(tiny_model, ["classify", str(path)])
    assert code == 2


def test_stdin(tiny_model):
    code, out = run(tiny_model, ["classify", "-"], stdin=ARTICLE)
    assert code == 0 and json.loads(out)["file"] == "<stdin>"


def test_bad_jsonl_line_stops_before_any_output(tiny_model, tmp_path, capsys):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": ARTICLE}) + "\n{broken\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    code, _ = run(tiny_model, ["classify", str(path), "-o", str(output)])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{path}:2:" in err and "--skip-bad-lines" in err and len(err.strip().splitlines()) == 1
    assert not output.exists() and list(tmp_path.iterdir()) == [path]


def test_skip_bad_lines_counts_them(tiny_model, tmp_path, capsys):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": ARTICLE}) + "\n{broken\n" + json.dumps({"no_text": 1}) + "\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    code, _ = run(tiny_model, ["classify", str(path), "--skip-bad-lines", "-o", str(output)])
    assert code == 0
    assert "skipped 2 bad line(s)" in capsys.readouterr().err
    assert len(output.read_text().splitlines()) == 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.txt", "no such file"),
        (lambda p: (p / "bin.txt", (p / "bin.txt").write_bytes(b"\xff\xfe\x00bad"))[0], "not UTF-8 text"),
    ],
)
def test_unreadable_inputs_exit_2_with_one_line(tiny_model, tmp_path, capsys, make, message):
    code, _ = run(tiny_model, ["classify", str(make(tmp_path))])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_missing_model_folder(tmp_path, capsys):
    code = main(["classify", "-", "--model", str(tmp_path / "nope")], stdin=io.StringIO("x"), stdout=io.StringIO())
    assert code == 2 and "does not exist" in capsys.readouterr().err


def test_help_is_complete():
    parser = build_parser()
    text = parser.format_help()
    assert "classify" in text
    sub = parser._subparsers._group_actions[0].choices["classify"].format_help()
    for flag in ("--format", "--model", "--device", "--batch-size", "--output", "--progress", "--text-column", "--skip-bad-lines"):
        assert flag in sub
