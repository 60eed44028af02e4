"""The encoder's number format (stance.precision) and the classifier's split of encoder and head batches."""

import io

import pytest
import torch

from stance.classifier import Classifier
from stance.cli import main
from stance.encoding import encode
from stance.precision import resolve_precision

ARTICLE = (
    "PARIS, May 2 - France accused Germany of blocking a deal on farm subsidies. Berlin rejected the charge. "
    "Spain and Italy backed France, while Poland urged both sides to resume talks. "
    "Chinese Foreign Minister Wang Li said Beijing was watching the dispute closely."
)


@pytest.mark.parametrize(
    ("precision", "device", "error", "match"),
    [
        ("half", "cpu", ValueError, "unknown precision 'half'; use one of auto, float32, bfloat16, float16"),
        ("float16", "cpu", ValueError, "precision 'float16' needs a CUDA device; on CPU use 'bfloat16'"),
        (16, "cpu", TypeError, "precision must be a str"),
    ],
)
def test_bad_precision_is_refused(precision, device, error, match):
    with pytest.raises(error, match=match):
        resolve_precision(precision, device)


def test_auto_precision_is_float32_on_cpu_and_float16_on_cuda():
    assert resolve_precision("auto", "cpu") == "float32"
    assert resolve_precision("auto", "cuda:0") == "float16"


def test_bad_precision_fails_before_the_model_loads(tmp_path):
    with pytest.raises(ValueError, match="needs a CUDA device"):
        Classifier.from_pretrained(tmp_path / "no-such-model", device="cpu", precision="float16")


def test_cli_reports_a_bad_precision(tiny_model, capsys):
    code = main(["classify", "-", "--model", str(tiny_model), "--device", "cpu", "--precision", "float16"], stdin=io.StringIO(ARTICLE), stdout=io.StringIO())
    assert code == 2
    assert "precision 'float16' needs a CUDA device" in capsys.readouterr().err


def _probabilities(classifier, text):
    work = [(0, item) for item in classifier._prepare(text, None, None) if item.pairs]
    return work, classifier._predict_group(work, [text], batch_size=32, bar=_NoBar())


class _NoBar:
    def update(self, n):
        pass


def test_encoder_batches_and_head_runs_give_each_sentence_its_own_result(tiny_classifier, monkeypatch):
    import stance.classifier as module

    monkeypatch.setattr(module, "PAIR_TOKEN_BUDGET", 1)  # every sentence its own head run inside one encoder batch
    work, batched = _probabilities(tiny_classifier, ARTICLE)
    assert len(work) >= 3
    model = tiny_classifier.model
    for (_, item), result in zip(work, batched):
        alone = encode(tiny_classifier.tokenizer, [ARTICLE], [item], model.config.max_length, previous_chars=model.config.previous_chars)
        with torch.inference_mode():
            relation, _ = model(**{k: v for k, v in alone.items() if isinstance(v, torch.Tensor)})
        expected = torch.softmax(relation / model.config.temperature, dim=-1)
        got = torch.tensor([result[p][0] for _, p in alone["pair_index"]])
        assert torch.allclose(got, expected, atol=1e-5)


def test_bfloat16_on_cpu_stays_close_to_float32(tiny_model):
    full = Classifier.from_pretrained(tiny_model, device="cpu", precision="float32")
    half = Classifier.from_pretrained(tiny_model, device="cpu", precision="bfloat16")
    assert half.precision == "bfloat16"
    _, a = _probabilities(full, ARTICLE)
    _, b = _probabilities(half, ARTICLE)
    for x, y in zip(a, b):
        for pair_a, pair_b in zip(x, y):
            assert max(abs(p - q) for p, q in zip(pair_a[0], pair_b[0])) < 0.05
