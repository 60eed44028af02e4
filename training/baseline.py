"""TF-IDF + logistic regression over the same candidate-pair inputs as the model (scikit-learn)."""

from __future__ import annotations

from typing import Any

import numpy as np

from training.data import row_to_input


def pair_texts(dataset: Any) -> tuple[list[str], list[int], list[str], list[int]]:
    """One marked text per candidate pair: ``<s> … </s>`` and ``<c> … </c>`` around the mentions,
    context actors named after the sentence. Returns texts, labels, article ids, relation sources."""
    texts, labels, articles, sources = [], [], [], []
    for row in dataset:
        item = row_to_input(row)
        sentence_text = row["text"][item.start : item.end]
        for p, (i, j) in enumerate(item.pairs):
            marks = []
            for candidate, tag in ((item.candidates[i], "s"), (item.candidates[j], "c")):
                if candidate.span is not None:
                    marks.append((candidate.span[0] - item.start, f" <{tag}> "))
                    marks.append((candidate.span[1] - item.start, f" </{tag}> "))
            marked = sentence_text
            for position, token in sorted(marks, reverse=True):
                marked = marked[:position] + token + marked[position:]
            context = " ".join(f"<{tag}> {c.canonical} </{tag}>" for c, tag in ((item.candidates[i], "s"), (item.candidates[j], "c")) if c.span is None)
            texts.append(f"{marked} {context}".strip())
            labels.append(item.labels[p] if item.labels else 0)
            articles.append(row["article"])
            sources.append(item.sources[p] if item.sources else -1)
    return texts, labels, articles, sources


class TfidfBaseline:
    """``fit`` on marked pair texts, ``log_proba`` gives (n, classes) log-probabilities."""

    def __init__(self, seed: int = 13) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self.pipeline = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r"</?[sc]>|\b\w+\b"),
            LogisticRegression(max_iter=2000, C=4.0, class_weight="balanced", random_state=seed),
        )

    def fit(self, texts: list[str], labels: list[int]) -> TfidfBaseline:
        keep = [i for i, label in enumerate(labels) if label >= 0]
        self.pipeline.fit([texts[i] for i in keep], [labels[i] for i in keep])
        return self

    def log_proba(self, texts: list[str], n_classes: int) -> np.ndarray:
        """Log-probabilities over classes ``0..n_classes-1`` (classes never seen get -inf)."""
        out = np.full((len(texts), n_classes), -np.inf)
        if texts:
            probs = self.pipeline.predict_proba(texts)
            for column, cls in enumerate(self.pipeline.classes_):
                out[:, int(cls)] = np.log(np.clip(probs[:, column], 1e-12, 1.0))
        return out
