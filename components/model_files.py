"""The linear classifier's files in the model archive: arrays as `.npz` and the rest as JSON, no pickle.

A pickle runs code when it is loaded, so anyone who could put a model in front of Rasa could run code as
its user (the class of hole Rasa 3.6.21 closed for its own components, CVE-2024-49375). The fitted
pipeline is therefore stored as what it is made of:

- `linear.json`: format version, the vectorisers' parameters (n-gram ranges, analyzer, sublinear tf, ...),
  their vocabularies (terms in column order), the classifier's loss and class labels;
- `linear.npz`: the two IDF vectors, the classifier's coefficients and intercepts, read with
  `allow_pickle=False` (an object array in the file is refused instead of unpickled).

`load_pipeline` rebuilds the same scikit-learn objects; stored in single precision (`STORED`), they give the
trained model's ranking with probabilities within 1e-5 of it (tests/components/test_linear.py).

The classifier is `StoredSGDClassifier`, scikit-learn's with one change to `decision_function` (issue 19,
docs/measurements/latency.md, fifth round): the TF-IDF rows come out in double precision (scikit-learn's
IDF step), the coefficients are single precision, and scipy multiplies a double sparse row with a single
dense matrix by first converting the whole matrix (answers x features, ~6.6 million numbers) to double: a
fifth of the Rasa server's CPU per message. `decision_function` converts only the columns of the features
the message has, and multiplies them with the same sparse routine in the same order, so the scores are
the same numbers, bit for bit (tests/components/test_model_files.py).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

FORMAT = 1
#: the precision arrays are stored and used in: single precision halves the model's size and the memory of
#: its largest part (classes x features coefficients; docs/measurements/new-languages.md); probabilities
#: differ from the trained float64 ones by < 1e-5 (tests/components/test_linear.py)
STORED = np.float32
JSON_FILE = "linear.json"
ARRAYS_FILE = "linear.npz"
LEGACY_FILE = "model.pkl"  # what earlier versions wrote

# What rebuilds a vectoriser exactly; everything else is a default the classifier never changes.
VECTORISER_PARAMS = ("analyzer", "token_pattern", "lowercase", "sublinear_tf", "ngram_range", "norm",
                     "use_idf", "smooth_idf", "strip_accents", "binary", "dtype")


class StoredSGDClassifier(SGDClassifier):
    """`SGDClassifier` whose scores for sparse rows convert only the coefficients of the rows' features."""

    def decision_function(self, X: Any) -> np.ndarray:
        if not sp.issparse(X) or self.coef_.dtype == np.float64:
            return super().decision_function(X)
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = self._validate_data(X, accept_sparse="csr", reset=False)
        if not sp.isspmatrix_csr(X) or X.dtype != np.float64:
            return super().decision_function(X)
        # scikit-learn: X @ coef_.T, where scipy converts all of coef_.T to double before its row-by-row sum
        # (csr_matvecs: for each stored entry of a row, in order, row += value * coef_.T[column]). Here the
        # same sum over the entries' own columns only: the same products, added in the same order.
        columns = np.asarray(self.coef_.T[X.indices], dtype=np.float64)
        gathered = sp.csr_matrix((X.data, np.arange(X.nnz, dtype=X.indices.dtype), X.indptr),
                                 shape=(X.shape[0], X.nnz))
        scores = gathered @ columns + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores


def _vectoriser_description(vectoriser: TfidfVectorizer) -> Dict[str, Any]:
    params = {name: getattr(vectoriser, name) for name in VECTORISER_PARAMS}
    params["ngram_range"] = list(params["ngram_range"])
    params["dtype"] = np.dtype(STORED).name  # features in the coefficients' precision: no conversion per message
    terms: List[str] = [""] * len(vectoriser.vocabulary_)
    for term, column in vectoriser.vocabulary_.items():
        terms[int(column)] = term
    return {"params": params, "terms": terms}


def _vectoriser(description: Dict[str, Any], idf: np.ndarray) -> TfidfVectorizer:
    params = dict(description["params"])
    params["ngram_range"] = tuple(params["ngram_range"])
    params["dtype"] = np.dtype(params["dtype"]).type
    terms = description["terms"]
    vectoriser = TfidfVectorizer(vocabulary={term: column for column, term in enumerate(terms)}, **params)
    vectoriser.idf_ = idf  # also sets vocabulary_ from the fixed vocabulary
    return vectoriser


def save_pipeline(model: Pipeline, directory: Path) -> None:
    """Writes `linear.json` and `linear.npz` for a fitted pipeline built by `components.linear`."""
    features: FeatureUnion = model.named_steps["features"]
    classifier: SGDClassifier = model.named_steps["clf"]
    description = {"format": FORMAT, "loss": classifier.loss,
                   "classes": [str(c) for c in classifier.classes_], "features": []}
    arrays = {"coef": classifier.coef_.astype(STORED), "intercept": classifier.intercept_.astype(STORED)}
    for name, step in features.transformer_list:
        vectoriser: TfidfVectorizer = step.named_steps["tfidf"]
        description["features"].append({"name": name, **_vectoriser_description(vectoriser)})
        arrays[f"idf_{name}"] = vectoriser.idf_.astype(STORED)
    (directory / JSON_FILE).write_text(json.dumps(description, ensure_ascii=False), encoding="utf-8")
    with open(directory / ARRAYS_FILE, "wb") as handle:
        np.savez(handle, **arrays)


def load_pipeline(directory: Path, selectors: Dict[str, Callable]) -> Pipeline:
    """The pipeline saved by `save_pipeline`; `selectors` maps each feature's name to its input column.

    Raises FileNotFoundError when nothing was saved (an untrained component), ValueError on a file of
    another format or one that holds Python objects.
    """
    if (directory / LEGACY_FILE).exists():
        raise RuntimeError(f"{directory}: a model trained before the classifier stopped using pickle; "
                           "it is not loaded (it could run code) - retrain with `make train`")
    description = json.loads((directory / JSON_FILE).read_text(encoding="utf-8"))
    if description.get("format") != FORMAT:
        raise ValueError(f"linear classifier files of format {description.get('format')}, expected {FORMAT}")
    with np.load(directory / ARRAYS_FILE, allow_pickle=False) as stored:
        arrays = {key: stored[key] for key in stored.files}
    union = FeatureUnion([
        (feature["name"], Pipeline([
            ("select", FunctionTransformer(selectors[feature["name"]])),
            ("tfidf", _vectoriser(feature, arrays[f"idf_{feature['name']}"])),
        ]))
        for feature in description["features"]
    ])
    classifier = StoredSGDClassifier(loss=description["loss"])
    classifier.classes_ = np.array(description["classes"])
    # Column-major, so that the (features x classes) transpose scikit-learn multiplies a message's sparse
    # row with is row-major: scipy copies a non-contiguous dense operand on every product, which was ~80 %
    # of a parse (the whole coefficient matrix per message; docs/measurements/latency.md).
    classifier.coef_ = np.asfortranarray(arrays["coef"])
    classifier.intercept_ = arrays["intercept"]
    classifier.n_features_in_ = arrays["coef"].shape[1]
    classifier.t_ = 1.0
    rows = 1 if len(classifier.classes_) == 2 else len(classifier.classes_)  # binary: one row
    if arrays["coef"].shape != (rows, sum(len(f["terms"]) for f in description["features"])):
        raise ValueError("linear classifier files: coefficients do not match the classes and vocabularies")
    return Pipeline([("features", union), ("clf", classifier)])
