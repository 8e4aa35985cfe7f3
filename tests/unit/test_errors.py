"""One error hierarchy: every error cio-tui raises for the operator is a UserError, classified by its class."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import cio_tui
from cio_tui.customerio import errors as e
from cio_tui.errors import EXIT_AUTH, EXIT_NETWORK, EXIT_USER, NextStep, UserError, classify


def _error_classes() -> list[type[BaseException]]:
    found: list[type[BaseException]] = []
    for info in pkgutil.walk_packages(cio_tui.__path__, "cio_tui."):
        if info.name.startswith("cio_tui.tui"):
            continue
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == info.name and issubclass(obj, Exception) and obj.__name__.endswith("Error"):
                found.append(obj)
    return found


def test_every_error_class_is_a_user_error() -> None:
    classes = _error_classes()
    assert len(classes) > 20
    strays = [f"{c.__module__}.{c.__name__}" for c in classes if not issubclass(c, UserError)]
    assert strays == []


@pytest.mark.parametrize(
    ("exc", "code", "step"),
    [
        (e.AuthError("bad key", status=401), EXIT_AUTH, NextStep.FIX_KEYS),
        (e.PermissionDeniedError("scope", status=403), EXIT_AUTH, NextStep.WIDEN_KEY),
        (e.RegionError("eu", status=301), EXIT_NETWORK, NextStep.FIX_REGION),
        (e.RateLimitedError("slow down", status=429), EXIT_NETWORK, NextStep.WAIT),
        (e.ServerError("oops", status=502), EXIT_NETWORK, NextStep.RETRY_LATER),
        (e.UncertainWriteError("timeout"), EXIT_NETWORK, NextStep.RECONCILE),
        (e.NotFoundError("nobody"), EXIT_USER, NextStep.FIX_VALUE),
        (FileNotFoundError("x.csv"), EXIT_USER, NextStep.FIX_VALUE),
        (UserError("not applied", 7), 7, NextStep.FIX_VALUE),
    ],
)
def test_classify(exc: BaseException, code: int, step: NextStep) -> None:
    assert classify(exc) == (code, step)


def test_a_bug_is_not_classified() -> None:
    assert classify(RuntimeError("bug")) is None
    assert classify(KeyError("x")) is None


def test_the_tui_words_every_next_step() -> None:
    from cio_tui.tui.errors import _WORDS

    assert set(_WORDS) == set(NextStep)
