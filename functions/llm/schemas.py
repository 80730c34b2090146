"""Request and response shapes of the llm routes, as upstream's IDL (llm/coze.loop.llm.manage.thrift)."""

from typing import Literal

from pydantic import BaseModel, Field

from shared.envelope import Envelope
from shared.ids import Int64
from shared.llm.catalog import Ability, ParamConfig, Protocol, Quota, Scenario

ModelStatus = Literal["available", "unavailable"]
AbilityName = Literal["json_mode", "function_call", "multi_modal"]


class ModelFilter(BaseModel):
    name_like: str | None = Field(default=None, max_length=200)
    families: list[str] | None = None
    statuses: list[ModelStatus] | None = None
    abilities: list[AbilityName] | None = None


class ListModelsRequest(BaseModel):
    workspace_id: Int64
    scenario: Scenario | None = None
    filter: ModelFilter | None = None
    page_size: int = Field(default=100, ge=1, le=200)
    page_token: str | None = Field(default=None, pattern=r"^[0-9]{1,6}$", description="opaque; from next_page_token")


class GetModelRequest(BaseModel):
    workspace_id: Int64


class ScenarioConfigView(BaseModel):
    scenario: Scenario
    quota: Quota
    unavailable: bool


class PublicProtocolConfig(BaseModel):
    """What the console may see of a model's connection: never keys or secrets."""

    base_url: str | None = None
    model: str | None = None


class ModelView(BaseModel):
    model_id: Int64
    workspace_id: Int64
    name: str
    desc: str
    ability: Ability
    protocol: Protocol
    protocol_config: PublicProtocolConfig
    scenario_configs: dict[Scenario, ScenarioConfigView]
    param_config: ParamConfig
    identification: str
    icon: str
    tags: list[str]
    status: ModelStatus
    preset_model: bool = True


class ListModelsResponse(Envelope):
    models: list[ModelView]
    has_more: bool
    next_page_token: str
    total: int


class GetModelResponse(Envelope):
    model: ModelView
