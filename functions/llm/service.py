"""Model listing for the console: the catalog, filtered for a scenario, without any credentials."""

from functions.llm import schemas
from shared.errors import NotFound
from shared.llm.catalog import ModelEntry, Scenario, load_catalog


def _view(model: ModelEntry, workspace_id: int, scenario: Scenario | None) -> schemas.ModelView:
    available = model.available_in(scenario) if scenario else True
    return schemas.ModelView(
        model_id=model.id,
        workspace_id=workspace_id,
        name=model.name,
        desc=model.desc,
        ability=model.ability,
        protocol=model.protocol,
        protocol_config=schemas.PublicProtocolConfig(
            base_url=model.protocol_config.base_url, model=model.protocol_config.model
        ),
        scenario_configs={
            key: schemas.ScenarioConfigView(scenario=key, quota=config.quota, unavailable=config.unavailable)
            for key, config in model.scenario_configs.items()
        },
        param_config=model.param_config,
        identification=model.identification or model.protocol_config.model or model.name,
        icon=model.icon or "",
        tags=model.tags,
        status="available" if available else "unavailable",
    )


def _matches(view: schemas.ModelView, wanted: schemas.ModelFilter | None) -> bool:
    if wanted is None:
        return True
    if wanted.name_like and wanted.name_like.lower() not in view.name.lower():
        return False
    if wanted.statuses and view.status not in wanted.statuses:
        return False
    return not wanted.abilities or all(getattr(view.ability, ability) for ability in wanted.abilities)


def list_models(request: schemas.ListModelsRequest, workspace_id: int) -> schemas.ListModelsResponse:
    views = [_view(model, workspace_id, request.scenario) for model in load_catalog().models]
    matching = [view for view in views if _matches(view, request.filter)]
    start = int(request.page_token or 0)
    page = matching[start : start + request.page_size]
    more = start + request.page_size < len(matching)
    return schemas.ListModelsResponse(
        models=page,
        has_more=more,
        next_page_token=str(start + request.page_size) if more else "",
        total=len(matching),
    )


def get_model(model_id: int, workspace_id: int) -> schemas.GetModelResponse:
    model = load_catalog().get(model_id)
    if model is None:
        raise NotFound(f"model {model_id} is not configured on this server")
    return schemas.GetModelResponse(model=_view(model, workspace_id, None))
