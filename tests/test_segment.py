import pytest

from stance.segment import segment


def sentences(text):
    return [text[s:e] for s, e in segment(text).sentences]


def test_abbreviations_do_not_split():
    text = "Gen. Mark Odu met U.S. and U.N. envoys on Jan. 5 in St. Louis. The talks ended."
    assert sentences(text) == ["Gen. Mark Odu met U.S. and U.N. envoys on Jan. 5 in St. Louis.", "The talks ended."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"We will act." He left.', ['"We will act."', "He left."]),
        ("“We will act,” he said. “Now.”", ["“We will act,” he said.", "“Now.”"]),
        ("“Ties are strong.\" Li said so.", ["“Ties are strong.\"", "Li said so."]),
        ("Is it over? No! Yes.", ["Is it over?", "No!", "Yes."]),
        ("Wait... then go. Done.", ["Wait... then go.", "Done."]),
        ("J. K. Obi spoke. Then Ana did.", ["J. K. Obi spoke.", "Then Ana did."]),
    ],
)
def test_quotes_and_punctuation(text, expected):
    assert sentences(text) == expected


def test_date_prefix_is_read_not_a_sentence():
    text = " date 2023-04-17 Russia spoke. China listened."
    result = segment(text)
    assert result.date == "2023-04-17"
    assert sentences(text) == ["Russia spoke.", "China listened."]


def test_paragraph_breaks_split_and_offsets_are_exact():
    text = "Headline without stop\n\nFirst one. Second\none.\n\n  Third.  "
    result = segment(text)
    assert sentences(text) == ["Headline without stop", "First one.", "Second\none.", "Third."]
    for start, end in result.sentences:
        assert text[start:end] == text[start:end].strip()


def test_no_punctuation_and_empty():
    assert sentences("no punctuation at all") == ["no punctuation at all"]
    assert segment("").sentences == ()
    assert segment("   \n\n ").sentences == ()


def test_seed_article(tmp_path):
    from tests.conftest import ROOT

    text = (ROOT / "seeds" / "putin-li-2023-04-17.txt").read_text(encoding="utf-8")
    result = segment(text)
    assert result.date == "2023-04-17"
    assert len(result.sentences) == 19
    assert text[slice(*result.sentences[0])].startswith("Russian President Vladimir Putin")
