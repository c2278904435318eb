"""`StoredSGDClassifier.decision_function` (components/model_files.py): the same scores as scikit-learn's,
bit for bit, without converting the whole single-precision coefficient matrix on every message."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import SGDClassifier

from components.model_files import StoredSGDClassifier

FEATURES = 5000


def classifiers(classes: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    coef = np.asfortranarray(rng.normal(size=(1 if classes == 2 else classes, FEATURES)).astype(np.float32))
    intercept = rng.normal(size=coef.shape[0]).astype(np.float32)
    made = []
    for cls in (SGDClassifier, StoredSGDClassifier):
        classifier = cls(loss="log_loss")
        classifier.classes_ = np.array([f"c{i}" for i in range(classes)])
        classifier.coef_, classifier.intercept_ = coef, intercept
        classifier.n_features_in_, classifier.t_ = FEATURES, 1.0
        made.append(classifier)
    return made


def rows(count: int, seed: int = 1) -> sp.csr_matrix:
    """TF-IDF-like rows as the pipeline makes them: double precision, unsorted columns, one empty row."""
    rng = np.random.default_rng(seed)
    matrix = sp.vstack([sp.random(count - 1, FEATURES, density=0.02, dtype=np.float64, random_state=seed),
                        sp.csr_matrix((1, FEATURES))], format="csr")
    for row in range(count):  # the vectoriser's column order is not sorted
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        order = rng.permutation(end - start)
        matrix.indices[start:end] = matrix.indices[start:end][order]
        matrix.data[start:end] = matrix.data[start:end][order]
    matrix.has_sorted_indices = False
    return matrix


@pytest.mark.parametrize("classes", [2, 3, 64])
def test_same_scores_and_probabilities_bit_for_bit(classes):
    original, stored = classifiers(classes)
    X = rows(7)
    assert np.array_equal(stored.decision_function(X), original.decision_function(X))
    assert np.array_equal(stored.predict_proba(X), original.predict_proba(X))
    assert np.array_equal(stored.decision_function(X[0]), original.decision_function(X[0]))
    dense = X.toarray()  # anything else: scikit-learn's own path
    assert np.array_equal(stored.decision_function(dense), original.decision_function(dense))


def test_only_the_rows_features_are_converted(monkeypatch):
    """scipy's csr_matvecs gets the dense operand converted to double: nnz x classes numbers, not
    features x classes (which it was without the change: ~6.6 million per message with the real model)."""
    import scipy.sparse._compressed as compressed

    sizes = []
    real = compressed._sparsetools

    class Recording:
        def __getattr__(self, name):
            function = getattr(real, name)
            if name != "csr_matvecs":
                return function

            def recorded(*args):
                sizes.append(np.asarray(args[6]).size)
                return function(*args)
            return recorded

    monkeypatch.setattr(compressed, "_sparsetools", Recording())
    _, stored = classifiers(64)
    X = rows(2)[0]
    stored.predict_proba(X)
    assert sizes and max(sizes) <= X.nnz * 64 < FEATURES * 64
