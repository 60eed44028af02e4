"""Bad input, catalogued (docs/bad-input.md): every case gives a clean result with valid offsets, or a
TypeError/ValueError (an exit status 2 with one line on stderr for the commands) that names the problem.

Surfaces: ``stance.classify`` and :class:`stance.Classifier` (tiny random model), the ``stance`` CLI,
``python -m training.train``, ``python -m training.evaluate`` and ``python -m training.corpus check``.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import threading
import time

import pytest

import stance
from stance.classifier import DEFAULT_MAX_CHARS, Classifier
from stance.labels import STANCES
from tests.conftest import ROOT, train_args

NEWS = 'France accused Germany of blocking a deal. "We will not accept this," said Vladimir Putin about China. '
FIVE_MB = "France accused Germany. " * 220_000  # 5,280,000 characters


# --------------------------------------------------------------------------- library: stance.classify, Classifier


@pytest.fixture
def top_level(tiny_classifier, monkeypatch):
    """``stance.classify`` served by the tiny model (the shipped model is not loaded)."""
    monkeypatch.setattr(stance, "_default", tiny_classifier)
    return stance.classify


@pytest.fixture(params=["stance.classify", "Classifier.classify"])
def classify(request, tiny_classifier):
    if request.param == "stance.classify":
        return request.getfixturevalue("top_level")
    return tiny_classifier.classify


def assert_valid(text: str, statements: list) -> None:
    """Offsets index ``text``; mention spans lie in their sentence; scores are a distribution; text order."""
    for s in statements:
        assert 0 <= s.start < s.end <= len(text) and text[s.start : s.end] == s.text
        for span in (s.speaker_span, s.counterparty_span):
            if span is not None:
                assert s.start <= span[0] < span[1] <= s.end and text[span[0] : span[1]].strip()
        assert s.stance in STANCES and abs(sum(s.scores.values()) - 1.0) < 1e-5 and s.score == max(s.scores.values())
    assert [s.start for s in statements] == sorted(s.start for s in statements)


# Wrong types: the same cases on Classifier.classify (None, bytes, int, [str, int]) are in tests/test_classifier.py.
WRONG_TYPES = [
    (None, "got NoneType"),
    (b"France accused Germany.", "got bytes"),
    (bytearray(b"France"), "got bytearray"),
    (42, "got int"),
    (3.5, "got float"),
    ({"text": "France accused Germany."}, "got dict"),
    ({"France accused Germany."}, "got set"),
    (["ok", 3], r"text\[1\] must be a str, got int"),
    (["ok", None], r"text\[1\] must be a str, got NoneType"),
    (["ok", b"bytes"], r"text\[1\] must be a str, got bytes"),
    ([["nested"]], r"text\[0\] must be a str, got list"),
]


@pytest.mark.parametrize(("value", "message"), WRONG_TYPES, ids=[repr(v)[:20] for v, _ in WRONG_TYPES])
def test_wrong_type_top_level(top_level, value, message):
    with pytest.raises(TypeError, match=message):
        top_level(value)


NEW_FOR_CLASSIFIER = [WRONG_TYPES[i] for i in (2, 4, 5, 6, 8, 9, 10)]


@pytest.mark.parametrize(("value", "message"), NEW_FOR_CLASSIFIER, ids=[repr(v)[:20] for v, _ in NEW_FOR_CLASSIFIER])
def test_wrong_type_classifier(tiny_classifier, value, message):
    with pytest.raises(TypeError, match=message):
        tiny_classifier.classify(value)


ODD_TEXT = {
    "empty": "",
    "whitespace": " \t\r\n\u00a0\u2028\u2029\u3000\u200b ",
    "html": "<html><head><script>var x = 'France';</script></head><body><p>France <i>accused</i> Germany.</p>"
    "<p>&quot;No,&quot; said Berlin.</p><br/></body></html>",
    "binary-latin1": bytes(range(256)).decode("latin-1") + " France accused Germany. " + bytes(range(255, -1, -1)).decode("latin-1"),
    "binary-replace": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(128, 256)) + b" Japan praised India.").decode("utf-8", "replace"),
    "binary-surrogateescape": b"\xff\xfe France accused \xc3\x28 Germany. \x80Japan".decode("utf-8", "surrogateescape"),
    "lone-surrogates": "\ud800France accused Germany\udfff. \udc00 Japan praised \ud83d India.",
    "right-to-left": "\u202bمصر انتقدت إسرائيل.\u202c ישראל גינתה את איראן. France accused Germany \u200fof lying\u200e.",
    "cjk": "中国批评了日本。日本外相表示遗憾。China accused Japan. 北朝鮮は韓国を非難した。한국은 북한을 비난했다.",
    "emoji": "France 🇫🇷 accused Germany 🇩🇪 👨‍👩‍👧‍👦 of lying 😡. Japan praised India 🙏🏽✨. 🏳️‍🌈",
    "no-punctuation": ("France accused Germany and Japan praised India while China warned Russia " * 40).strip(),
    "mismatched-quotes": '"France accused Germany. \u201cBerlin must stop," said Paris. \u2018No\u201d, said Germany.\' "" \u00bb',
    "combining-and-zero-width": "Fra\u0301nce accu\u200dsed Ger\ufeffmany. Ja\u0308pan praised In\u00addia.",
    "only-punctuation": ". . . !!! ??? \"\" '' ... ." * 50,
    "control-characters": "\x00\x01\x07 France\x0b accused\x0c Germany.\x1c\x1d\x1e\x1f\x7f\x85 Japan praised India.",
    "newlines-only-paragraphs": "France accused Germany\n\n\n\nJapan praised India\r\n\r\nChina warned Russia",
    "date-prefix-only": " date 2020-01-02 ",
}


@pytest.mark.parametrize("name", list(ODD_TEXT))
def test_odd_text_gives_valid_offsets(classify, name):
    text = ODD_TEXT[name]
    statements = classify(text)
    assert isinstance(statements, list)
    assert_valid(text, statements)
    if not text.strip() or name == "date-prefix-only":
        assert statements == []


def test_odd_texts_in_one_batch_equal_one_by_one(tiny_classifier):
    texts = list(ODD_TEXT.values())
    batched = tiny_classifier.classify(texts, batch_size=3)
    for text, statements in zip(texts, batched):
        assert_valid(text, statements)
        assert [(s.start, s.speaker, s.counterparty, s.stance) for s in statements] == [
            (s.start, s.speaker, s.counterparty, s.stance) for s in tiny_classifier.classify(text)
        ]


def test_statements_are_found_in_odd_text(tiny_classifier):
    """The odd cases are not vacuous: the tiny model finds statements in several of them."""
    found = {name for name, text in ODD_TEXT.items() if tiny_classifier.classify(text)}
    assert len(found) >= 5, found


def test_ten_thousand_one_word_sentences(tiny_classifier):
    text = " ".join(["Word."] * 5000 + ["France."] * 5000)
    started = time.perf_counter()
    statements = tiny_classifier.classify(text)
    assert time.perf_counter() - started < 60
    assert_valid(text, statements)


def test_one_huge_sentence_without_punctuation_is_fast(tiny_classifier):
    """Sentences are cut at 1,000 characters and pairs per sentence are bounded (was 50 s on one 102,000-character sentence)."""
    text = "Kenya and Somalia and France said " * 3000  # 102,000 characters, no sentence end
    started = time.perf_counter()
    statements = tiny_classifier.classify(text)
    assert time.perf_counter() - started < 60
    assert_valid(text, statements)
    assert all(s.end - s.start <= 1000 for s in statements)


def test_five_megabyte_article_hits_the_limit_fast(classify):
    started = time.perf_counter()
    with pytest.raises(ValueError, match=r"text has 5,280,000 characters, over the limit of 2,000,000; split it into articles or raise max_chars"):
        classify(FIVE_MB)
    with pytest.raises(ValueError, match=r"text\[1\] has 5,280,000 characters, over the limit"):
        classify([NEWS, FIVE_MB])
    assert time.perf_counter() - started < 2


def test_raising_the_limit(tiny_classifier, tiny_model):
    text = NEWS * 200  # 21,000 characters
    low = Classifier(tiny_classifier.model, tiny_classifier.tokenizer, device="cpu", max_chars=10_000)
    with pytest.raises(ValueError, match="over the limit of 10,000"):
        low.classify(text)
    high = Classifier.from_pretrained(tiny_model, device="cpu", max_chars=30_000)
    assert high.max_chars == 30_000
    statements = high.classify(text)
    assert statements and statements == tiny_classifier.classify(text)
    assert_valid(text, statements)
    # above the default: 2.1 million characters (mostly blank) are accepted and fast
    big = " " * 2_100_000 + NEWS
    assert DEFAULT_MAX_CHARS < len(big)
    started = time.perf_counter()
    statements = Classifier(tiny_classifier.model, tiny_classifier.tokenizer, device="cpu", max_chars=3_000_000).classify(big)
    assert time.perf_counter() - started < 30
    assert_valid(big, statements)
    assert [s.start - 2_100_000 for s in statements] == [s.start for s in tiny_classifier.classify(NEWS)]


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [(0, ValueError, "max_chars must be at least 1, got 0"), (-5, ValueError, "at least 1, got -5"),
     ("big", TypeError, "max_chars must be an int, got str"), (1.5e6, TypeError, "got float"), (True, TypeError, "got bool"),
     (None, TypeError, "got NoneType")],
)
def test_bad_max_chars(tiny_classifier, tiny_model, value, error, message):
    with pytest.raises(error, match=message):
        Classifier(tiny_classifier.model, tiny_classifier.tokenizer, device="cpu", max_chars=value)
    with pytest.raises(error, match=message):
        Classifier.from_pretrained(tiny_model, device="cpu", max_chars=value)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"batch_size": -1}, ValueError, "batch_size must be at least 1, got -1"),
        ({"batch_size": 2.0}, TypeError, "batch_size must be an int, got float"),
        ({"batch_size": True}, TypeError, "batch_size must be an int, got bool"),
        ({"batch_size": None}, TypeError, "batch_size must be an int, got NoneType"),
        ({"counterparty": "France"}, ValueError, "give both speaker= and counterparty="),
        ({"speaker": 3, "counterparty": "France"}, TypeError, "speaker must be a non-empty str, got 3"),
        ({"speaker": "Germany", "counterparty": "  "}, TypeError, "counterparty must be a non-empty str"),
    ],
)
def test_bad_keyword_arguments(classify, kwargs, error, message):
    with pytest.raises(error, match=message):
        classify(NEWS, **kwargs)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda p: 3, TypeError, "path must be a str or Path, got int"),
        (lambda p: p / "missing", ValueError, "does not exist"),
        (lambda p: p, ValueError, "model.safetensors|config"),  # an empty folder
    ],
    ids=["int", "missing", "empty-folder"],
)
def test_bad_model_folder(tmp_path, make, error, message):
    with pytest.raises(error, match=message):
        Classifier.from_pretrained(make(tmp_path), device="cpu")


def test_bad_device_fails_before_loading(tmp_path):
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        Classifier.from_pretrained(tmp_path / "never-read", device="tpu")
    with pytest.raises(TypeError, match="device must be a string"):
        Classifier.from_pretrained(tmp_path / "never-read", device=0)


def test_segment_rejects_non_text():
    from stance.segment import segment

    with pytest.raises(TypeError, match="text must be a str, got bytes"):
        segment(b"France.")


def test_classify_from_threads_equals_sequential(tiny_classifier):
    texts = [NEWS, ODD_TEXT["emoji"], ODD_TEXT["cjk"], ODD_TEXT["no-punctuation"], ODD_TEXT["html"], NEWS * 3]
    expected = [tiny_classifier.classify(t) for t in texts]
    results: list = [None] * len(texts)
    errors: list = []

    def work(i: int) -> None:
        try:
            results[i] = tiny_classifier.classify(texts[i], batch_size=1 + i % 3)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and not any(t.is_alive() for t in threads)
    for got, want in zip(results, expected):
        assert [(s.start, s.speaker, s.counterparty, s.stance) for s in got] == [(s.start, s.speaker, s.counterparty, s.stance) for s in want]
        assert all(abs(a.score - b.score) < 1e-4 for a, b in zip(got, want))


# --------------------------------------------------------------------------- records (training and evaluation input)


def test_record_files(tmp_path):
    from stance.records import RecordError, load_records

    with pytest.raises(FileNotFoundError, match="missing.jsonl: no such record file"):
        load_records(tmp_path / "missing.jsonl")
    with pytest.raises(RecordError, match="is a folder, not a JSON Lines file"):
        load_records(tmp_path)
    with pytest.raises(TypeError, match="a record file must be a str or Path, got NoneType"):
        load_records(None)
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"text": "ok", "relations": []}\n{"text": "caf\xe9"}\n')
    with pytest.raises(RecordError, match=r"latin1\.jsonl:2: not UTF-8 text"):
        load_records(path)
    path.write_bytes(b'\xef\xbb\xbf{"text": "a byte-order mark is fine", "relations": []}\n\n')
    assert len(load_records(path)) == 1


# --------------------------------------------------------------------------- the CLI


def cli(tiny_model, args, stdin=None, model=True):
    from stance.cli import main

    out = io.StringIO()
    extra = ["--model", str(tiny_model), "--device", "cpu"] if model else []
    code = main([*args, *extra], stdin=stdin if stdin is not None else io.StringIO(""), stdout=out)
    return code, out.getvalue()


def _write(name, data):
    def make(folder):
        path = folder / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        return path

    return make


# Covered in tests/test_cli.py: a missing file, bytes that are not UTF-8 (.txt), a broken JSONL line, a missing model folder.
BAD_FILES = {
    "binary-with-nul": (_write("a.bin", b"\x00\x00\x01\x02PK\x03\x04 binary"), [], r"looks like a binary file \(it contains NUL bytes\)"),
    "empty-text": (_write("a.txt", ""), [], "a.txt: empty file; nothing to classify"),
    "whitespace-text": (_write("a.txt", " \n\n\t "), [], "a.txt: empty file"),
    "empty-jsonl": (_write("a.jsonl", ""), [], "a.jsonl: empty file"),
    "folder": (lambda p: p, [], "is a folder, not a file"),
    "jsonl-no-text": (_write("a.jsonl", json.dumps({"body": NEWS}) + "\n"), [], r"a.jsonl:1: the JSON object has no field 'text' \(use --skip-bad-lines"),
    "jsonl-text-int": (_write("a.jsonl", json.dumps({"text": NEWS}) + "\n" + json.dumps({"text": 5}) + "\n"), [], "a.jsonl:2: field 'text' must be a string, got int"),
    "jsonl-text-null": (_write("a.jsonl", json.dumps({"text": None}) + "\n"), [], "a.jsonl:1: field 'text' must be a string, got NoneType"),
    "jsonl-array": (_write("a.jsonl", "[1, 2]\n"), [], "a.jsonl:1: needs a JSON object with a string field 'text', got a JSON list"),
    "jsonl-not-utf8": (_write("a.jsonl", b'{"text": "caf\xe9"}\n'), [], "a.jsonl: not UTF-8 text"),
    "jsonl-over-limit": (_write("a.jsonl", json.dumps({"text": NEWS * 20}) + "\n"), ["--max-chars", "1000"], "a.jsonl:1: the article has 2,060 characters, over the limit of 1,000"),
    "text-over-limit": (_write("a.txt", NEWS * 20), ["--max-chars", "1000"], "a.txt: the article is over the limit of 1,000 characters; split it or raise --max-chars"),
    "five-megabytes": (_write("a.txt", FIVE_MB), [], "a.txt: the article is over the limit of 2,000,000 characters"),
    "csv-no-text-column": (_write("a.csv", "id,body\n1,hello\n"), [], r"a.csv: no column 'text' \(columns: id, body\); use --text-column"),
    "csv-short-row": (_write("a.csv", "id,text\n1\n"), [], "a.csv:2: row has no value for 'text'"),
    "csv-long-row": (_write("a.csv", "id,text\n1,hello,extra\n"), [], "a.csv:2: row has 3 fields, the header 2"),
    "csv-header-only-empty": (_write("a.csv", "\n\n"), [], "a.csv: empty file"),
    "csv-not-utf8": (_write("a.csv", b"text\ncaf\xe9\n"), [], "a.csv: not UTF-8 text"),
    "output-is-a-folder": (_write("a.txt", NEWS), ["-o", "{tmp}"], "is a folder; give -o a file path"),
    "bad-device": (_write("a.txt", NEWS), ["--device", "tpu"], "unknown device 'tpu'"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_cli_bad_input_exits_2_with_one_line(tiny_model, tmp_path, capsys, case):
    make, extra, message = BAD_FILES[case]
    folder = tmp_path / "in"
    folder.mkdir()
    path = make(folder)
    extra = [a.replace("{tmp}", str(tmp_path)) for a in extra]
    from stance.cli import main

    out = io.StringIO()
    model = [] if "--device" in extra else ["--device", "cpu"]
    code = main(["classify", str(path), *extra, "--model", str(tiny_model), *model], stdin=io.StringIO(""), stdout=out)
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("stance: error: ")
    assert re.search(message, err), err
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--batch-size", "0"], "--batch-size must be at least 1"), (["--max-chars", "0"], "--max-chars must be at least 1"),
     (["--max-chars", "many"], "invalid int value: 'many'"), (["--format", "xml"], "invalid choice: 'xml'")],
)
def test_cli_bad_options_exit_2(tiny_model, tmp_path, capsys, args, message):
    path = _write("a.txt", NEWS)(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        cli(tiny_model, ["classify", str(path), *args])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_cli_stdin_bytes(tiny_model, capsys):
    def stdin(data: bytes):
        return io.TextIOWrapper(io.BytesIO(data), encoding="ascii")  # the locale's encoding is not used

    code, out = cli(tiny_model, ["classify", "-"], stdin=stdin(NEWS.replace("France", "Fr\u00e4nce").encode("utf-8")))
    assert code == 0 and json.loads(out)["file"] == "<stdin>"
    code, _ = cli(tiny_model, ["classify", "-"], stdin=stdin(b"\xff\xfe bad"))
    assert code == 2 and "<stdin>: not UTF-8 text" in capsys.readouterr().err
    code, _ = cli(tiny_model, ["classify", "-"], stdin=stdin(b""))
    assert code == 2 and "<stdin>: empty file" in capsys.readouterr().err
    code, _ = cli(tiny_model, ["classify", "-", "--max-chars", "10"], stdin=stdin(b"x" * 100))
    assert code == 2 and "<stdin>: the article is over the limit of 10 characters" in capsys.readouterr().err


def test_cli_raising_max_chars(tiny_model, tmp_path):
    path = _write("a.txt", NEWS * 20)(tmp_path)  # 2,060 characters
    assert cli(tiny_model, ["classify", str(path), "--max-chars", "1000"])[0] == 2
    code, out = cli(tiny_model, ["classify", str(path), "--max-chars", "3000"])
    assert code == 0 and json.loads(out)["statements"]


def test_cli_skip_bad_lines_skips_over_limit_and_wrong_types(tiny_model, tmp_path, capsys):
    lines = [{"text": NEWS}, {"text": 5}, {"text": NEWS * 20}, {"body": "x"}, {"id": "last", "text": NEWS}]
    path = _write("a.jsonl", "".join(json.dumps(line) + "\n" for line in lines))(tmp_path)
    code, out = cli(tiny_model, ["classify", str(path), "--skip-bad-lines", "--max-chars", "1000"])
    assert code == 0 and "skipped 3 bad line(s)" in capsys.readouterr().err
    assert [json.loads(line)["line"] for line in out.splitlines()] == [1, 5]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_cli_odd_but_valid_jsonl_in_every_format(tiny_model, tmp_path, fmt):
    """A lone-surrogate escape, a raw U+2028 inside a string, a byte-order mark, CRLF line ends."""
    rows = [
        '{"id": "sur\\ud800", "text": "France \\ud800 accused Germany. Japan praised \\udfff India."}',
        json.dumps({"id": "ls", "text": "France accused\u2028Germany.\u2029Japan praised India."}, ensure_ascii=False),
        json.dumps({"id": "emoji", "text": ODD_TEXT["emoji"]}, ensure_ascii=False),
    ]
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode("utf-8") + b"\r\n")
    output = tmp_path / f"out.{fmt}"
    code, _ = cli(tiny_model, ["classify", str(path), "--format", fmt, "-o", str(output)])
    assert code == 0
    written = output.read_text(encoding="utf-8")
    if fmt == "jsonl":
        results = [json.loads(line) for line in written.split("\n") if line]  # U+2028 stays raw inside strings
        assert [r["id"] for r in results] == ["sur\ufffd", "ls", "emoji"]
        texts = [json.loads(row)["text"].replace("\ud800", "\ufffd").replace("\udfff", "\ufffd") for row in rows]
        for text, result in zip(texts, results):
            for s in result["statements"]:
                assert text[s["start"] : s["end"]] == s["text"]
    elif fmt == "table":
        assert written.count("# ") == 3


def test_cli_csv_with_a_long_field_and_bom(tiny_model, tmp_path):
    """Fields over the csv module's default limit (131,072 characters) are read, up to --max-chars."""
    body = NEWS + "a " * 70_000
    path = tmp_path / "a.csv"
    path.write_text("\ufeffid,text\nlong,\"" + body.replace('"', '""') + "\"\n", encoding="utf-8")
    code, out = cli(tiny_model, ["classify", str(path)])
    assert code == 0 and json.loads(out)["id"] == "long"


