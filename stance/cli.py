"""The `stance` command line.

    stance classify seeds/putin-li-2023-04-17.txt
    stance classify articles.jsonl --format csv -o statements.csv
    cat article.txt | stance classify - --format table
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from stance.precision import PRECISIONS

FIELDS = (
    "start", "end", "speaker", "speaker_span", "speaker_country", "counterparty", "counterparty_span",
    "counterparty_country", "stance", "score", "relation_score", "kind", "via", "text",
)


DEFAULT_MAX_CHARS = 2_000_000  # the same default as stance.classifier.DEFAULT_MAX_CHARS (kept here: no torch at import)


class InputError(ValueError):
    """A bad input file; the message names the file (and line) and the problem."""


_SURROGATE = re.compile("[\ud800-\udfff]")


def _read_text(name: str, stream: TextIO | None = None, max_chars: int | None = None, kind: str = "text") -> str:
    """The file's text, or an :class:`InputError` naming the file: missing, a folder, unreadable, not
    UTF-8, binary (NUL bytes), empty, or (a text article) over ``max_chars`` characters."""
    label = "<stdin>" if stream is not None else name
    limit = max_chars if kind == "text" and max_chars is not None else -1
    try:
        if stream is not None:
            buffer = getattr(stream, "buffer", None)
            if buffer is not None:  # the real standard input: UTF-8 whatever the locale says
                raw = buffer.read(-1 if limit < 0 else 4 * limit + 4)
                if limit >= 0 and len(raw) > 4 * limit:  # at most 4 bytes a character: surely over the limit
                    raise InputError(f"{label}: the article is over the limit of {limit:,} characters; split it or raise --max-chars")
                content = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
            else:
                content = stream.read(-1 if limit < 0 else limit + 1)
        else:
            with open(name, encoding="utf-8") as handle:  # bounded read: a huge file fails fast
                content = handle.read(-1 if limit < 0 else limit + 1)
    except FileNotFoundError:
        raise InputError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{label}: is a folder, not a file") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{label}: not UTF-8 text (byte {error.start}); convert it to UTF-8 first") from None
    except OSError as error:
        raise InputError(f"{label}: cannot read it ({error.strerror or error})") from None
    if limit >= 0 and len(content) > limit:
        raise InputError(f"{label}: the article is over the limit of {limit:,} characters; split it or raise --max-chars")
    if "\x00" in content:
        raise InputError(f"{label}: looks like a binary file (it contains NUL bytes); give text, JSON Lines or CSV")
    if not content.strip():
        raise InputError(f"{label}: empty file; nothing to classify")
    if kind != "text":
        content = content.removeprefix("\ufeff")  # a byte-order mark is not part of the first record
    return content


def _scrub(value: Any) -> Any:
    """Lone surrogates (from JSON escapes such as "\\ud800") become U+FFFD one for one, so offsets hold
    and every output format can be written as UTF-8."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    return value


def _input_format(name: str, forced: str) -> str:
    if forced != "auto":
        return forced
    suffix = Path(name).suffix.lower()
    return {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}.get(suffix, "text")


def _jsonl_row(line: str, max_chars: int) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg})") from None
    if not isinstance(row, dict):
        raise ValueError(f"needs a JSON object with a string field 'text', got a JSON {type(row).__name__}")
    if "text" not in row:
        raise ValueError("the JSON object has no field 'text'")
    if not isinstance(row["text"], str):
        raise ValueError(f"field 'text' must be a string, got {type(row['text']).__name__}")
    if len(row["text"]) > max_chars:
        raise ValueError(f"the article has {len(row['text']):,} characters, over the limit of {max_chars:,} (--max-chars)")
    return _scrub(row)


def read_articles(
    names: list[str], input_format: str, text_column: str, skip_bad_lines: bool, stdin: TextIO, max_chars: int = DEFAULT_MAX_CHARS
) -> tuple[list[dict[str, Any]], int]:
    """Every article of every input, as ``{"text": ..., other carried fields}``, and the count of skipped lines.

    Raises :class:`InputError` (``file: reason`` or ``file:line: reason``) for the first bad file or line.
    """
    articles: list[dict[str, Any]] = []
    skipped = 0
    log = logging.getLogger("stance.cli")

    def bad(label: str, number: int, reason: str) -> None:
        nonlocal skipped
        if not skip_bad_lines:
            raise InputError(f"{label}:{number}: {reason} (use --skip-bad-lines to skip such lines)")
        skipped += 1
        log.warning("%s:%d: skipped: %s", label, number, reason)

    for name in names:
        kind = _input_format(name, input_format)
        content = _read_text(name, stdin if name == "-" else None, max_chars, kind)
        label = "<stdin>" if name == "-" else name
        if kind == "text":
            articles.append({"file": label, "text": content})
        elif kind == "jsonl":
            for number, line in enumerate(content.split("\n"), start=1):
                if not line.strip():
                    continue
                try:
                    row = _jsonl_row(line, max_chars)
                except ValueError as error:
                    bad(label, number, str(error))
                    continue
                articles.append({"file": label, "line": number, **row})
        else:
            articles.extend(_csv_articles(content, label, text_column, max_chars, bad))
    return articles, skipped


