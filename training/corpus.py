"""Corpus tooling: check sources, compile them into split JSON Lines, and print statistics.

    python -m training.corpus check [PATH...]     # validate .art sources: file:line: reason
    python -m training.corpus compile             # sources -> training/data/{train,dev,test}.jsonl + seed
    python -m training.corpus stats [--write]     # statistics (and refresh the data card's tables)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from stance.io import atomic_file
from training.article_source import SourceError, parse_article

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "training" / "corpus" / "articles"
DATA_DIR = ROOT / "training" / "data"
SEED_SOURCE = ROOT / "seeds" / "putin-li-2023-04-17.art"
SEED_OUTPUT = ROOT / "seeds" / "putin-li-2023-04-17.jsonl"
SPLITS = ("train", "dev", "test")
SPLIT_SEED = 2024


def article_files(paths: list[str | Path]) -> list[Path]:
    """Every `.art` file under ``paths`` (files or folders), sorted."""
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.rglob("*.art")) if path.is_dir() else [path])
    return files


def check(paths: list[str | Path]) -> int:
    """Validate sources (`.art`) and record files (`.jsonl`); print one ``file:line: reason`` per bad file.

    Returns the number of bad files (a missing path counts as one; finding no file at all is an error too).
    """
    from stance.records import RecordError, load_records

    bad = 0
    ids: dict[str, Path] = {}
    relations = 0
    files = []
    for path in map(Path, paths):
        if not path.exists():
            print(f"{path}: no such file or folder")
            bad += 1
        else:
            files.extend(article_files([path]) + (sorted(path.rglob("*.jsonl")) if path.is_dir() else []))
    if not files and not bad:
        print(f"no .art or .jsonl files in {', '.join(map(str, paths)) or '(no paths)'}")
        return 1
    for path in files:
        if path.suffix == ".jsonl":
            try:
                relations += sum(len(r.get("relations", [])) for r in load_records(path))
            except (RecordError, OSError) as error:
                print(error)
                bad += 1
            continue
        try:
            record = parse_article(path)
        except SourceError as error:
            print(error)
            bad += 1
            continue
        except UnicodeDecodeError as error:
            print(f"{path}: not UTF-8 text (byte {error.start}); convert it to UTF-8")
            bad += 1
            continue
        except OSError as error:
            print(f"{path}: cannot read it ({error.strerror})")
            bad += 1
            continue
        if record["id"] in ids:
            print(f"{path}:1: id {record['id']!r} is already used by {ids[record['id']]}")
            bad += 1
        ids[record["id"]] = path
        relations += len(record["relations"])
    print(f"{len(files)} files, {bad} bad, {relations} relations", file=sys.stderr)
    return bad


def majority_stance(record: dict[str, Any]) -> str:
    counts = Counter(r["stance"] for r in record["relations"])
    return counts.most_common(1)[0][0] if counts else "none"


def split_records(records: list[dict[str, Any]], seed: int = SPLIT_SEED) -> dict[str, list[dict[str, Any]]]:
    """Whole articles to train/dev/test (about 70/10/20), stratified by region and majority stance.

    Articles written later carry ``batch: N`` and are split among themselves, so adding a batch never
    moves an earlier article to another split."""
    splits: dict[str, list[dict[str, Any]]] = {name: [] for name in SPLITS}
    by_region: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for record in sorted(records, key=lambda r: r["id"]):
        by_region.setdefault((record.get("batch", 1), record["region"]), []).append(record)
    offset = 0
    for batch, region in sorted(by_region):
        group = by_region[batch, region]
        random.Random(f"{seed}-{region}" + (f"-{batch}" if batch > 1 else "")).shuffle(group)
        group.sort(key=majority_stance)
        for index, record in enumerate(group):
            position = (index + offset) % 10
            splits["test" if position in (0, 5) else "dev" if position == 3 else "train"].append(record)
        offset += len(group)
    return {name: sorted(items, key=lambda r: r["id"]) for name, items in splits.items()}


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> str:
    """Write records atomically; returns the file's sha256."""
    payload = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    with atomic_file(path) as handle:
        handle.write(payload)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _portable(record: dict[str, Any]) -> dict[str, Any]:
    source = Path(record["source"]).resolve()
    return {**record, "source": str(source.relative_to(ROOT)) if source.is_relative_to(ROOT) else record["source"]}


def compile_corpus(
    corpus_dir: Path = CORPUS_DIR, data_dir: Path = DATA_DIR, seed_output: Path = SEED_OUTPUT, augment: float | None = None
) -> dict[str, int]:
    """Compile every source, split by article, write the splits, the seed and the test hash; ``augment`` is the
    share of train articles also written as name-swapped copies (default ``training.augment.AUGMENT_FRACTION``)."""
    files = article_files([corpus_dir])
    records = [_portable(parse_article(path)) for path in files]
    ids = Counter(r["id"] for r in records)
    duplicates = [i for i, n in ids.items() if n > 1]
    if duplicates:
        raise SourceError(f"duplicate article ids: {', '.join(sorted(duplicates))}")
    splits = split_records(records)
    from training.augment import AUGMENT_FRACTION, augment_records

    splits["train"] = splits["train"] + augment_records(splits["train"], AUGMENT_FRACTION if augment is None else augment)
    counts = {}
    for name, items in splits.items():
        digest = write_jsonl(data_dir / f"{name}.jsonl", items)
        counts[name] = len(items)
        if name == "test":
            with atomic_file(data_dir / "test.sha256") as handle:
                handle.write(f"{digest}  test.jsonl\n")
    write_jsonl(seed_output, [_portable(parse_article(SEED_SOURCE))])
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.corpus", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check_parser = sub.add_parser("check", help="validate .art sources and .jsonl record files (file:line: reason)")
    check_parser.add_argument("paths", nargs="*", default=[CORPUS_DIR, SEED_SOURCE], help="files or folders (default: the corpus and the seed)")
    compile_parser = sub.add_parser("compile", help="compile sources into training/data/*.jsonl and the seed record")
    compile_parser.add_argument("--augment", type=float, default=None, metavar="SHARE",
                                help="share of train articles also written as name-swapped copies, 0-1 (default: training.augment.AUGMENT_FRACTION)")
    stats_parser = sub.add_parser("stats", help="print corpus statistics")
    stats_parser.add_argument("--write", action="store_true", help="also refresh the tables in training/data/README.md")
    args = parser.parse_args(argv)
    if args.command == "check":
        return 1 if check(args.paths) else 0
    if args.command == "compile":
        try:
            counts = compile_corpus(augment=args.augment)
        except (SourceError, ValueError) as error:
            print(error, file=sys.stderr)
            return 1
        print(", ".join(f"{name}: {n} records" for name, n in counts.items()))
        return 0
    from training.corpus_stats import main as stats_main

    return stats_main(write=args.write)


if __name__ == "__main__":
    sys.exit(main())