def test_cli_unwritable_output(tiny_model, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    path = _write("a.txt", NEWS)(tmp_path)
    code, _ = cli(tiny_model, ["classify", str(path), "-o", str(blocker / "out.jsonl")])
    err = capsys.readouterr().err
    assert code == 2 and "cannot write it" in err and len(err.strip().splitlines()) == 1


def test_cli_entry_point_prints_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "stance", "classify", str(tmp_path / "missing.txt")], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2 and result.stderr.strip().endswith("missing.txt: no such file")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_cli_default_limit_matches_the_library():
    from stance.cli import DEFAULT_MAX_CHARS as CLI_DEFAULT

    assert CLI_DEFAULT == DEFAULT_MAX_CHARS


# --------------------------------------------------------------------------- training: python -m training.train

GOOD_RECORD = {"id": "g", "text": "Rome praised Paris.", "relations": [
    {"sentence": [0, 19], "speaker": "Italy", "speaker_span": [0, 4], "counterparty": "France", "counterparty_span": [13, 18],
     "stance": "cooperative", "kind": "reported"}]}

BAD_RECORD_FILES = {
    "not-json": (b'{"text": "ok", "relations": []}\n{broken\n', r"bad\.jsonl:2: not valid JSON"),
    "not-utf8": (b'{"text": "caf\xe9", "relations": []}\n', r"bad\.jsonl:1: not UTF-8 text"),
    "no-text": (b'{"relations": []}\n', r"bad\.jsonl:1: record has no 'text' string"),
    "text-not-string": (b'{"text": 5}\n', r"bad\.jsonl:1: record has no 'text' string"),
    "not-an-object": (b"[1, 2]\n", r"bad\.jsonl:1: a record must be a JSON object, got list"),
    "relations-not-list": (b'{"text": "x", "relations": {}}\n', r"bad\.jsonl:1: 'relations' must be a list"),
    "bad-span": (json.dumps({**GOOD_RECORD, "relations": [{**GOOD_RECORD["relations"][0], "speaker_span": [0, 99]}]}).encode(),
                 r"bad\.jsonl:1: relation 0: speaker_span \[0, 99\] does not lie inside its sentence"),
    "empty": (b"", r"no train records in .*bad\.jsonl"),
    "blank-lines-only": (b"\n\n  \n", r"no train records in"),
}


