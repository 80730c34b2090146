"""The model catalog reads upstream's model_config.yaml, every spelling of it, and names what is wrong."""

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from shared.errors import UpstreamError
from shared.llm.catalog import DEFAULT_CATALOG, CatalogError, Protocol, Scenario, load_catalog, parse_catalog
from shared.llm.credentials import resolve_api_key

UPSTREAM_STYLE = """
models:
  - id: 1
    name: "doubao"
    frame: "eino"
    protocol: "ark"
    protocol_config:
      api_key: "literal-key"
      model: "ep-123"
    param_config:
      param_schemas:
        - name: "temperature"
          label: "temperature"
          type: "float"
          min: "0"
          max: 1.0
          default_val: "0.7"
  - id: 2
    name: "deepseek"
    protocol: "deepseek"
    protocol_config:
      protocol_config_deep_seek: { response_format_type: "text" }
  - id: 3
    name: "gpt"
    protocol: "openai"
    protocol_config:
      protocol_config_open_ai: { by_azure: true, api_version: "2024-06-01" }
    scenario_configs:
      default: { quota: { qpm: 10 } }
      evaluator: { unavailable: true }
"""


def test_every_upstream_spelling_is_read_into_the_idl_names() -> None:
    # Given upstream's file with its old spellings; When it is parsed
    catalog = parse_catalog(UPSTREAM_STYLE, Path("model_config.yaml"))

    # Then the values land in the IDL's fields
    doubao, deepseek, gpt = catalog.models
    assert doubao.param_config.param_schemas[0].default_value == "0.7"
    assert doubao.param_config.param_schemas[0].max == "1.0"
    assert deepseek.protocol_config.protocol_config_deepseek is not None
    assert deepseek.protocol_config.protocol_config_deepseek.response_format_type == "text"
    assert (
        gpt.protocol_config.protocol_config_openai is not None and gpt.protocol_config.protocol_config_openai.by_azure
    )
    # And scenarios fall back to `default`
    assert gpt.scenario(Scenario.PROMPT_DEBUG).quota.qpm == 10
    assert not gpt.available_in(Scenario.EVALUATOR)


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            "models:\n  - {id: 7, name: x, protocol: openai, protocol_config: {api_kye: k}}\n",
            "models[0] (id 7, name 'x'), field protocol_config.api_kye: unknown field",
        ),
        ("models:\n  - {id: 7, name: x, protocol: gpt}\n", "models[0] (id 7, name 'x'), field protocol"),
        ("models:\n  - {id: 0, name: x, protocol: fake}\n", "field id: Input should be greater than 0"),
        ("models:\n  - {id: 1, name: a, protocol: fake}\n  - {id: 1, name: b, protocol: fake}\n", "used twice"),
        ("models: [", "not valid YAML"),
        ("model: []\n", "top-level `models:` list"),
        (
            "models:\n  - id: 1\n    name: x\n    protocol: fake\n    param_config:\n      param_schemas:\n"
            "        - {name: t, type: float, default_val: '1', default_value: '2'}\n",
            "not both",
        ),
    ],
)
def test_an_invalid_entry_fails_the_load_naming_the_entry_and_field(yaml_text: str, expected: str) -> None:
    with pytest.raises(CatalogError) as raised:
        parse_catalog(yaml_text, Path("conf/model_config.yaml"))
    assert "conf/model_config.yaml" in str(raised.value)
    assert expected in str(raised.value)


def test_the_shipped_catalog_offers_the_fake_test_model() -> None:
    catalog = parse_catalog(DEFAULT_CATALOG.read_text(), DEFAULT_CATALOG)
    fake = next(model for model in catalog.models if model.protocol == Protocol.FAKE)
    assert "test model" in fake.name and fake.ability.function_call and fake.ability.json_mode


def test_the_catalog_is_read_again_when_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_settings: None
) -> None:
    path = tmp_path / "models.yaml"
    path.write_text("models:\n  - {id: 1, name: first, protocol: fake}\n")
    monkeypatch.setenv("LOOP_MODEL_CONFIG_PATH", str(path))
    assert load_catalog().models[0].name == "first"
    path.write_text("models:\n  - {id: 1, name: second, protocol: fake}\n")
    import os

    os.utime(path, ns=(1, 10**18))  # a new mtime, even within the filesystem's timestamp resolution
    assert load_catalog().models[0].name == "second"


def test_api_keys_come_from_the_environment_or_secrets_manager(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = parse_catalog(
        "models:\n"
        "  - {id: 1, name: env, protocol: openai, protocol_config: {api_key: '${TEST_OPENAI_KEY}'}}\n"
        "  - {id: 2, name: sm, protocol: openai, protocol_config: {api_key: 'secretsmanager:loop/openai'}}\n"
        "  - {id: 3, name: unset, protocol: openai, protocol_config: {api_key: '${NOT_SET_ANYWHERE}'}}\n",
        Path("m.yaml"),
    )
    from_env, from_secrets, unset = catalog.models
    monkeypatch.setenv("TEST_OPENAI_KEY", "sk-env")
    assert resolve_api_key(from_env) == "sk-env"

    with pytest.raises(UpstreamError, match=r"\$\{NOT_SET_ANYWHERE\}, which is not set"):
        resolve_api_key(unset)

    with mock_aws():
        from shared.aws import _client

        _client.cache_clear()
        boto3.client("secretsmanager", region_name="us-east-1").create_secret(Name="loop/openai", SecretString="sk-sm")
        assert resolve_api_key(from_secrets) == "sk-sm"
        _client.cache_clear()
