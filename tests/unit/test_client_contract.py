"""The Customer.io client contract (``customerio/contract.py``): the real client and the test doubles keep to it.

The fakes implement only what the engines under test call; each method they do implement must take the same
parameters as the contract's, so a test cannot pass against a call the real client would refuse.
"""

from __future__ import annotations

import inspect

import pytest

from cio_tui.customerio.client import CustomerIOClient
from cio_tui.customerio.contract import CioClient
from tests.unit.fake_cio import FakeClient

CONTRACT = {name for name in dir(CioClient) if not name.startswith("_")} - {"site_id"}


def _params(fn: object) -> list[tuple[str, inspect._ParameterKind]]:
    return [(p.name, p.kind) for p in inspect.signature(fn).parameters.values()]


def test_the_real_client_has_every_method_of_the_contract_with_its_parameters() -> None:
    for name in sorted(CONTRACT):
        assert hasattr(CustomerIOClient, name), name
        assert _params(getattr(CustomerIOClient, name)) == _params(getattr(CioClient, name)), name


@pytest.mark.parametrize("fake", [FakeClient])
def test_a_fake_takes_the_contracts_parameters_for_what_it_implements(fake: type) -> None:
    implemented = sorted(n for n in CONTRACT if n in vars(fake))
    assert implemented, "the fake implements none of the contract"
    for name in implemented:
        assert _params(getattr(fake, name)) == _params(getattr(CioClient, name)), name


def test_a_fake_adds_no_public_client_method_the_contract_lacks() -> None:
    extra = {n for n, v in vars(FakeClient).items() if callable(v) and not n.startswith("_")} - CONTRACT
    assert not extra, f"FakeClient has methods the real client contract does not: {sorted(extra)}"
