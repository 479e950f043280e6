"""scikit-learn's estimator protocol without importing scikit-learn.

Importing scikit-learn costs about a second and 150 MB before the first
prediction; a loaded zonenlp model predicts with numpy alone. So zonenlp's
estimators do not inherit from ``sklearn.base.BaseEstimator``: they implement
the protocol scikit-learn's tools rely on — ``get_params`` / ``set_params``
read from the constructor's signature, and ``__sklearn_tags__`` — which is all
that ``clone``, ``Pipeline`` and ``GridSearchCV`` call. scikit-learn itself is
imported only when a model is trained.
"""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["Estimator"]


class Estimator:
    """Base of zonenlp's estimators: parameters are the constructor's arguments, stored as given."""

    @classmethod
    def _get_param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(
            p.name for p in signature.parameters.values() if p.name != "self" and p.kind != p.VAR_KEYWORD
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters; with ``deep``, also those of nested estimators as ``name__param``."""
        out: dict[str, Any] = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{key}", item) for key, item in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params: Any) -> Any:
        """Set parameters (``name`` or nested ``name__param``); returns self."""
        valid = self.get_params(deep=True)
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, delimiter, sub_key = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"invalid parameter {name!r} for {type(self).__name__}; valid parameters: {self._get_param_names()}"
                )
            if delimiter:
                nested.setdefault(name, {})[sub_key] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def __repr__(self) -> str:
        # like scikit-learn: only the parameters that differ from their defaults
        signature = inspect.signature(type(self).__init__)
        changed = []
        for name in self._get_param_names():
            default = signature.parameters[name].default
            value = getattr(self, name)
            if value is not default and value != default:
                changed.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self) -> Any:
        """What scikit-learn's defaults say of an estimator (as ``BaseEstimator``'s);
        each estimator then states what it is and what it takes."""
        # only scikit-learn calls this, so scikit-learn is already imported
        from sklearn.utils import InputTags, Tags, TargetTags

        return Tags(estimator_type=None, target_tags=TargetTags(required=False), input_tags=InputTags())
