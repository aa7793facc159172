"""``supervised_boundaries``: a classifier over step transitions, trained on labelled recordings.

Every step is a candidate boundary ("a new task instance starts here"). Its
features describe the transition from the previous step of the session:

* time: pause before the step (log seconds, and relative to the session's
  median pause), position in the session;
* context changes: application, element, role, window, URL, action;
* labels: the (previous label, label) pair, the label and the previous label,
  target-encoded from the training data (cross-fitted, so the classifier
  does not learn from leaked rates); the transition frequency
  P(label | previous label) in the data at hand;
* data flow: whether the step pastes data copied earlier (and how many steps
  back), how many steps back the same value hash and the same window title
  were last seen.

``fit(steps, y)`` takes the true case id of each step (``y``), labels a step
as a boundary when its case differs from the previous step's (or it opens a
session), and trains a scikit-learn classifier (default
``HistGradientBoostingClassifier``). ``predict`` cuts where the boundary
probability reaches ``threshold``. Cases are contiguous runs of steps:
interleaved instances are cut where they switch, not regrouped.

Examples
--------
>>> import numpy as np, pandas as pd
>>> labels = ["Open", "Type", "Type", "Submit"] * 30
>>> steps = pd.DataFrame({"session": "s", "step": labels,
...                       "start": pd.date_range("2026-01-05", periods=120, freq="10s", tz="UTC")})
>>> y = np.repeat(np.arange(30), 4)
>>> seg = SupervisedBoundarySegmenter(random_state=0).fit(steps, y)
>>> seg.predict(steps)["case_id"].nunique()
30
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import KFold
from sklearn.preprocessing import TargetEncoder

from taskmining.errors import ParameterError, SegmentationError
from taskmining.schema import (
    ACTION,
    APP,
    ELEMENT_NAME,
    ELEMENT_ROLE,
    SESSION,
    STEP,
    URL,
    WINDOW,
)
from taskmining.segmentation.base import START, BaseSegmenter, cases_from_boundaries

__all__ = ["SupervisedBoundarySegmenter", "transition_features", "boundary_labels"]

_SEP = "\x1f"
_FAR = 1000.0
#: below this many steps, one OpenMP thread is faster than several (and robust on busy machines)
_SMALL = 50_000


def _threads(n: int) -> Any:
    """Limit OpenMP to one thread for small inputs (thread start-up dominates there)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1 if n < _SMALL else None, user_api="openmp")


def _codes(steps: pd.DataFrame, col: str) -> np.ndarray:
    if col not in steps.columns:
        return np.zeros(len(steps), dtype=np.int64)
    return pd.factorize(steps[col].astype(object))[0].astype(np.int64)


def _steps_since_same(session: np.ndarray, values: pd.Series) -> np.ndarray:
    """Steps back to the previous step of the session with the same (non-missing) value."""
    n = len(values)
    out = np.full(n, _FAR)
    ok = values.notna().to_numpy()
    if not ok.any():
        return out
    pos = pd.Series(np.arange(n))
    frame = pd.DataFrame({"s": session[ok], "v": values[ok].astype(object).to_numpy(), "p": pos[ok].to_numpy()})
    prev = frame.groupby(["s", "v"], sort=False, observed=True)["p"].shift(1)
    dist = frame["p"] - prev
    out[frame["p"].to_numpy()[dist.notna().to_numpy()]] = dist.dropna().to_numpy()
    return out


def boundary_labels(session: pd.Series, y: pd.Series) -> np.ndarray:
    """1 where a step's true case differs from the previous step's, or a session opens.

    Examples
    --------
    >>> import pandas as pd
    >>> boundary_labels(pd.Series(["s", "s", "s", "t"]), pd.Series(["a", "a", "b", "b"])).tolist()
    [1, 0, 1, 1]
    """
    sess = pd.factorize(np.asarray(session, dtype=object))[0]
    lab = pd.factorize(pd.Series(np.asarray(y, dtype=object)).fillna("\x00none"))[0]
    out = np.ones(len(sess), dtype=np.int64)
    if len(sess) > 1:
        out[1:] = ((sess[1:] != sess[:-1]) | (lab[1:] != lab[:-1])).astype(np.int64)
    return out


