import copy
import json

import pytest

from stance.records import RecordError, load_records, validate_record

GOOD = {
    "id": "x",
    "text": "Rome praised Paris. Madrid said nothing.",
    "relations": [
        {"sentence": [0, 19], "speaker": "Italy", "speaker_span": [0, 4], "counterparty": "France",
         "counterparty_span": [13, 18], "stance": "cooperative", "kind": "reported", "speaker_country": "ITA"}
    ],
}


def bad(**changes):
    record = copy.deepcopy(GOOD)
    record["relations"][0].update(changes)
    return record


def test_good_record_passes():
    validate_record(GOOD)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (bad(speaker_span=[0, 3]), r"speaker_span \[0, 3\] does not slice to the mention: 'Rom' cuts a word"),
        (bad(counterparty_span=[12, 18]), r"does not slice to the mention: ' Paris' has surrounding whitespace"),
        (bad(counterparty_span=[20, 26]), r"does not lie inside its sentence"),
        (bad(stance="hostile"), r"unknown stance 'hostile'"),
        (bad(kind="speech"), r"unknown kind 'speech'"),
        (bad(counterparty="Italy"), r"speaker equals counterparty \('Italy'\)"),
        (bad(speaker=""), r"canonical name missing for speaker"),
        (bad(sentence=[1, 19]), r"sentence \[1, 19\] is not a sentence: it starts inside a word"),
        (bad(sentence=[0, 18]), r"sentence \[0, 18\] is not a sentence: it ends inside a word"),
        (bad(sentence=[0, 20]), r"is not a sentence: it starts or ends with whitespace"),
        (bad(speaker_country="IT"), r"speaker_country must be an ISO 3166-1 alpha-3 code"),
        (bad(tags=["sarcasm"]), r"unknown tag"),
        (bad(sentence=[0, 99]), r"runs past the text"),
    ],
)
def test_each_rejection_names_the_reason(record, message):
    with pytest.raises(RecordError, match=message):
        validate_record(record)


def test_duplicate_relation_is_rejected():
    record = copy.deepcopy(GOOD)
    record["relations"].append(copy.deepcopy(record["relations"][0]))
    with pytest.raises(RecordError, match=r"relation 1: duplicate relation 'Italy' -> 'France'"):
        validate_record(record)


def test_file_errors_name_file_and_line(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps(bad(stance="angry")) + "\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"data\.jsonl:2: relation 0: unknown stance 'angry'"):
        load_records(path)
    path.write_text(json.dumps(GOOD) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"data\.jsonl:2: not valid JSON"):
        load_records(path)


def test_non_object_record():
    with pytest.raises(RecordError, match="must be a JSON object, got list"):
        validate_record([])
