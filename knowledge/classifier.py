"""A linear classifier learned from the topics' example questions (and out-of-scope ones).

Every topic is a class, trained on its title, examples (including those staff add through
/unanswered), keywords and synonyms; every group of ``_out_of_scope.toml`` is a class too,
trained on ordinary government and personal questions the report does not cover, so "医保怎么交"
is recognised as outside what the bot knows rather than merely unmatched. Features are sparse
(``knowledge.features``), TF-IDF weighted and L2-normalised; the model is multinomial logistic
regression with L2 regularisation, fitted by full-batch gradient descent (Adam) in numpy on a
fixed number of steps from zero weights, so the same data gives the same weights in every
process. Prediction is a sparse dot product: a gather of a few dozen weight rows and a softmax.

Training takes about a second on the shipped base; ``Classifier.fit`` is memoised per training
data in the process (tests build many searchers over the same base) and, given a directory,
on disk (a cold ``python -m bot ask`` loads instead of training). No ``telegram``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from knowledge.features import Featurizer, typed_pinyin
from knowledge.model import KnowledgeBase

OOS_PREFIX = "oos:"
# Bump when the training or the file layout changes: old cache files are then not used.
FORMAT = 1
_SOUND = frozenset("pwq")  # feature prefixes: pinyin, latin words, question cues
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Fitted = tuple[tuple[str, ...], dict[str, int], FloatArray, FloatArray, FloatArray]


@dataclass(frozen=True, slots=True)
class Sample:
    """One training text, its class and its weight."""

    text: str
    label: str
    weight: float = 1.0


def training_samples(
    kb: KnowledgeBase, keyword_weight: float = 0.5, out_of_scope_weight: float = 1.0
) -> list[Sample]:
    """Every topic's title, examples, synonyms and keywords, and the out-of-scope examples."""
    samples: list[Sample] = []
    for topic in kb.topics:
        samples.append(Sample(topic.title, topic.id))
        samples.extend(Sample(e, topic.id) for e in topic.examples)
        samples.extend(Sample(s, topic.id, keyword_weight) for s in topic.synonyms)
        samples.extend(Sample(k, topic.id, keyword_weight) for k in topic.keywords)
    for group in kb.out_of_scope:
        samples.extend(
            Sample(e, OOS_PREFIX + group.id, out_of_scope_weight) for e in group.examples
        )
    return samples


@dataclass(frozen=True, slots=True)
class Hyper:
    """Training settings (chosen on the dev sets, see README)."""

    l2: float = 1e-5
    steps: int = 100
    rate: float = 0.3
    # Each sample is also trained as its sound alone (pinyin, latin words, cues), so weight
    # lands on the pinyin features too: a question typed with the wrong characters of the
    # right sound has only those in common with the examples.
    sound_copy: float = 0.3
    # The weight of each out-of-scope example against a topic's example (1.0).
    out_of_scope: float = 1.0
    # Each sample with Chinese is also trained as if typed in latin pinyin (the syllables
    # and neighbour pairs as words), at this weight, so typed pinyin words count for topics.
    latin_copy: float = 0.15


