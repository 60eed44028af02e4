"""Corpus tooling: check sources, compile them to JSON Lines, split, and print statistics.

    python -m training.corpus check training/corpus/articles/europe
    python -m training.corpus compile
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from training.article_source import SourceError, parse_article

CORPUS_DIR = Path(__file__).parent / "corpus" / "articles"


def article_files(paths: list[str | Path]) -> list[Path]:
    """Every `.art` file under ``paths`` (files or folders), sorted."""
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.rglob("*.art")) if path.is_dir() else [path])
    return files


def check(paths: list[str | Path]) -> int:
    """Validate sources; print one ``file:line: reason`` per bad file. Returns the number of bad files."""
    bad = 0
    ids: dict[str, Path] = {}
    relations = 0
    files = article_files(paths)
    for path in files:
        try:
            record = parse_article(path)
        except SourceError as error:
            print(error)
            bad += 1
            continue
        if record["id"] in ids:
            print(f"{path}:1: id {record['id']!r} is already used by {ids[record['id']]}")
            bad += 1
        ids[record["id"]] = path
        relations += len(record["relations"])
    print(f"{len(files)} files, {bad} bad, {relations} relations", file=sys.stderr)
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.corpus", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check_parser = sub.add_parser("check", help="validate .art sources")
    check_parser.add_argument("paths", nargs="*", default=[CORPUS_DIR])
    args = parser.parse_args(argv)
    if args.command == "check":
        return 1 if check(args.paths) else 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