@pytest.mark.parametrize("case", list(BAD_RECORD_FILES))
def test_train_rejects_bad_record_files_before_training(tmp_path, tiny_base, tiny_jsonl, capsys, case):
    from training.train import main

    data, message = BAD_RECORD_FILES[case]
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(data)
    output = tmp_path / "never"
    assert main(train_args(tiny_base, bad, output)) == 2
    err = capsys.readouterr().err
    assert re.search(message, err), err
    assert not output.exists() and not (tmp_path / "never.checkpoint").exists()


@pytest.mark.parametrize(
    ("flag", "make", "message"),
    [
        ("--train-files", lambda p: p / "missing.jsonl", "missing.jsonl: no such record file"),
        ("--train-files", lambda p: p, "is a folder, not a JSON Lines file"),
        ("--dev-files", lambda p: p / "missing.jsonl", "missing.jsonl: no such record file"),
        ("--base-model", lambda p: p / "no-such-encoder", "--base-model .*no-such-encoder: cannot load it"),
        ("--output-dir", lambda p: (p / "file", (p / "file").write_text("x"))[0], "is a file; give a folder path"),
    ],
    ids=["missing-train", "folder-train", "missing-dev", "missing-base-model", "output-is-a-file"],
)
def test_train_bad_paths_exit_2(tmp_path, tiny_base, tiny_jsonl, capsys, flag, make, message):
    from training.train import main

    argv = train_args(tiny_base, tiny_jsonl, tmp_path / "out", **{flag: make(tmp_path)})
    assert main(argv) == 2
    assert re.search(message, capsys.readouterr().err)
    assert not (tmp_path / "out").exists()