def _csv_articles(content: str, label: str, text_column: str, max_chars: int, bad: Any) -> list[dict[str, Any]]:
    articles = []
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, max_chars + 1))
    try:
        reader = csv.DictReader(io.StringIO(content, newline=""))
        try:
            fieldnames = reader.fieldnames
        except csv.Error as error:
            raise InputError(f"{label}:1: not valid CSV ({error})") from None
        if fieldnames is None or text_column not in fieldnames:
            raise InputError(f"{label}: no column {text_column!r} (columns: {', '.join(fieldnames or [])}); use --text-column")
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                raise InputError(f"{label}:{reader.line_num}: not valid CSV ({error})") from None
            number = reader.line_num
            if None in row:
                bad(label, number, f"row has {len(fieldnames) + len(row[None])} fields, the header {len(fieldnames)}")
            elif row.get(text_column) is None:
                bad(label, number, f"row has no value for {text_column!r}")
            elif len(row[text_column]) > max_chars:
                bad(label, number, f"the article has {len(row[text_column]):,} characters, over the limit of {max_chars:,} (--max-chars)")
            else:
                articles.append({"file": label, "line": number, **{k: v for k, v in row.items() if k != text_column}, "text": row[text_column]})
    finally:
        csv.field_size_limit(previous)
    return articles


def _rows(articles: list[dict[str, Any]], results: list[list[Any]]) -> Iterator[dict[str, Any]]:
    for article, statements in zip(articles, results):
        carried = {k: v for k, v in article.items() if k != "text"}
        for statement in statements:
            yield {**carried, **statement.to_dict()}


def write_output(handle: TextIO, fmt: str, articles: list[dict[str, Any]], results: list[list[Any]]) -> None:
    from stance.segment import segment

    if fmt == "jsonl":
        for article, statements in zip(articles, results):
            carried = {k: v for k, v in article.items() if k != "text"}
            carried.setdefault("date", segment(article["text"]).date)
            handle.write(json.dumps({**carried, "statements": [s.to_dict() for s in statements]}, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        rows = list(_rows(articles, results))
        carried = [k for k in dict.fromkeys(k for a in articles for k in a) if k != "text" and k not in FIELDS]
        writer = csv.DictWriter(handle, fieldnames=[*carried, *FIELDS, "scores"], extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            row["scores"] = json.dumps(row["scores"])
            for key in ("speaker_span", "counterparty_span"):
                row[key] = "" if row[key] is None else f"{row[key][0]}-{row[key][1]}"
            writer.writerow(row)
    else:
        for article, statements in zip(articles, results):
            handle.write(f"# {article.get('id') or article['file']}: {len(statements)} statements\n")
            for s in statements:
                handle.write(f"{s.start:>6}  {s.speaker[:28]:28s} -> {s.counterparty[:28]:28s} {s.stance:12s} {s.score:.2f}  {s.kind:8s}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stance", description="Who said what about whom, and how: speaker, counterparty and stance of every statement in news articles.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    classify = sub.add_parser(
        "classify",
        help="classify articles and print their statements",
        description="Classify articles: plain text files (one article each), JSON Lines with a 'text' field "
        "(other fields are carried into the output), or CSV with --text-column. '-' reads standard input.",
    )
    classify.add_argument("files", nargs="+", metavar="FILE", help="input files, or - for standard input")
    classify.add_argument("--format", choices=("jsonl", "csv", "table"), default="jsonl", help="output format (default: jsonl, one line per article)")
    classify.add_argument("--input-format", choices=("auto", "text", "jsonl", "csv"), default="auto", help="input format (default: from the file extension; stdin is text)")
    classify.add_argument("--text-column", default="text", help="CSV column that holds the article (default: text)")
    classify.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    classify.add_argument("--device", default="auto", help="cpu, cuda, cuda:N or auto (default)")
    classify.add_argument("--batch-size", type=int, default=32, help="sentences per batch (default: 32)")
    classify.add_argument(
        "--precision", choices=PRECISIONS, default="auto",
        help="the encoder's number format (default auto: float16 on CUDA, float32 on CPU); bfloat16 is faster on CPUs with AMX or AVX512-BF16",
    )
    classify.add_argument("-o", "--output", help="write here (atomically) instead of standard output")
    classify.add_argument("--progress", action="store_true", help="show a progress bar")
    classify.add_argument("--skip-bad-lines", action="store_true", help="skip malformed JSONL/CSV lines (counted on stderr) instead of stopping")
    classify.add_argument(
        "--max-chars", type=int, default=DEFAULT_MAX_CHARS, metavar="N",
        help=f"longest article accepted, in characters (default: {DEFAULT_MAX_CHARS:,}); a longer one is an error (a bad line in JSONL/CSV)",
    )
    return parser


def _version() -> str:
    from stance import __version__

    return f"stance {__version__}"


def main(argv: list[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    logging.basicConfig(level=logging.WARNING, format="stance: %(levelname)s: %(message)s")
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    if args.max_chars < 1:
        parser.error("--max-chars must be at least 1")
    try:
        if args.output and Path(args.output).is_dir():
            raise InputError(f"{args.output}: is a folder; give -o a file path")
        articles, skipped = read_articles(args.files, args.input_format, args.text_column, args.skip_bad_lines, stdin, args.max_chars)
        # Read by transformers when a non-BERT model imports it; a BERT model never does (start-up time).
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from stance.classifier import Classifier

        classifier = Classifier.from_pretrained(args.model, device=args.device, max_chars=args.max_chars, precision=args.precision)
        results = classifier.classify([a["text"] for a in articles], batch_size=args.batch_size, progress=args.progress)
    except (InputError, ValueError, TypeError) as error:
        print(f"stance: error: {error}", file=sys.stderr)
        return 2
    if skipped:
        print(f"stance: skipped {skipped} bad line(s)", file=sys.stderr)
    if args.output:
        from stance.io import atomic_file

        try:
            with atomic_file(args.output, newline="") as handle:
                write_output(handle, args.format, articles, results)
        except OSError as error:
            print(f"stance: error: {args.output}: cannot write it ({error.strerror or error})", file=sys.stderr)
            return 2
    else:
        write_output(stdout, args.format, articles, results)
    return 0

if __name__ == "__main__":
    sys.exit(main())
