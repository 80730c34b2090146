"""The model catalog: conf/model_config.yaml in upstream's format, validated once at load.

Upstream's files spell some keys two ways (`default_val`/`default_value`, `protocol_config_deep_seek`/
`protocol_config_deepseek`, `protocol_config_open_ai`/`protocol_config_openai`); every spelling is accepted and
normalised to the IDL's. Anything else unknown fails the load with a message naming the entry and the field.
"""

import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from shared.settings import LoopSettings, get_settings

DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "conf" / "model_config.yaml"


class CatalogError(ValueError):
    """The model config cannot be used; the message names the file, the entry and the field."""


class Protocol(StrEnum):
    ARK = "ark"
    OPENAI = "openai"
    DEEPSEEK = "deepseek"
    CLAUDE = "claude"
    OLLAMA = "ollama"
    GEMINI = "gemini"
    QWEN = "qwen"
    QIANFAN = "qianfan"
    ARKBOT = "arkbot"
    FAKE = "fake"  # built in: deterministic, offline; for local runs and tests


class Scenario(StrEnum):
    DEFAULT = "default"
    PROMPT_DEBUG = "prompt_debug"
    PROMPT_AS_A_SERVICE = "prompt_as_a_service"
    EVAL_TARGET = "eval_target"
    EVALUATOR = "evaluator"
    DATA_SYNTHESIS = "data_synthesis"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AbilityImage(Strict):
    url_enabled: bool = False
    binary_enabled: bool = False
    max_image_size: int | None = None  # MB
    max_image_count: int | None = None
    image_gen_enabled: bool = False


class AbilityMultiModal(Strict):
    image: bool = False
    ability_image: AbilityImage | None = None
    video: bool = False


class Ability(Strict):
    max_context_tokens: int | None = None
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    function_call: bool = False
    json_mode: bool = False
    multi_modal: bool = False
    ability_multi_modal: AbilityMultiModal | None = None


class ProtocolConfigArk(Strict):
    region: str | None = None
    access_key: str | None = None
    secret_key: str | None = None
    retry_times: int | None = None
    custom_headers: dict[str, str] | None = None


class ProtocolConfigOpenAI(Strict):
    by_azure: bool = False
    api_version: str | None = None
    response_format_type: str | None = None
    response_format_json_schema: str | None = None


class ProtocolConfigClaude(Strict):
    by_bedrock: bool = False
    access_key: str | None = None
    secret_access_key: str | None = None
    session_token: str | None = None
    region: str | None = None


class ProtocolConfigDeepSeek(Strict):
    response_format_type: str | None = None


class GeminiSafetySetting(Strict):
    category: int
    threshold: int


class ProtocolConfigGemini(Strict):
    response_schema: str | None = None
    enable_code_execution: bool = False
    safety_settings: list[GeminiSafetySetting] | None = None


class ProtocolConfigOllama(Strict):
    format: str | None = None
    keep_alive_ms: int | None = None


class ProtocolConfigQwen(Strict):
    response_format_type: str | None = None
    response_format_json_schema: str | None = None


class ProtocolConfigQianfan(Strict):
    llm_retry_count: int | None = None
    llm_retry_timeout: float | None = None
    llm_retry_backoff_factor: float | None = None
    parallel_tool_calls: bool | None = None
    response_format_type: str | None = None
    response_format_json_schema: str | None = None


class ProtocolConfigFake(Strict):
    """The fake model's knobs: a fixed reply instead of the echo, and a delay between streamed words."""

    reply: str | None = None
    chunk_delay_ms: int = Field(default=0, ge=0, le=5000)


SPELLINGS = {
    "protocol_config_deep_seek": "protocol_config_deepseek",
    "protocol_config_open_ai": "protocol_config_openai",
    "protocol_config_ark_bot": "protocol_config_arkbot",
}