def test_train_refuses_to_replace_a_folder_that_is_not_a_model(tmp_path, tiny_base, tiny_jsonl, capsys):
    from training.train import main

    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    assert main(train_args(tiny_base, tiny_jsonl, precious)) == 2
    assert "is a folder that is not a model folder and would be replaced" in capsys.readouterr().err
    assert (precious / "thesis.txt").read_text() == "years of work"


def test_train_cuda_without_cuda(tmp_path, tiny_base, tiny_jsonl, capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    from training.train import main

    assert main(train_args(tiny_base, tiny_jsonl, tmp_path / "out", **{"--device": "cuda"})) == 2
    assert "CUDA is not available" in capsys.readouterr().err


CONFIGS = {
    "epochs-string": ({"epochs": "ten"}, "epochs must be an integer, got str 'ten'"),
    "epochs-float": ({"epochs": 2.5}, "epochs must be an integer, got float 2.5"),
    "epochs-bool": ({"epochs": True}, "epochs must be an integer, got bool True"),
    "learning-rate-string": ({"learning_rate": "fast"}, "learning_rate must be a number, got str 'fast'"),
    "files-not-a-list": ({"train_files": "train.jsonl"}, "train_files must be a list of strings, got 'train.jsonl'"),
    "files-with-numbers": ({"eval_files": ["a.jsonl", 3]}, "eval_files must be a list of strings"),
    "bool-as-string": ({"freeze_embeddings": "yes"}, "freeze_embeddings must be true or false, got str 'yes'"),
    "device-null": ({"device": None}, "device must be a string, got NoneType None"),
    "not-an-object": ([1, 2], "must hold a JSON object of TrainingArguments fields, got list"),
    "unknown-field": ({"epochz": 2}, r"unknown fields \['epochz'\]"),
    "negative-epochs-in-config": ({"epochs": -3}, "--epochs must be at least 1, got -3"),
}


@pytest.mark.parametrize("case", list(CONFIGS))
def test_train_config_file_with_wrong_types(tmp_path, capsys, case):
    from training.train import main

    value, message = CONFIGS[case]
    config = tmp_path / "config.json"
    config.write_text(json.dumps(value))
    with pytest.raises(SystemExit) as exit_info:
        main(["--config", str(config), "--output-dir", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert re.search(message, err), err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "No such file"), (b"{not json", "Expecting property name"), (b"\xff\xfe", "codec can't decode")],
    ids=["missing", "invalid-json", "not-utf8"],
)
def test_train_unreadable_config(tmp_path, capsys, content, message):
    from training.train import main

    config = tmp_path / "config.json"
    if content is not None:
        config.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        main(["--config", str(config)])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