class Classifier:
    """Sparse TF-IDF features -> class probabilities."""

    def __init__(
        self,
        featurizer: Featurizer,
        labels: tuple[str, ...],
        vocab: dict[str, int],
        idf: FloatArray,
        weights: FloatArray,
        bias: FloatArray,
    ) -> None:
        self.featurizer = featurizer
        self.labels = labels
        self._vocab = vocab
        self._idf = idf
        self._weights = weights
        self._bias = bias

    @classmethod
    def fit(
        cls,
        featurizer: Featurizer,
        samples: Sequence[Sample],
        hyper: Hyper = Hyper(),
        cache_dir: Path | None = None,
    ) -> Classifier:
        """Learn weights from ``samples`` (deterministic: same samples, same weights).

        With ``cache_dir``, weights learned before from exactly the same features, labels and
        settings are loaded from there instead (a file per training set, written atomically),
        so a cold ``python -m bot ask`` does not retrain; any change to the topics, the staff
        examples or the feature code makes a new key.
        """
        # The key covers everything the weights depend on: the samples, the settings, and
        # the code and data that turn text into features (so editing the lexicon retrains).
        listed = [(x.text, x.label, x.weight) for x in samples]
        key = (FORMAT, hyper, featurizer.config, _code_digest(), listed)
        digest = hashlib.sha256(repr(key).encode()).hexdigest()
        path = cache_dir / f"qa-model-{digest[:32]}.npz" if cache_dir is not None else None
        fitted = _fit_cached(digest, tuple(samples), featurizer, hyper, path)
        return cls(featurizer, *fitted)

    def vector(self, features: Sequence[str]) -> tuple[IntArray, FloatArray]:
        """Indices and TF-IDF values (L2-normalised) of known ``features``."""
        idx = [self._vocab[f] for f in features if f in self._vocab]
        if not idx:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        ind = np.asarray(idx, dtype=np.int64)
        val = self._idf[ind]
        return ind, val / math.sqrt(float(val @ val))

    def scores(self, features: Sequence[str]) -> FloatArray:
        """Class probabilities for a featurised text (uniform-ish when nothing is known)."""
        ind, val = self.vector(features)
        logits = self._bias + val @ self._weights[ind]
        logits -= logits.max()
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum())

    def known(self, features: Sequence[str]) -> float:
        """The share of ``features`` seen in training (0 for gibberish)."""
        return sum(f in self._vocab for f in features) / len(features) if features else 0.0


def default_cache_dir() -> Path:
    """Where trained weights are kept: ``$CHUANGYE_CACHE_DIR``, else the user's cache folder
    (``$XDG_CACHE_HOME`` or ``~/.cache``) under ``chuangye-bot``."""
    explicit = os.environ.get("CHUANGYE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "chuangye-bot"


def _load(path: Path) -> Fitted | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            labels = tuple(str(x) for x in data["labels"])
            names = [str(x) for x in data["vocab"]]
            return labels, {n: i for i, n in enumerate(names)}, data["idf"], data["w"], data["b"]
    except (OSError, KeyError, ValueError):
        return None  # missing or damaged: train again


def _save(path: Path, fitted: Fitted) -> None:
    labels, vocab, idf, w, b = fitted
    names = sorted(vocab, key=vocab.__getitem__)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, labels=np.array(labels), vocab=np.array(names), idf=idf, w=w, b=b)
        os.replace(tmp, path)
    except OSError:
        # A read-only or full disk only costs the next start the training time.
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


@lru_cache(maxsize=1)
def _code_digest() -> str:
    import knowledge

    root = Path(knowledge.__file__).parent
    h = hashlib.sha256()
    for name in ("features.py", "normalize.py", "lexicon.py", "pinyin.py", "classifier.py"):
        h.update((root / name).read_bytes())
    spec = importlib.util.find_spec("pypinyin")
    if spec is not None and spec.submodule_search_locations:
        table = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
        h.update(str(table.stat().st_size).encode())
    return h.hexdigest()


_MEMO: dict[str, Fitted] = {}
_MEMO_SIZE = 8


def _fit_cached(
    key: str, samples: tuple[Sample, ...], featurizer: Featurizer, hyper: Hyper, path: Path | None
) -> Fitted:
    """Weights for ``key``: from this process's memo, the cache file, or trained now."""
    fitted = _MEMO.get(key)
    if fitted is None and path is not None:
        fitted = _load(path)
    if fitted is None:
        feats = [featurizer(s.text) for s in samples]
        labelled = [(s.label, s.weight) for s in samples]
        if hyper.sound_copy > 0:
            for f, (label, weight) in zip(list(feats), list(labelled), strict=True):
                sound = [x for x in f if x[0] in _SOUND]
                if sound:
                    feats.append(sound)
                    labelled.append((label, weight * hyper.sound_copy))
        if hyper.latin_copy > 0:
            for sample in samples:
                latin = typed_pinyin(sample.text)
                if latin:
                    feats.append(latin)
                    labelled.append((sample.label, sample.weight * hyper.latin_copy))
        fitted = _train(feats, labelled, hyper)
        if path is not None:
            _save(path, fitted)
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[key] = fitted
    return fitted


def _train(feats: list[list[str]], labelled: list[tuple[str, float]], hyper: Hyper) -> Fitted:
    design = _Design.build(feats, labelled)
    w, b = _adam(design, hyper)
    return design.labels, design.vocab, design.idf, w.astype(np.float64), b.astype(np.float64)


