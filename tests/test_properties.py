"""Property-based tests (hypothesis) over arbitrary text, on the tiny random model.

For any text: every statement's ``text == input[start:end]``, mention spans lie inside the sentence and
slice to non-empty text, scores are a distribution, results come in text order, the same input gives
the same output, and a batch equals one-by-one classification.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stance.labels import STANCES
from stance.segment import MAX_SENTENCE_CHARS, segment

NAMES = ["France", "Germany", "China", "Russia", "Japan", "India", "Kenya", "the United States", "Vladimir Putin",
         "Li Shangfu", "Beijing", "Washington", "the European Union", "NATO", "Claire Dumont"]
VERBS = ["accused", "praised", "said", "warned", "met", "criticised", "thanked", "told", "rejected"]
FRAGMENTS = [". ", ", ", '"', "\u201c", "\u201d", "'", " said ", " according to state media", "\n\n", " Gen. ", " U.S. ",
             " He said ", " She ", "...", "!", "?", " on Monday.", " date 2020-01-02 "]

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

news_sentence = st.builds(
    lambda a, v, b, end: f"{a} {v} {b}{end}",
    st.sampled_from(NAMES), st.sampled_from(VERBS), st.sampled_from(NAMES), st.sampled_from([".", ",\" he said.", "!", "", "\u201d"]),
)
piece = st.one_of(
    news_sentence,
    news_sentence,
    st.sampled_from(NAMES),
    st.sampled_from(FRAGMENTS),
    st.text(max_size=30),  # arbitrary unicode: lone surrogates, controls, RTL, CJK, emoji, combining marks
    st.text(alphabet=st.characters(categories=["Lu", "Ll", "Zs", "Po", "So", "Cs", "Cc", "Mn"]), max_size=15),
)
articles = st.lists(piece, max_size=12).map(lambda parts: " ".join(parts))


def check_statements(text: str, statements: list) -> None:
    for s in statements:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text and s.text == s.text.strip() and s.text
        for span in (s.speaker_span, s.counterparty_span):
            if span is not None:
                assert s.start <= span[0] < span[1] <= s.end
                assert text[span[0] : span[1]].strip()
        assert s.speaker != s.counterparty and s.speaker and s.counterparty
        assert s.stance in STANCES and set(s.scores) == set(STANCES)
        assert abs(sum(s.scores.values()) - 1.0) < 1e-5 and all(0.0 <= v <= 1.0 for v in s.scores.values())
        assert s.score == max(s.scores.values()) and s.scores[s.stance] == s.score
    assert [s.start for s in statements] == sorted(s.start for s in statements)


def close(a: list, b: list) -> bool:
    """Equal statements; scores may differ by float noise from batch padding."""
    key = lambda s: {k: v for k, v in s.to_dict().items() if k not in ("score", "scores", "stance", "relation_score")}  # noqa: E731
    return [key(x) for x in a] == [key(y) for y in b] and all(
        abs(x.scores[k] - y.scores[k]) < 1e-4 and abs(x.relation_score - y.relation_score) < 1e-4 for x, y in zip(a, b) for k in x.scores
    )


def test_statement_invariants_and_determinism(tiny_classifier):
    produced = []

    @SETTINGS
    @given(articles)
    def check(text):
        statements = tiny_classifier.classify(text)
        check_statements(text, statements)
        assert tiny_classifier.classify(text) == statements  # same input, same output
        produced.append(len(statements))

    check()
    assert sum(1 for n in produced if n) >= 5, f"too few examples gave statements: {produced}"


def test_batch_equals_one_by_one(tiny_classifier):
    @settings(SETTINGS, max_examples=30)
    @given(st.lists(articles, min_size=1, max_size=3), st.integers(min_value=1, max_value=8))
    def check(texts, batch_size):
        batched = tiny_classifier.classify(texts, batch_size=batch_size)
        assert len(batched) == len(texts)
        for text, statements in zip(texts, batched):
            check_statements(text, statements)
            assert close(statements, tiny_classifier.classify(text))

    check()


@settings(max_examples=300, deadline=None)
@given(st.one_of(articles, st.text(max_size=3000), st.text(alphabet=" x.\n\"", max_size=3000)))
def test_segmentation_invariants(text):
    sentences = segment(text).sentences
    previous_end = 0
    for start, end in sentences:
        assert previous_end <= start < end <= len(text)
        assert end - start <= MAX_SENTENCE_CHARS
        assert text[start:end] == text[start:end].strip()
        previous_end = end
