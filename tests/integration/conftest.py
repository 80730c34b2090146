from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.accounts import Account, register
from tests.support.stack import RunningStack, start_stack, stop_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    # Workers hand their chains of experiment items back to the queue every second, so tests go both ways.
    running = start_stack(Path(tmp_path_factory.mktemp("loop-data")), LOOP_EXPERIMENT_CHAIN_SECONDS="1")
    yield running
    stop_stack(running)


@pytest.fixture
def account(stack: RunningStack) -> Account:
    return register(stack.base_url)
