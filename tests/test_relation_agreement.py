import pytest

from tests.test_article_source import HEADER
from training.evaluate import score_statements
from training.relation_agreement import SECOND_PASS, as_statements, compare, load_passes

BODY = """Kenya accused Somalia of stalling the talks.
  - Kenya <Kenya> -> Somalia <Somalia> | adversarial | reported
Foreign Minister Amina Odhiambo said Nairobi was following the dispute closely.
  - Amina Odhiambo <Amina Odhiambo> -> Somalia <> | neutral | reported
  - Kenya <Nairobi> -> Somalia <> | neutral | reported
"""


def write(folder, body, name="t-1.art", header=HEADER):
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(header + body, encoding="utf-8")
    return path


def test_a_pass_scored_against_itself_agrees_fully(tmp_path):
    write(tmp_path / "corpus", BODY)
    write(tmp_path / "second", BODY)
    first, second = load_passes(tmp_path / "second", tmp_path / "corpus")
    result = compare(first, [as_statements(r) for r in second])
    assert result["pair"]["f1"] == 1.0 and result["pair_stance"]["f1"] == 1.0
    assert result["stance_on_matched_pairs"] == {"pairs": 3, "kappa": 1.0, "agreement": 1.0}


def test_a_missed_pair_and_a_different_stance_are_counted_as_by_the_model_evaluation(tmp_path):
    write(tmp_path / "corpus", BODY)
    second_body = BODY.replace("adversarial", "neutral").replace("  - Kenya <Nairobi> -> Somalia <> | neutral | reported\n", "")
    write(tmp_path / "second", second_body)
    first, second = load_passes(tmp_path / "second", tmp_path / "corpus")
    result = compare(first, [as_statements(r) for r in second])
    # 2 of 3 corpus pairs found, both of 2 second-pass pairs in the corpus: P 1, R 2/3; one of them with the same stance
    assert result["pair"]["precision"] == 1.0 and result["pair"]["recall"] == pytest.approx(2 / 3)
    assert result["pair_stance"]["f1"] == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))
    assert result["stance_on_matched_pairs"]["agreement"] == 0.5
    assert score_statements(first, [as_statements(r) for r in second])["pair"] == result["pair"]


def test_a_second_pass_must_keep_the_sentences(tmp_path):
    write(tmp_path / "corpus", BODY)
    write(tmp_path / "second", BODY.replace("stalling the talks", "stalling talks"))
    with pytest.raises(ValueError, match=r"t-1\.art: the sentences differ from .*keep every sentence line unchanged"):
        load_passes(tmp_path / "second", tmp_path / "corpus")


def test_a_second_pass_must_name_a_corpus_article(tmp_path):
    write(tmp_path / "corpus", BODY)
    write(tmp_path / "second", BODY, name="t-2.art", header=HEADER.replace("id: t-1", "id: t-2"))
    with pytest.raises(ValueError, match=r"article id 't-2' is not in the corpus"):
        load_passes(tmp_path / "second", tmp_path / "corpus")


def test_an_empty_folder_is_refused(tmp_path):
    (tmp_path / "second").mkdir()
    with pytest.raises(ValueError, match="no .art files in"):
        load_passes(tmp_path / "second", tmp_path)


def test_the_committed_second_pass_matches_the_corpus_text():
    first, second = load_passes(SECOND_PASS)
    assert len(first) == len(second) >= 30
    assert all(r["relations"] for r in second)


def test_realnews_stance_agreement_scores_our_labels_against_the_sets(tmp_path):
    import json

    from stance.records import load_records
    from training.adapters import realnews_path
    from training.agreement import realnews_agreement

    records = load_records(realnews_path())[:3]
    ours = [{"article": r["id"], "relation": k, "stance": rel["stance"]} for r in records for k, rel in enumerate(r["relations"])]
    flipped = {"cooperative": "adversarial", "adversarial": "neutral", "neutral": "cooperative"}
    ours[0]["stance"] = flipped[ours[0]["stance"]]
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(o) + "\n" for o in ours))
    report = realnews_agreement(path)
    assert report["n"] == len(ours) and report["accuracy"] == pytest.approx((len(ours) - 1) / len(ours))
