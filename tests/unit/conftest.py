from collections.abc import Iterator

import pytest

from shared.auth.secrets import session_secret
from shared.settings import _load


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    """Lets a test change the environment and have settings read it again."""
    _load.cache_clear()
    session_secret.cache_clear()
    yield
    _load.cache_clear()
    session_secret.cache_clear()
