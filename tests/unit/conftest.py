from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws

from shared.auth.secrets import session_secret
from shared.llm.gateway import LLMGateway
from shared.llm.quota import ModelQuotaItem
from shared.settings import _load
from shared.spans import UploadSpan, set_span_sink


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    """Lets a test change the environment and have settings read it again."""
    _load.cache_clear()
    session_secret.cache_clear()
    yield
    _load.cache_clear()
    session_secret.cache_clear()


@pytest.fixture
def spans() -> Iterator[list[UploadSpan]]:
    """The spans written during the test, instead of sending them to the trace queue."""
    recorded: list[UploadSpan] = []
    previous = set_span_sink(recorded.extend)
    yield recorded
    set_span_sink(previous)


@pytest.fixture
def gateway(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_settings: None
) -> Iterator[LLMGateway]:
    """A gateway over the test module's `CATALOG` (a model_config.yaml), its quotas in moto's DynamoDB."""
    path = tmp_path / "models.yaml"
    path.write_text(request.module.CATALOG)
    monkeypatch.setenv("LOOP_MODEL_CONFIG_PATH", str(path))
    with mock_aws():
        ModelQuotaItem.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        yield LLMGateway()
