import pytest

from training.article_source import SourceError, parse_article

HEADER = """id: t-1
date: 2001-02-03
region: Africa
domain: aid
actors:
  Kenya | KEN
  Somalia | SOM
  Amina Odhiambo | KEN
---
"""


def write(tmp_path, body, header=HEADER):
    path = tmp_path / "t.art"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_offsets_are_computed_and_round_trip(tiny_records):
    for record in tiny_records:
        text = record["text"]
        for relation in record["relations"]:
            start, end = relation["sentence"]
            for role in ("speaker", "counterparty"):
                span = relation[f"{role}_span"]
                if span is not None:
                    assert start <= span[0] < span[1] <= end
    record = next(r for r in tiny_records if r["id"] == "tiny-a")
    first = record["relations"][1]
    assert record["text"][slice(*first["counterparty_span"])] == "Berlin"
    assert "\n\nThe talks resume in June." in record["text"]


def test_null_mentions_and_tags(tiny_records):
    record = next(r for r in tiny_records if r["id"] == "tiny-b")
    continued = record["relations"][-1]
    assert continued["speaker_span"] is None
    assert continued["tags"] == ["unnamed_speaker"]
    assert continued["speaker_country"] == "JPN" and continued["counterparty_country"] is None


def test_nth_occurrence(tmp_path):
    path = write(tmp_path, "Kenya told Somalia that Somalia must act.\n  - Kenya <Kenya> -> Somalia <Somalia#2> | adversarial | reported\n")
    record = parse_article(path)
    assert record["relations"][0]["counterparty_span"] == [24, 31]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Kenya told Somalia.\n  - Kenya <Kenya> -> Ethiopia <Somalia> | adversarial | reported\n", r"t\.art:11: counterparty 'Ethiopia' is not in the article's actors list"),
        ("Kenya told Somalia.\n  - Kenya <Kenya> -> Somalia <Somali> | adversarial | reported\n", r"t\.art:11: mention <Somali> is not a whole word"),
        ("Kenya told Somalia.\n  - Kenya <Kenya> -> Somalia <Somalia> | hostile | reported\n", r"t\.art:11: unknown stance 'hostile'"),
        ("Kenya told Somalia.\n  - Kenya <Kenya> -> Somalia <Somalia> | adversarial | said\n", r"t\.art:11: unknown kind 'said'"),
        ("Kenya told Kenya.\n  - Kenya <Kenya#1> -> Kenya <Kenya#2> | adversarial | reported\n", r"speaker equals counterparty"),
        ("Somalia and Somalia.\n  - Kenya <> -> Somalia <Somalia> | adversarial | reported\n", r"occurs 2 times; write <Somalia#N>"),
        ("Kenya told Somalia.\n  - Kenya Somalia adversarial\n", r"t\.art:11: relation must read"),
        ("  - Kenya <Kenya> -> Somalia <Somalia> | adversarial | reported\n", r"relation line before any sentence"),
        ("Kenya told Somalia.\n  - Kenya <Kenya> -> Somalia <Somalia> | adversarial | reported | sarcasm\n", r"unknown tag 'sarcasm'"),
    ],
)
def test_source_errors_name_file_line_and_reason(tmp_path, body, message):
    with pytest.raises(SourceError, match=message):
        parse_article(write(tmp_path, body))


def test_duplicate_relation_in_source(tmp_path):
    body = "Kenya told Somalia.\n  - Kenya <Kenya> -> Somalia <Somalia> | adversarial | reported\n  - Kenya <Kenya> -> Somalia <Somalia> | neutral | reported\n"
    with pytest.raises(SourceError, match="duplicate relation 'Kenya' -> 'Somalia'"):
        parse_article(write(tmp_path, body))


def test_header_errors(tmp_path):
    with pytest.raises(SourceError, match="region 'Mars' must be one of"):
        parse_article(write(tmp_path, "Kenya spoke.\n", HEADER.replace("Africa", "Mars")))
    with pytest.raises(SourceError, match="country 'KEX' is not an ISO 3166-1 alpha-3 code"):
        parse_article(write(tmp_path, "Kenya spoke.\n", HEADER.replace("KEN\n  Somalia", "KEX\n  Somalia")))
    with pytest.raises(SourceError, match="no '---' line"):
        parse_article(write(tmp_path, "", HEADER.replace("---\n", "")))