NONSENSE = [
    (["--epochs", "-1"], "--epochs must be at least 1, got -1"),
    (["--epochs", "0"], "--epochs must be at least 1, got 0"),
    (["--epochs", "two"], "invalid int value: 'two'"),
    (["--learning-rate", "0"], "--learning-rate must be a positive number, got 0.0"),
    (["--learning-rate=-1e-4"], "--learning-rate must be a positive number"),
    (["--learning-rate", "nan"], "--learning-rate must be a positive number, got nan"),
    (["--head-learning-rate", "inf"], "--head-learning-rate must be a positive number, got inf"),
    (["--layer-lr-decay", "0"], "--layer-lr-decay must be above 0 and at most 1 \\(1: every layer at --learning-rate\\), got 0.0"),
    (["--layer-lr-decay", "1.2"], "--layer-lr-decay must be above 0 and at most 1"),
    (["--attention-dropout", "1"], "--attention-dropout must be below 1 \\(0: none, below 0: the base model's own\\), got 1.0"),
    (["--batch-size", "0"], "--batch-size must be at least 1, got 0"),
    (["--device", "tpu"], "--device must be auto, cpu, cuda or cuda:N, got 'tpu'"),
    (["--device", "cuda:x"], "--device must be auto, cpu, cuda or cuda:N, got 'cuda:x'"),
    (["--warmup-ratio", "1.5"], "--warmup-ratio must be between 0 and 1"),
    (["--weight-decay", "-0.1"], "--weight-decay must be a number of 0 or more"),
    (["--max-length", "0"], "--max-length must be at least 1"),
    (["--max-length", "8"], "--max-length must be at least 16 tokens"),
    (["--context-size", "-1"], "--context-size must be 0 or more, got -1"),
    (["--previous-chars", "-1"], "--previous-chars must be 0 or more, got -1"),
    (["--save-steps", "-5"], "--save-steps must be 0 or more"),
    (["--seed", "-1"], r"--seed must be between 0 and 2\*\*32 - 1"),
    (["--extra-sets", "wikipedia"], r"--extra-sets: unknown \['wikipedia'\]"),
    (["--train-files"], "--train-files needs at least one file"),
    (["--output-dir", ""], "--output-dir must not be empty"),
    (["--freeze-embeddings", "maybe"], "expected true or false, got 'maybe'"),
]