class ProtocolConfig(Strict):
    base_url: str | None = None
    # A literal key, "${ENV_VAR}", or "secretsmanager:<secret id or ARN>"; see shared.llm.credentials.
    api_key: str | None = None
    model: str | None = None
    timeout_ms: int | None = Field(default=None, gt=0)
    protocol_config_ark: ProtocolConfigArk | None = None
    protocol_config_openai: ProtocolConfigOpenAI | None = None
    protocol_config_claude: ProtocolConfigClaude | None = None
    protocol_config_deepseek: ProtocolConfigDeepSeek | None = None
    protocol_config_ollama: ProtocolConfigOllama | None = None
    protocol_config_qwen: ProtocolConfigQwen | None = None
    protocol_config_qianfan: ProtocolConfigQianfan | None = None
    protocol_config_gemini: ProtocolConfigGemini | None = None
    protocol_config_arkbot: ProtocolConfigArk | None = None
    protocol_config_fake: ProtocolConfigFake | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_every_spelling(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for old, new in SPELLINGS.items():
                if old in data:
                    if new in data:
                        raise ValueError(f"give {new} or {old}, not both")
                    data = {**data, new: data[old]}
                    del data[old]
        return data


class Quota(Strict):
    qpm: int = Field(default=0, ge=0)  # 0 = unlimited
    tpm: int = Field(default=0, ge=0)


class ScenarioConfig(Strict):
    scenario: Scenario | None = None
    quota: Quota = Field(default_factory=Quota)
    unavailable: bool = False


class ParamOption(Strict):
    value: str
    label: str = ""


class ParamType(StrEnum):
    FLOAT = "float"
    INT = "int"
    BOOLEAN = "boolean"
    STRING = "string"


class ParamSchema(Strict):
    name: str = Field(min_length=1)
    label: str = ""
    desc: str = ""
    type: ParamType
    min: str | None = None
    max: str | None = None
    default_value: str | None = None
    options: list[ParamOption] | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_default_val(cls, data: Any) -> Any:
        if isinstance(data, dict) and "default_val" in data:
            if "default_value" in data:
                raise ValueError("give default_value or default_val, not both")
            data = {**data, "default_value": data["default_val"]}
            del data["default_val"]
        return data

    @field_validator("min", "max", "default_value", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: Any) -> Any:
        # YAML reads `max: 1.0` as a float; upstream keeps these as strings.
        return str(value).lower() if isinstance(value, bool) else str(value) if value is not None else None


class ParamConfig(Strict):
    param_schemas: list[ParamSchema] = Field(default_factory=list)


class ModelEntry(Strict):
    id: int = Field(gt=0)
    name: str = Field(min_length=1)
    desc: str = ""
    frame: str = "eino"
    protocol: Protocol
    protocol_config: ProtocolConfig = Field(default_factory=ProtocolConfig)
    ability: Ability = Field(default_factory=Ability)
    scenario_configs: dict[Scenario, ScenarioConfig] = Field(default_factory=dict)
    param_config: ParamConfig = Field(default_factory=ParamConfig)
    tags: list[str] = Field(default_factory=list)
    icon: str | None = None
    identification: str | None = None

    def scenario(self, scenario: Scenario) -> ScenarioConfig:
        """A scenario's config, falling back to `default`, then to no quota."""
        return self.scenario_configs.get(scenario) or self.scenario_configs.get(Scenario.DEFAULT) or ScenarioConfig()

    def available_in(self, scenario: Scenario) -> bool:
        return not self.scenario(scenario).unavailable


class ModelCatalog(Strict):
    models: list[ModelEntry]

    @model_validator(mode="after")
    def _unique_ids(self) -> "ModelCatalog":
        seen: set[int] = set()
        for entry in self.models:
            if entry.id in seen:
                raise ValueError(f"model id {entry.id} is used twice; ids must be unique")
            seen.add(entry.id)
        return self

    def get(self, model_id: int) -> ModelEntry | None:
        return next((entry for entry in self.models if entry.id == model_id), None)


class CatalogSettings(LoopSettings):
    model_config_path: Path | None = None  # LOOP_MODEL_CONFIG_PATH; default conf/model_config.yaml


def _describe(error: ValidationError, raw: dict[str, Any], source: Path) -> str:
    lines = [f"{source}: the model config is invalid:"]
    listed = raw.get("models")
    models: list[Any] = listed if isinstance(listed, list) else []
    for problem in error.errors():
        location = list(problem["loc"])
        where = ".".join(str(part) for part in location)
        if len(location) >= 2 and location[0] == "models" and isinstance(location[1], int):
            index = location[1]
            entry = models[index] if index < len(models) and isinstance(models[index], dict) else {}
            field = ".".join(str(part) for part in location[2:]) or "(the entry)"
            where = f"models[{index}] (id {entry.get('id', '?')}, name {entry.get('name', '?')!r}), field {field}"
        message = "unknown field" if problem["type"] == "extra_forbidden" else problem["msg"]
        lines.append(f"  - {where}: {message}")
    return "\n".join(lines)


def parse_catalog(text: str, source: Path) -> ModelCatalog:
    import yaml  # only when a catalog is read

    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CatalogError(f"{source}: not valid YAML: {error}") from error
    if not isinstance(raw, dict) or not isinstance(raw.get("models"), list):
        raise CatalogError(f"{source}: expected a top-level `models:` list")
    try:
        return ModelCatalog.model_validate(raw)
    except ValidationError as error:
        raise CatalogError(_describe(error, raw, source)) from error


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int) -> ModelCatalog:
    return parse_catalog(path.read_text(), path)


def load_catalog() -> ModelCatalog:
    """The configured catalog, re-read when the file changes (upstream hot-loads it too)."""
    path = get_settings(CatalogSettings).model_config_path or DEFAULT_CATALOG
    try:
        mtime_ns = os.stat(path).st_mtime_ns
    except FileNotFoundError as error:
        raise CatalogError(f"{path}: the model config does not exist (LOOP_MODEL_CONFIG_PATH)") from error
    return _load(path, mtime_ns)
