"""The API contract, on a tiny random model."""

import threading

import pytest

import stance
from stance import Statement
from stance.classifier import Classifier

ARTICLE = (
    " date 2011-05-02 PARIS, May 2 - France accused Germany on Monday of blocking a deal. "
    '"Berlin must stop hiding behind procedure," Trade Minister Claire Dumont said.\n\n'
    "She said Paris would keep working with the European Union on a compromise."
)


def test_str_gives_statements_with_exact_offsets(tiny_classifier):
    statements = tiny_classifier.classify(ARTICLE)
    assert isinstance(statements, list)
    for s in statements:
        assert isinstance(s, Statement)
        assert ARTICLE[s.start : s.end] == s.text
        for span in (s.speaker_span, s.counterparty_span):
            if span is not None:
                assert s.start <= span[0] < span[1] <= s.end
        assert s.stance in ("cooperative", "adversarial", "neutral")
        assert s.kind in ("quote", "reported", "action")
        assert abs(sum(s.scores.values()) - 1.0) < 1e-5
        assert s.score == max(s.scores.values()) and s.label == s.stance
        assert 1.0 - s.relation_score < tiny_classifier.model.config.relation_threshold
        assert s.speaker != s.counterparty
    starts = [s.start for s in statements]
    assert starts == sorted(starts)


def same(a: list[Statement], b: list[Statement]) -> bool:
    """Equal statements; scores may differ by float noise from batch padding."""
    strip = lambda s: {k: v for k, v in s.to_dict().items() if k not in ("score", "scores", "relation_score")}  # noqa: E731
    return [strip(x) for x in a] == [strip(y) for y in b] and all(
        abs(x.scores[k] - y.scores[k]) < 1e-4 and abs(x.relation_score - y.relation_score) < 1e-4 for x, y in zip(a, b) for k in x.scores
    )


def test_list_gives_list_of_lists_equal_to_one_by_one(tiny_classifier):
    texts = [ARTICLE, "Japan praised India.", ""]
    batched = tiny_classifier.classify(texts, batch_size=2)
    assert isinstance(batched, list) and len(batched) == 3
    assert all(same(b, tiny_classifier.classify(t)) for b, t in zip(batched, texts))


def test_empty_and_whitespace(tiny_classifier):
    assert tiny_classifier.classify("") == []
    assert tiny_classifier.classify("   \n\n  ") == []
    assert tiny_classifier.classify([]) == []


def test_pair_mode_one_statement_per_sentence_mentioning_counterparty(tiny_classifier):
    result = tiny_classifier.classify(ARTICLE, speaker="Claire Dumont", counterparty="Germany")
    sentences_with_germany = [s for s in result]
    assert len(sentences_with_germany) == 2  # "Germany" in the first sentence, "Berlin" in the second
    assert all(s.speaker == "Claire Dumont" and s.counterparty == "Germany" for s in result)
    assert result[0].speaker_span is None  # not named in the first sentence
    assert ARTICLE[slice(*result[1].speaker_span)] == "Claire Dumont"
    assert ARTICLE[slice(*result[1].counterparty_span)] == "Berlin"


def test_pair_mode_names_the_speaker_canonically_in_every_sentence(tiny_classifier):
    result = tiny_classifier.classify(ARTICLE, speaker="Dumont", counterparty="Berlin")
    assert result and all(s.speaker == "Claire Dumont" and s.counterparty == "Germany" for s in result)
    outside = tiny_classifier.classify(ARTICLE, speaker="Washington", counterparty="Germany")
    assert outside and all(s.speaker == "United States" and s.speaker_country == "USA" for s in outside)


def test_to_dict_is_json_ready(tiny_classifier):
    import json

    for s in tiny_classifier.classify(ARTICLE):
        data = s.to_dict()
        assert json.loads(json.dumps(data)) == data
        assert set(data) >= {"text", "start", "end", "speaker", "speaker_span", "speaker_country", "counterparty",
                             "counterparty_span", "counterparty_country", "stance", "score", "scores", "kind", "via",
                             "relation_score"}


@pytest.mark.parametrize(
    ("value", "message"),
    [(None, "text must be a str .* got NoneType"), (b"bytes", "got bytes"), (42, "got int"), (["ok", 3], r"text\[1\] must be a str, got int")],
)
def test_wrong_types(tiny_classifier, value, message):
    with pytest.raises(TypeError, match=message):
        tiny_classifier.classify(value)