@pytest.mark.parametrize(("args", "message"), NONSENSE, ids=[" ".join(a) for a, _ in NONSENSE])
def test_train_nonsensical_arguments(tmp_path, capsys, args, message):
    from training.train import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--output-dir", str(tmp_path / "out"), *args])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert re.search(message, err), err


def test_arguments_validate_directly():
    from training.arguments import TrainingArguments

    TrainingArguments().validate()
    with pytest.raises(ValueError, match="--batch-size must be at least 1, got 0"):
        TrainingArguments(batch_size=0).validate()
    with pytest.raises(TypeError, match="epochs must be an integer, got str"):
        TrainingArguments(epochs="3").validate()  # type: ignore[arg-type]


# --------------------------------------------------------------------------- evaluation: python -m training.evaluate


@pytest.mark.parametrize(
    ("make", "extra", "message"),
    [
        (lambda p: p / "missing.jsonl", [], "missing.jsonl: no such record file"),
        (lambda p: p, [], "is a folder, not a JSON Lines file"),
        (_write("bad.jsonl", b'{"text": "ok"}\n{broken\n'), [], r"bad\.jsonl:2: not valid JSON"),
        (_write("bad.jsonl", b'{"text": "caf\xe9"}\n'), [], r"bad\.jsonl:1: not UTF-8 text"),
        (_write("empty.jsonl", b""), [], "empty.jsonl: no records"),
        (_write("good.jsonl", json.dumps(GOOD_RECORD)), ["--baseline-train", "{tmp}/missing-train.jsonl"], "missing-train.jsonl: no such record file"),
        (_write("good.jsonl", json.dumps(GOOD_RECORD)), ["--device", "gpu"], "unknown device 'gpu'"),
        (_write("good.jsonl", json.dumps(GOOD_RECORD)), ["--model", "{tmp}/no-model"], "no-model' does not exist"),
    ],
    ids=["missing", "folder", "not-json", "not-utf8", "empty", "missing-baseline-train", "bad-device", "missing-model"],
)
def test_evaluate_bad_input_exits_2(tiny_model, tmp_path, capsys, make, extra, message):
    from training.evaluate import main

    data = make(tmp_path)
    extra = [a.replace("{tmp}", str(tmp_path)) for a in extra]
    model = str(tiny_model)
    if extra[:1] == ["--model"]:
        model, extra = extra[1], []
    if "--baseline-train" not in extra:
        extra = [*extra, "--baseline-train"]
    output = tmp_path / "results.json"
    assert main([model, str(data), *extra, "--json", str(output)]) == 2
    err = capsys.readouterr().err
    assert re.search(message, err), err
    assert len(err.strip().splitlines()) == 1 and not output.exists()


