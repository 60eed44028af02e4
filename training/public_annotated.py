"""Sentences of public news sets annotated by us to the guide: the extra set ``public-annotated``.

The sentences come from DSE train and ConfliBERT-CAMEO in ``../shared/data`` and stay there. What this
project holds is ours: ``training/data/public_annotated.jsonl``, one line per sentence with its id in its
set (``dse-train-<line>``, or ConfliBERT's ``id``), the SHA-256 of its text, and every relation the guide
gives it (none for many), its mentions written as in the corpus sources (``text`` or ``text#N``). Offsets
are computed when the records are built, and a changed source text is refused. Unlike the other extra
sets, every pair of these sentences is labelled: they teach whether a pair is a relation, on real news.

    python -m training.public_annotated import SOURCE.art...   # annotated sources -> the JSON Lines file
    python -m training.public_annotated stats
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from training.arguments import SHARED_DATA

ANNOTATIONS = Path(__file__).resolve().parent / "data" / "public_annotated.jsonl"
_ROLE_FIELDS = ("speaker", "counterparty")
_KEPT = ("stance", "kind", "speaker_country", "counterparty_country", "tags", "via", "note")


def source_texts() -> dict[str, str]:
    """Every sentence of DSE train and ConfliBERT-CAMEO train by id, read in place."""
    from training.adapters import read_dse

    texts = {item["id"]: item["text"] for item in read_dse("train")}
    with (SHARED_DATA / "conflibert-cameo" / "train.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            texts[row["id"]] = row["text"]
    return texts


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def import_sources(paths: list[Path], texts: dict[str, str]) -> list[dict[str, Any]]:
    """Annotation lines from `.art` sources whose paragraphs are single sentences of ``texts``.

    Raises ``ValueError`` naming the file and sentence when a paragraph is not one of ``texts``.
    """
    from training.article_source import mention_reference, parse_article

    ids = {}
    for source_id, text in texts.items():
        ids.setdefault(text, source_id)
    entries = []
    for path in paths:
        record = parse_article(path)
        start = 0
        for paragraph in record["text"].split("\n\n"):
            end = start + len(paragraph)
            if paragraph not in ids:
                raise ValueError(f"{path}: the sentence {paragraph[:60]!r}... is in neither DSE train nor ConfliBERT-CAMEO train")
            relations = []
            for relation in (r for r in record["relations"] if r["sentence"] == [start, end]):
                kept = {key: relation[key] for key in _KEPT if relation.get(key) not in (None, [])}
                for role in _ROLE_FIELDS:
                    span = relation[f"{role}_span"]
                    if span is None:
                        raise ValueError(f"{path}: {relation[role]!r} has no mention in {paragraph[:60]!r}...; each sentence stands alone")
                    kept[role] = relation[role]
                    kept[f"{role}_mention"] = mention_reference(paragraph, (span[0] - start, span[1] - start))
                relations.append(kept)
            entries.append({"id": ids[paragraph], "sha256": _digest(paragraph), "relations": relations})
            start = end + 2
    return entries


def build_records(entries: list[dict[str, Any]], texts: dict[str, str]) -> list[dict[str, Any]]:
    """Guide records (one sentence each, every pair labelled) from annotation lines and the source texts.

    Raises ``ValueError`` naming the sentence id when its text is missing or no longer matches its hash.
    """
    from stance.records import validate_record
    from training.article_source import find_mention

    records = []
    for number, entry in enumerate(entries, start=1):
        text = texts.get(entry["id"])
        if text is None or _digest(text) != entry["sha256"]:
            state = "is missing from" if text is None else "has changed in"
            raise ValueError(f"public-annotated line {number}: sentence {entry['id']!r} {state} {SHARED_DATA}; the annotation needs the original text")
        relations = []
        for relation in entry["relations"]:
            built = {"sentence": [0, len(text)], **{key: relation[key] for key in _KEPT if key in relation}}
            for role in _ROLE_FIELDS:
                built[role] = relation[role]
                built[f"{role}_span"] = list(find_mention(text, relation[f"{role}_mention"]) or ())
            built.setdefault("tags", [])
            relations.append(built)
        record = {"id": entry["id"], "text": text, "relations": relations}
        validate_record(record)
        records.append(record)
    return records


def load_entries(path: Path = ANNOTATIONS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def public_annotated_records() -> list[dict[str, Any]]:
    """The annotated public sentences as guide records (text read from ``../shared/data``)."""
    return build_records(load_entries(), source_texts())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.public_annotated", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    import_parser = commands.add_parser("import", help="annotated .art sources -> training/data/public_annotated.jsonl")
    import_parser.add_argument("sources", nargs="+", type=Path)
    import_parser.add_argument("--output", type=Path, default=ANNOTATIONS)
    commands.add_parser("stats", help="counts of sentences, relations, stances and kinds")
    args = parser.parse_args(argv)
    if args.command == "import":
        from stance.io import atomic_file

        texts = source_texts()
        entries = import_sources(sorted(args.sources), texts)
        build_records(entries, texts)
        with atomic_file(args.output) as handle:
            handle.writelines(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)
        print(f"wrote {len(entries)} sentences to {args.output}")
        return 0
    entries = load_entries()
    relations = [r for e in entries for r in e["relations"]]
    sources = Counter("dse" if e["id"].startswith("dse-") else "conflibert" for e in entries)
    print(f"sentences: {len(entries)} ({', '.join(f'{k} {v}' for k, v in sorted(sources.items()))}); "
          f"without a relation: {sum(not e['relations'] for e in entries)}; relations: {len(relations)}")
    for key in ("stance", "kind"):
        print(f"{key}: " + ", ".join(f"{k} {v}" for k, v in Counter(r[key] for r in relations).most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