def transition_features(steps: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Numeric features and label keys of each step's incoming transition.

    Parameters
    ----------
    steps : pandas.DataFrame
        Steps table sorted by (session, start).

    Returns
    -------
    (numeric, keys) : tuple of DataFrames
        ``numeric``: float features; ``keys``: the categorical label keys
        ``pair``, ``label``, ``prev_label``, ``actions`` (for target encoding).

    Examples
    --------
    >>> import pandas as pd
    >>> steps = pd.DataFrame({"session": ["s", "s"], "step": ["A", "B"],
    ...                       "start": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01"], utc=True)})
    >>> num, keys = transition_features(steps)
    >>> round(float(num["log_gap"].iloc[1]), 3), keys["pair"].iloc[1].replace("\\x1f", ">")
    (4.111, 'A>B')
    """
    n = len(steps)
    sess = pd.factorize(steps[SESSION].astype(object))[0]
    first = np.r_[True, sess[1:] != sess[:-1]] if n else np.zeros(0, dtype=bool)
    start = steps[START].to_numpy(dtype="datetime64[ns]").view(np.int64)
    end = steps["end"].to_numpy(dtype="datetime64[ns]").view(np.int64) if "end" in steps.columns else start
    gap = np.zeros(n)
    if n > 1:
        gap[1:] = np.clip(start[1:] - np.maximum(end[:-1], start[:-1]), 0, None) / 1e9
    gap[first] = 0.0
    gaps = pd.Series(np.where(first, np.nan, gap))
    median = gaps.groupby(sess, observed=True).transform("median").fillna(1.0).to_numpy()
    label = steps[STEP].astype(object).fillna("").astype(str)
    prev_label = label.shift(1).where(~pd.Series(first), "<start>").fillna("<start>")
    num: dict[str, Any] = {
        "log_gap": np.log1p(gap),
        "rel_gap": np.log1p(gap / (median + 1e-3)),
        "first": first.astype(float),
        "position": np.log1p(np.arange(n) - np.maximum.accumulate(np.where(first, np.arange(n), 0))),
    }
    for col in (APP, ELEMENT_NAME, ELEMENT_ROLE, WINDOW, URL, ACTION, STEP):
        codes = _codes(steps, col)
        change = np.ones(n)
        if n > 1:
            change[1:] = (codes[1:] != codes[:-1]).astype(float)
        num[f"change_{col}"] = np.where(first, 1.0, change)
    pair = (prev_label + _SEP + label).to_numpy(dtype=object)
    counts = pd.Series(pair).map(pd.Series(pair).value_counts()).to_numpy(dtype=float)
    prev_counts = prev_label.map(prev_label.value_counts()).to_numpy(dtype=float)
    num["p_next"] = counts / prev_counts
    num["log_label_freq"] = np.log(label.map(label.value_counts()).to_numpy(dtype=float) / max(n, 1))
    if "transfer_from" in steps.columns and "step_id" in steps.columns:
        src = pd.Index(steps["step_id"].to_numpy()).get_indexer(steps["transfer_from"].fillna(-1).astype(np.int64))
        has = src >= 0
        num["pastes_copy"] = has.astype(float)
        num["steps_since_copy"] = np.where(has, np.log1p(np.clip(np.arange(n) - src, 0, None)), np.log1p(_FAR))
    else:
        num["pastes_copy"] = np.zeros(n)
        num["steps_since_copy"] = np.full(n, np.log1p(_FAR))
    for col in ("value_hash", WINDOW):
        values = steps[col] if col in steps.columns else pd.Series(np.full(n, np.nan))
        num[f"since_same_{col}"] = np.log1p(_steps_since_same(sess, values.reset_index(drop=True)))
    action = steps[ACTION].astype(object).fillna("").astype(str) if ACTION in steps.columns else \
        pd.Series([""] * n)
    keys = pd.DataFrame({
        "pair": pair, "label": label.to_numpy(dtype=object), "prev_label": prev_label.to_numpy(dtype=object),
        "actions": (action.shift(1).fillna("<start>") + _SEP + action).to_numpy(dtype=object),
    })
    return pd.DataFrame(num), keys


class SupervisedBoundarySegmenter(BaseSegmenter):
    """Boundary classifier over step transitions, trained on recordings with true cases.

    Parameters
    ----------
    classifier : sklearn classifier, optional
        Any estimator with ``predict_proba``; default
        ``HistGradientBoostingClassifier(max_iter=200, random_state=random_state)``.
        Cloned on fit.
    threshold : float, default 0.5
        Boundary probability at which a new case starts.
    random_state : int, default 0
        Seed of the default classifier and of the cross-fitted target encoding.
    """

    requires_labels = True

    def __init__(self, classifier: Any = None, threshold: float = 0.5, random_state: int | None = 0) -> None:
        self.classifier = classifier
        self.threshold = threshold
        self.random_state = random_state

    def _check_threshold(self) -> float:
        try:
            t = float(self.threshold)
        except (TypeError, ValueError):
            raise ParameterError(f"threshold={self.threshold!r} must be a number between 0 and 1") from None
        if not 0.0 <= t <= 1.0:
            raise ParameterError(f"threshold={self.threshold!r} must be between 0 and 1")
        return t

    def _fit(self, steps: pd.DataFrame, y: pd.Series | None) -> None:
        self._check_threshold()
        if len(steps) == 0:
            raise SegmentationError("supervised_boundaries cannot learn from an empty steps table")
        target = boundary_labels(steps[SESSION], y)
        num, keys = transition_features(steps)
        self.classes_ = np.unique(target)
        self.n_features_in_ = num.shape[1] + keys.shape[1]
        if len(self.classes_) < 2:  # nothing to learn: every step is (or none is) a boundary
            self.encoder_: Any = None
            self.classifier_: Any = None
            self.constant_: float | None = float(self.classes_[0])
            return
        self.constant_ = None
        folds = KFold(n_splits=min(5, len(target)), shuffle=True, random_state=self.random_state)
        encoder = TargetEncoder(target_type="binary", cv=folds)
        encoded = encoder.fit_transform(keys.to_numpy(dtype=object), target)
        self.encoder_ = encoder
        clf = self.classifier
        if clf is None:
            clf = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, random_state=self.random_state)
        elif not hasattr(clf, "predict_proba"):
            raise ParameterError(f"classifier={clf!r} has no predict_proba")
        with _threads(len(steps)):
            self.classifier_ = clone(clf).fit(np.hstack([num.to_numpy(dtype=float), encoded]), target)

    def boundary_probability(self, steps: pd.DataFrame) -> np.ndarray:
        """Probability that each step (sorted steps table) starts a task instance.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> steps = pd.DataFrame({"session": "s", "step": ["A", "B", "C"] * 40,
        ...                       "start": pd.date_range("2026-01-05", periods=120, freq="s", tz="UTC")})
        >>> seg = SupervisedBoundarySegmenter().fit(steps, np.repeat(np.arange(40), 3))
        >>> seg.boundary_probability(seg._check_steps(steps)[0])[:3].round(1).tolist()
        [1.0, 0.0, 0.0]
        """
        if self.constant_ is not None:
            return np.full(len(steps), self.constant_)
        num, keys = transition_features(steps)
        encoded = self.encoder_.transform(keys.to_numpy(dtype=object))
        with _threads(len(steps)):
            proba = self.classifier_.predict_proba(np.hstack([num.to_numpy(dtype=float), encoded]))
        return proba[:, list(self.classifier_.classes_).index(1)]

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        threshold = self._check_threshold()
        cut = self.boundary_probability(steps) >= threshold
        return pd.DataFrame({"case_id": cases_from_boundaries(steps[SESSION], cut)})