@pytest.mark.parametrize(
    ("flag", "make", "message"),
    [("--json", lambda p: p, "--json .* is a folder"), ("--png-dir", lambda p: (p / "f", (p / "f").write_text("x"))[0], "--png-dir .* is a file")],
)
def test_evaluate_bad_output_paths(tiny_model, tmp_path, capsys, flag, make, message):
    from training.evaluate import main

    data = _write("good.jsonl", json.dumps(GOOD_RECORD))(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main([str(tiny_model), str(data), "--baseline-train", flag, str(make(tmp_path))])
    assert exit_info.value.code == 2
    assert re.search(message, capsys.readouterr().err)


# --------------------------------------------------------------------------- corpus: python -m training.corpus check


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.art", "missing.art: no such file or folder"),
        (_write("bin.art", b"\xff\xfe\x00\x01"), "bin.art: not UTF-8 text (byte 0)"),
        (_write("bad.art", "id: x\n"), "bad.art:"),
        (_write("bad.jsonl", b'{"text": "ok"}\n{"text": 1}\n'), "bad.jsonl:2: record has no 'text' string"),
        (lambda p: (p / "empty", (p / "empty").mkdir())[0], "no .art or .jsonl files in"),
    ],
    ids=["missing", "not-utf8", "bad-source", "bad-records", "empty-folder"],
)
def test_corpus_check_reports_bad_files(tmp_path, capsys, make, message):
    from training.corpus import main

    assert main(["check", str(make(tmp_path))]) == 1
    out = capsys.readouterr().out
    assert message in out and "Traceback" not in out


def test_corpus_check_accepts_good_records(tmp_path, tiny_jsonl, capsys):
    from training.corpus import main

    assert main(["check", str(tiny_jsonl)]) == 0
    assert "1 files, 0 bad" in capsys.readouterr().err
