import pytest

from training.public_annotated import ANNOTATIONS, build_records, import_sources, load_entries

FIRST = "Turkey warned Syria and Syria's allies on Tuesday."
SECOND = "Oil prices rose 2 percent."
TEXTS = {"dse-train-7": FIRST, "conflibert_cameo_train_0001": SECOND, "dse-train-9": FIRST}
SOURCE = f"""id: pub-t
date: 2019-01-01
region: Europe
domain: public news sentences
actors:
  Turkey | TUR
  Syria | SYR
---
{FIRST}
  - Turkey <Turkey> -> Syria <Syria#2> | adversarial | reported | note=the second Syria

{SECOND}
"""


@pytest.fixture()
def source(tmp_path):
    path = tmp_path / "pub-t.art"
    path.write_text(SOURCE, encoding="utf-8")
    return path


def test_import_keeps_ids_mentions_and_sentences_without_relations(source):
    entries = import_sources([source], TEXTS)
    assert [e["id"] for e in entries] == ["dse-train-7", "conflibert_cameo_train_0001"]  # a repeated text keeps its first id
    relation = entries[0]["relations"][0]
    assert (relation["speaker_mention"], relation["counterparty_mention"]) == ("Turkey", "Syria#2")
    assert "text" not in entries[0] and entries[1]["relations"] == []


def test_records_rebuild_the_offsets_from_the_source_text(source):
    records = build_records(import_sources([source], TEXTS), TEXTS)
    relation = records[0]["relations"][0]
    assert FIRST[slice(*relation["counterparty_span"])] == "Syria" and relation["counterparty_span"][0] > FIRST.index("Syria")
    assert relation["sentence"] == [0, len(FIRST)] and not records[0].get("partial")
    assert records[1] == {"id": "conflibert_cameo_train_0001", "text": SECOND, "relations": []}


def test_a_changed_source_text_is_refused(source):
    entries = import_sources([source], TEXTS)
    with pytest.raises(ValueError, match=r"line 1: sentence 'dse-train-7' has changed in .*needs the original text"):
        build_records(entries, {**TEXTS, "dse-train-7": FIRST.replace("Tuesday", "Monday")})
    with pytest.raises(ValueError, match=r"line 2: sentence 'conflibert_cameo_train_0001' is missing from"):
        build_records(entries, {"dse-train-7": FIRST})


def test_a_sentence_from_elsewhere_is_refused(source):
    with pytest.raises(ValueError, match=r"pub-t\.art: the sentence 'Oil prices rose.*is in neither DSE train nor ConfliBERT"):
        import_sources([source], {"dse-train-7": FIRST})


def test_a_relation_without_a_mention_is_refused(tmp_path):
    path = tmp_path / "pub-u.art"
    path.write_text(SOURCE.replace("id: pub-t", "id: pub-u").replace("<Syria#2>", "<>"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"'Syria' has no mention in .*each sentence stands alone"):
        import_sources([path], TEXTS)


def test_the_committed_annotations_build_from_the_shared_data():
    from training.adapters import extra_training_records

    entries = load_entries(ANNOTATIONS)
    records = extra_training_records("public-annotated", limit=10, seed=0)  # the limit is for partially labelled sets
    assert len(records) == len(entries) >= 1000
    assert sum(len(r["relations"]) for r in records) > 1000 and not any(r.get("partial") for r in records)
