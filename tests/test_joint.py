"""Joint speakers share the more confident reading of a pair toward the same counterparty."""

from stance.encoding import Candidate, SentenceInput
from stance.joint import joint_groups, share_joint_readings

TEXT = "Russia and China oppose Washington, while Canadian and U.S. jets flew."


def _item() -> SentenceInput:
    def span(word: str) -> tuple[int, int]:
        return (TEXT.index(word), TEXT.index(word) + len(word))

    candidates = [
        Candidate("Russia", "RUS", span("Russia")),
        Candidate("China", "CHN", span("China")),
        Candidate("United States", "USA", span("Washington")),
        Candidate("Canada", "CAN", span("Canadian")),
        Candidate("United States", "USA", span("U.S.")),
    ]
    return SentenceInput(0, len(TEXT), candidates, [(0, 2), (1, 2), (3, 2), (0, 1)])


def test_only_states_named_by_name_and_joined_by_and_form_a_group():
    group = joint_groups(TEXT, _item())
    assert group[0] == group[1]  # Russia and China
    assert len({group[2], group[3], group[4], group[0]}) == 4  # "Canadian and U.S." are adjectives


def test_each_joint_speaker_takes_the_more_confident_reading():
    none = 0
    weak, strong, other = ([0.8, 0.0, 0.2, 0.0], [0.0]), ([0.1, 0.0, 0.9, 0.0], [0.0]), ([0.9, 0.1, 0.0, 0.0], [0.0])
    shared = share_joint_readings(TEXT, _item(), [weak, strong, other, other], none)
    assert shared[0] is strong and shared[1] is strong  # Russia -> US takes China -> US
    assert shared[2] is other  # Canada is in no group
    assert shared[3] is other  # Russia -> China: a joint subject never shares toward its own group


def test_no_group_leaves_the_result_as_it_was():
    item = _item()
    item.candidates, item.pairs = item.candidates[2:4], [(1, 0)]  # Washington and "Canadian" only
    result = [([0.9, 0.1, 0.0, 0.0], [0.0])]
    assert share_joint_readings(TEXT, item, result, 0) is result


def test_a_list_of_states_is_one_group():
    text = "Spain, Portugal and Chile urged Britain to talk."
    names = ["Spain", "Portugal", "Chile", "Britain"]
    candidates = [Candidate(n, None, (text.index(n), text.index(n) + len(n))) for n in names]
    group = joint_groups(text, SentenceInput(0, len(text), candidates, []))
    assert group[0] == group[1] == group[2] != group[3]
