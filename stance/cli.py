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
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

FIELDS = (
    "start", "end", "speaker", "speaker_span", "speaker_country", "counterparty", "counterparty_span",
    "counterparty_country", "stance", "score", "kind", "via", "text",
)


class InputError(ValueError):
    """A bad input file; the message names the file (and line) and the problem."""


def _read_text(name: str, stream: TextIO | None = None) -> str:
    try:
        if stream is not None:
            return stream.read()
        return Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a folder, not a file") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: not UTF-8 text (byte {error.start}); convert it to UTF-8 first") from None


def _input_format(name: str, forced: str) -> str:
    if forced != "auto":
        return forced
    suffix = Path(name).suffix.lower()
    return {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}.get(suffix, "text")


def read_articles(names: list[str], input_format: str, text_column: str, skip_bad_lines: bool, stdin: TextIO) -> tuple[list[dict[str, Any]], int]:
    """Every article of every input, as ``{"text": ..., other carried fields}``, and the count of skipped lines."""
    articles: list[dict[str, Any]] = []
    skipped = 0
    for name in names:
        content = _read_text(name, stdin if name == "-" else None)
        kind = _input_format(name, input_format)
        label = "<stdin>" if name == "-" else name
        if kind == "text":
            articles.append({"file": label, "text": content})
        elif kind == "jsonl":
            for number, line in enumerate(content.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                        raise ValueError("needs a JSON object with a string field 'text'")
                except ValueError as error:
                    reason = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
                    if skip_bad_lines:
                        skipped += 1
                        logging.getLogger("stance.cli").warning("%s:%d: skipped: %s", label, number, reason)
                        continue
                    raise InputError(f"{label}:{number}: {reason} (use --skip-bad-lines to skip such lines)") from None
                articles.append({"file": label, "line": number, **row})
        else:
            reader = csv.DictReader(io.StringIO(content))
            if reader.fieldnames is None or text_column not in reader.fieldnames:
                raise InputError(f"{label}: no column {text_column!r} (columns: {', '.join(reader.fieldnames or [])}); use --text-column")
            for number, row in enumerate(reader, start=2):
                if row.get(text_column) is None:
                    if skip_bad_lines:
                        skipped += 1
                        continue
                    raise InputError(f"{label}:{number}: row has no value for {text_column!r}")
                articles.append({"file": label, "line": number, **{k: v for k, v in row.items() if k != text_column}, "text": row[text_column]})
    return articles, skipped


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
    classify.add_argument("-o", "--output", help="write here (atomically) instead of standard output")
    classify.add_argument("--progress", action="store_true", help="show a progress bar")
    classify.add_argument("--skip-bad-lines", action="store_true", help="skip malformed JSONL/CSV lines (counted on stderr) instead of stopping")
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
    try:
        articles, skipped = read_articles(args.files, args.input_format, args.text_column, args.skip_bad_lines, stdin)
        import transformers

        transformers.logging.set_verbosity_error()
        from stance.classifier import Classifier

        classifier = Classifier.from_pretrained(args.model, device=args.device)
        results = classifier.classify([a["text"] for a in articles], batch_size=args.batch_size, progress=args.progress)
    except (InputError, ValueError, TypeError) as error:
        print(f"stance: error: {error}", file=sys.stderr)
        return 2
    if skipped:
        print(f"stance: skipped {skipped} bad line(s)", file=sys.stderr)
    if args.output:
        from stance.io import atomic_file

        with atomic_file(args.output, newline="") as handle:
            write_output(handle, args.format, articles, results)
    else:
        write_output(stdout, args.format, articles, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
