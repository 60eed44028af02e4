"""The committed corpus: compiled files match their sources, splits follow the rules, test is pinned."""

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from stance.labels import STANCES
from stance.records import load_records
from training.augment import AUGMENT_FRACTION, augment_records
from training.corpus import DATA_DIR, SEED_OUTPUT, compile_corpus, split_records

SPLITS = ("train", "dev", "test")


def load(name):
    return load_records(DATA_DIR / f"{name}.jsonl")


def test_compiled_files_are_in_sync_with_sources(tmp_path):
    compile_corpus(data_dir=tmp_path, seed_output=tmp_path / "seed.jsonl")
    for name in SPLITS:
        assert (tmp_path / f"{name}.jsonl").read_bytes() == (DATA_DIR / f"{name}.jsonl").read_bytes(), (
            f"training/data/{name}.jsonl is stale: run `python -m training.corpus compile`"
        )
    assert (tmp_path / "seed.jsonl").read_bytes() == SEED_OUTPUT.read_bytes()


def test_test_split_hash_is_recorded():
    digest = hashlib.sha256((DATA_DIR / "test.jsonl").read_bytes()).hexdigest()
    assert (DATA_DIR / "test.sha256").read_text().split()[0] == digest


def test_splits_are_by_article_and_sentences_never_shared():
    seen = {}
    texts = {}
    for name in SPLITS:
        for record in load(name):
            article = record["id"].removesuffix("-swap")
            assert seen.setdefault(article, name) == name, f"{article} is in {seen[article]} and {name}"
            if not record.get("augmented"):
                for start, end in {tuple(r["sentence"]) for r in record["relations"]}:
                    sentence = record["text"][start:end]
                    assert texts.setdefault(sentence, name) == name, f"sentence in two splits: {sentence[:60]}"


def test_split_sizes_and_stratification():
    splits = {name: load(name) for name in SPLITS}
    test = splits["test"]
    assert len(test) >= 60
    assert all(not r.get("augmented") for name in ("dev", "test") for r in splits[name])
    regions = {r["region"] for name in SPLITS for r in splits[name]}
    assert {r["region"] for r in test} == regions
    stances = Counter(rel["stance"] for r in test for rel in r["relations"])
    assert all(stances[s] / sum(stances.values()) >= 0.15 for s in STANCES)


def test_augmented_records_are_flagged():
    augmented = [r for r in load("train") if r.get("augmented")]
    assert bool(augmented) == (AUGMENT_FRACTION > 0)
    assert all(r["id"].endswith("-swap") and all("augmented" in rel["tags"] for rel in r["relations"]) for r in augmented)


def test_the_augmented_share_is_chosen_and_checked():
    written = [r for r in load("train") if not r.get("augmented")][:30]
    assert augment_records(written, 0.0) == []
    copies = augment_records(written, 1.0)
    assert len(copies) >= 20 and all(r["augmented"] and r["id"].endswith("-swap") for r in copies)
    with pytest.raises(ValueError, match="between 0 and 1, got 1.5"):
        augment_records(written, 1.5)


def test_split_is_deterministic_and_complete():
    records = [
        {"id": f"a{i}", "region": ["Europe", "Africa"][i % 2], "relations": [{"stance": STANCES[i % 3]}]} for i in range(40)
    ]
    first, second = split_records(records), split_records(list(reversed(records)))
    assert {k: [r["id"] for r in v] for k, v in first.items()} == {k: [r["id"] for r in v] for k, v in second.items()}
    assert sorted(r["id"] for v in first.values() for r in v) == sorted(r["id"] for r in records)
    assert len(first["test"]) == 8 and len(first["dev"]) == 4


def test_seed_record_is_annotated():
    record = json.loads(SEED_OUTPUT.read_text(encoding="utf-8"))
    assert record["text"] == (Path(SEED_OUTPUT).parent / "putin-li-2023-04-17.txt").read_text(encoding="utf-8")
    pairs = {(r["speaker"], r["counterparty"], r["stance"]) for r in record["relations"]}
    assert ("Russia", "United States", "adversarial") in pairs and ("China", "United States", "adversarial") in pairs


def test_a_new_batch_never_moves_earlier_articles_between_splits():
    from training.corpus import split_records

    def article(i, region, batch=None):
        record = {"id": f"a{i:03d}", "region": region, "relations": [{"stance": ("cooperative", "adversarial", "neutral")[i % 3]}]}
        return record if batch is None else {**record, "batch": batch}

    first = [article(i, ("Europe", "Africa", "Americas")[i % 3]) for i in range(60)]
    later = [article(100 + i, ("Europe", "Oceania")[i % 2], batch=2) for i in range(20)]
    before = {name: [r["id"] for r in items] for name, items in split_records(first).items()}
    after = {name: [r["id"] for r in items if "batch" not in r] for name, items in split_records(first + later).items()}
    assert before == after
    assert sum(len(items) for items in split_records(first + later).values()) == 80