def test_bad_arguments(tiny_classifier):
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        tiny_classifier.classify("x", batch_size=0)
    with pytest.raises(TypeError, match="batch_size must be an int"):
        tiny_classifier.classify("x", batch_size="8")
    with pytest.raises(ValueError, match="give both speaker= and counterparty="):
        tiny_classifier.classify("x", speaker="France")
    with pytest.raises(ValueError, match="CUDA is not available"):
        Classifier(tiny_classifier.model, tiny_classifier.tokenizer, device="cuda")
    with pytest.raises(ValueError, match="unknown device 'gpu'"):
        Classifier(tiny_classifier.model, tiny_classifier.tokenizer, device="gpu")


def test_input_size_limit(tiny_classifier):
    small = Classifier(tiny_classifier.model, tiny_classifier.tokenizer, device="cpu", max_chars=100)
    with pytest.raises(ValueError, match="over the limit of 100; split it into articles or raise max_chars"):
        small.classify("x" * 101)


def test_same_input_same_output_and_threads(tiny_classifier):
    expected = tiny_classifier.classify(ARTICLE)
    results = [None] * 4

    def work(i):
        results[i] = tiny_classifier.classify(ARTICLE)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)


def test_save_and_reload(tiny_classifier, tmp_path):
    tiny_classifier.save_pretrained(tmp_path / "copy")
    again = Classifier.from_pretrained(tmp_path / "copy", device="cpu")
    assert again.classify(ARTICLE) == tiny_classifier.classify(ARTICLE)


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, stance; print(any(m in sys.modules for m in ('torch', 'transformers')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_top_level_type_errors_before_loading_a_model():
    with pytest.raises(TypeError, match="got NoneType"):
        stance.classify(None)


@pytest.mark.parametrize(
    "text",
    [
        "Kenya \ud800 accused Somalia.",  # lone surrogate
        "<html><body><p>France praised <b>Germany</b>.</p></body></html>",
        "مصر انتقدت إسرائيل. 中国批评了日本。 Japan 🇯🇵 praised India 🙏.",
        "no sentence punctuation here just words and Kenya and Somalia",
        "\x00\x01\ufffd\x7f binary Kenya garbage Somalia \x1b[31m",
        '"Unclosed quote: France warned Germany. \u201cAnother one.',
        "Word. " * 2000,
    ],
)
def test_odd_input_gives_valid_offsets(tiny_classifier, text):
    statements = tiny_classifier.classify(text)
    for s in statements:
        assert text[s.start : s.end] == s.text
        assert abs(sum(s.scores.values()) - 1) < 1e-5


def test_batches_respect_sentence_token_and_pair_budgets():
    from stance.classifier import ENCODER_TOKEN_BUDGET, PAIR_TOKEN_BUDGET, _batches

    lengths = [10] * 40 + [200] * 30 + [3000]
    pairs = [2] * 40 + [6] * 30 + [1]
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    batches = _batches(order, 32, lengths, pairs)
    assert sorted(w for batch in batches for w in batch) == order  # every sentence once
    assert batches[0] == order[:32]  # short sentences: the sentence count binds
    assert max(len(batch) for batch in batches[2:-1]) == ENCODER_TOKEN_BUDGET // 200  # long ones: the token budget
    for batch in batches:
        longest = max(lengths[w] for w in batch)
        assert len(batch) <= 32
        if len(batch) > 1:
            assert len(batch) * longest <= ENCODER_TOKEN_BUDGET
            assert sum(pairs[w] for w in batch) * longest <= PAIR_TOKEN_BUDGET
    assert [70] in batches  # a sentence over every budget still gets its own batch


def test_articles_in_small_groups_give_the_same_statements(tiny_classifier, monkeypatch):
    import stance.classifier

    texts = [ARTICLE, "Japan praised India.", "", ARTICLE.replace("France", "Spain")]
    whole = tiny_classifier.classify(texts)
    monkeypatch.setattr(stance.classifier, "SENTENCES_PER_GROUP", 1)
    groups = list(tiny_classifier._groups(texts, None, None))
    assert len(groups) == 3  # one per article with candidate pairs, whole articles only
    assert all(len({a for a, _ in group}) == 1 for group in groups)
    assert all(same(x, y) for x, y in zip(tiny_classifier.classify(texts), whole))


def test_progress_bar_counts_sentences(tiny_classifier, capsys):
    tiny_classifier.classify([ARTICLE, ARTICLE], progress=True)
    assert "sentence" in capsys.readouterr().err