@dataclass(frozen=True, slots=True)
class _Design:
    """The training texts as a sparse TF-IDF matrix (L2-normalised rows), in the two orders
    the gradient needs, with one-hot targets and normalised sample weights (float32)."""

    labels: tuple[str, ...]
    vocab: dict[str, int]
    idf: FloatArray
    col: IntArray  # feature of each stored value, in row order
    val: npt.NDArray[np.float32]
    row_starts: IntArray  # where each row's values start
    row_sorted: IntArray  # row of each value, in feature order
    val_sorted: npt.NDArray[np.float32]
    col_starts: IntArray  # where each feature's values start, in feature order
    y: npt.NDArray[np.float32]
    sw: npt.NDArray[np.float32]

    @classmethod
    def build(cls, feats: list[list[str]], labelled: list[tuple[str, float]]) -> _Design:
        labels = tuple(dict.fromkeys(label for label, _ in labelled))
        label_index = {label: i for i, label in enumerate(labels)}
        vocab: dict[str, int] = {}
        for f in feats:
            for name in f:
                vocab.setdefault(name, len(vocab))
        n, d, c = len(feats), len(vocab), len(labels)
        df = np.zeros(d)
        for f in feats:
            for name in f:
                df[vocab[name]] += 1.0
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for r, f in enumerate(feats):
            ids = [vocab[name] for name in f]
            v = idf[ids]
            norm = math.sqrt(float(v @ v)) or 1.0
            rows.extend([r] * len(ids))
            cols.extend(ids)
            vals.extend((v / norm).tolist())
        row = np.asarray(rows, dtype=np.int64)
        col = np.asarray(cols, dtype=np.int64)
        val = np.asarray(vals)
        y = np.zeros((n, c))
        sw = np.zeros(n)
        for r, (label, weight) in enumerate(labelled):
            y[r, label_index[label]] = 1.0
            sw[r] = weight
        sw /= sw.sum()
        # X^T G via a scatter-add sorted by column once: reduceat over contiguous column runs.
        order = np.argsort(col, kind="stable")
        col_sorted = col[order]
        col_starts = np.flatnonzero(np.r_[True, col_sorted[1:] != col_sorted[:-1]])
        assert len(col_starts) == d  # every feature comes from a training text
        # float32 halves the memory traffic of the two sparse products, which are most of
        # the time; every sum still runs in one fixed order, so the weights are the same
        # each run.
        f32 = np.float32
        return cls(
            labels=labels,
            vocab=vocab,
            idf=idf,
            col=col,
            val=val.astype(f32),
            row_starts=np.flatnonzero(np.r_[True, row[1:] != row[:-1]]),
            row_sorted=row[order],
            val_sorted=val[order].astype(f32),
            col_starts=col_starts,
            y=y.astype(f32),
            sw=sw.astype(f32),
        )


def _adam(x: _Design, hyper: Hyper) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Full-batch Adam on the weighted softmax loss with L2, from zero weights."""
    f32 = np.float32
    w = np.zeros((len(x.vocab), len(x.labels)), dtype=f32)
    b = np.zeros(len(x.labels), dtype=f32)
    mw, vw, mb, vb = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, hyper.steps + 1):
        logits = np.add.reduceat(x.val[:, None] * w[x.col], x.row_starts, axis=0)
        logits += b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        p -= x.y
        p *= x.sw[:, None]
        gw = np.add.reduceat(x.val_sorted[:, None] * p[x.row_sorted], x.col_starts, axis=0)
        gw += f32(hyper.l2) * w
        gb = p.sum(axis=0)
        step_size = f32(hyper.rate / (1 - beta1**step))
        correction = f32(1 / (1 - beta2**step))
        for param, grad, mom, sq in ((w, gw, mw, vw), (b, gb, mb, vb)):
            mom *= f32(beta1)
            mom += f32(1 - beta1) * grad
            grad *= grad
            sq *= f32(beta2)
            sq += f32(1 - beta2) * grad
            update = sq * correction
            np.sqrt(update, out=update)
            update += f32(eps)
            np.divide(mom, update, out=update)
            update *= step_size
            param -= update
    return w, b
