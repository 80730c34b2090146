"""Experiments: submit (validated against the set, the target and the evaluators), list, update, kill, retry, clone."""

import json

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from functions.evaluation import experiment_schemas as schemas
from functions.evaluation.evaluator_schemas import EvalBaseInfo, Evaluator, EvalUserInfo
from functions.evaluation.evaluators import repository as evaluators
from functions.evaluation.experiments import engine
from functions.evaluation.experiments.aggregates import ExptAggregateResult
from functions.evaluation.experiments.config import (
    ACTUAL_OUTPUT,
    FINISHED,
    PROMPT_USER_QUERY,
    EvalSetColumn,
    EvalTargetType,
    EvaluatorRef,
    ExperimentConfig,
    ExptStatus,
    ItemRunState,
    RetryMode,
    TargetConfig,
    TargetFieldMapping,
)
from shared.auth.principals import WorkspaceScope
from shared.clock import now_ms
from shared.data.reader import EvalSetVersionInfo, load_draft_info, load_version
from shared.dynamo import connection, is_condition_failure
from shared.errors import Conflict, InvalidInput, NotFound
from shared.evaluation.models import ExperimentItem, ExperimentNameItem, ExperimentRowItem
from shared.ids import new_id
from shared.prompt.entities import PromptDetail
from shared.prompt.repository import PromptRepository

DEFAULT_CONCURRENCY = 10


def _name_claim(workspace_id: int, name: str) -> str:
    return f"{workspace_id}#{name.casefold()}"


def get_item(scope: WorkspaceScope, expt_id: int) -> ExperimentItem:
    try:
        expt = ExperimentItem.get(expt_id, consistent_read=True)
    except DoesNotExist:
        expt = None
    if expt is None or expt.workspace_id != scope.workspace_id:
        raise NotFound(f"experiment {expt_id} not found in this workspace")
    return expt


# --- submit ---------------------------------------------------------------------------------------------


def _evaluator_refs(scope: WorkspaceScope, request: schemas.SubmitExperimentRequest) -> list[EvaluatorRef]:
    wanted: dict[int, float | None] = dict.fromkeys(request.evaluator_version_ids)
    for pair in request.evaluator_id_version_list:
        version_id = pair.evaluator_version_id
        if version_id is None:
            if pair.evaluator_id is None or not pair.version:
                raise InvalidInput("evaluator_id_version_list: give evaluator_version_id, or evaluator_id and version")
            found = evaluators.find_version(pair.evaluator_id, pair.version)
            if found is None or found.workspace_id != scope.workspace_id:
                raise InvalidInput(f"evaluator {pair.evaluator_id} has no version {pair.version}")
            version_id = found.version_id
        wanted[version_id] = pair.score_weight
    if not wanted:
        raise InvalidInput("evaluator_version_ids: pick at least one evaluator version")
    versions = evaluators.batch_get_versions(scope.workspace_id, wanted)
    missing = [str(key) for key in wanted if key not in versions]
    if missing:
        raise InvalidInput(f"evaluator_version_ids: {', '.join(missing)} not found in this workspace")
    owners = evaluators.batch_get(scope.workspace_id, {version.evaluator_id for version in versions.values()})
    return [
        EvaluatorRef(
            evaluator_id=versions[key].evaluator_id,
            evaluator_version_id=key,
            version=versions[key].version,
            name=owners[versions[key].evaluator_id].name if versions[key].evaluator_id in owners else "",
            evaluator_type=owners[versions[key].evaluator_id].evaluator_type
            if versions[key].evaluator_id in owners
            else 1,
            score_weight=weight,
        )
        for key, weight in wanted.items()
    ]


def _target(
    scope: WorkspaceScope, request: schemas.SubmitExperimentRequest
) -> tuple[TargetConfig, PromptDetail | None]:
    param = request.create_eval_target_param
    if param is None or not param.source_target_id:
        return TargetConfig(eval_target_type=EvalTargetType.NONE), None
    if param.eval_target_type not in (None, EvalTargetType.LOOP_PROMPT):
        raise InvalidInput("create_eval_target_param.eval_target_type: only 2 (a prompt version) can run here")
    try:
        prompt_id = int(param.source_target_id)
    except ValueError as error:
        raise InvalidInput("create_eval_target_param.source_target_id: give the prompt's id") from error
    prompts = PromptRepository()
    try:
        prompt = prompts.get(prompt_id)
    except NotFound as error:
        raise InvalidInput(f"create_eval_target_param.source_target_id: prompt {prompt_id} not found") from error
    if prompt.workspace_id != scope.workspace_id:
        raise InvalidInput(f"create_eval_target_param.source_target_id: prompt {prompt_id} not found")
    version = param.source_target_version or prompt.latest_version
    commit = prompts.find_commit(prompt_id, version) if version else None
    if commit is None:
        raise InvalidInput(
            f"create_eval_target_param.source_target_version: prompt {prompt.prompt_key} has no version {version!r}; "
            "commit the prompt first"
        )
    target = TargetConfig(
        eval_target_type=EvalTargetType.LOOP_PROMPT,
        target_id=new_id(),
        target_version_id=new_id(),
        prompt_id=prompt_id,
        prompt_key=prompt.prompt_key,
        prompt_name=prompt.display_name,
        prompt_version=version,
    )
    return target, PromptDetail.model_validate_json(commit.detail)


def _check_mappings(config: ExperimentConfig, detail: PromptDetail | None) -> None:
    columns = {column.name for column in config.columns} | {column.key for column in config.columns}
    for mapping in config.target_field_mapping.from_eval_set:
        if mapping.from_field_name and mapping.from_field_name not in columns:
            raise InvalidInput(f"target_field_mapping: the evaluation set has no column {mapping.from_field_name!r}")
        variables = {v.key for v in detail.prompt_template.variable_defs} if detail else set()
        if detail is not None and mapping.field_name not in variables | {PROMPT_USER_QUERY}:
            raise InvalidInput(f"target_field_mapping: the prompt has no variable {mapping.field_name!r}")
    known = {ref.evaluator_version_id for ref in config.evaluators}
    for evaluator_mapping in config.evaluator_field_mapping:
        if evaluator_mapping.evaluator_version_id not in known:
            version_id = evaluator_mapping.evaluator_version_id
            raise InvalidInput(f"evaluator_field_mapping: evaluator version {version_id} is not in this experiment")
        for mapping in evaluator_mapping.from_eval_set:
            if mapping.from_field_name and mapping.from_field_name not in columns:
                raise InvalidInput(
                    f"evaluator_field_mapping: the evaluation set has no column {mapping.from_field_name!r}"
                )
        for mapping in evaluator_mapping.from_target:
            if config.target.eval_target_type == EvalTargetType.NONE:
                raise InvalidInput("evaluator_field_mapping.from_target: this experiment has no target to map from")
            if mapping.from_field_name != ACTUAL_OUTPUT:
                raise InvalidInput(f"evaluator_field_mapping.from_target: the target's output is {ACTUAL_OUTPUT!r}")


def _eval_set(scope: WorkspaceScope, request: schemas.SubmitExperimentRequest) -> EvalSetVersionInfo:
    if request.eval_set_version_id:
        return load_version(scope.workspace_id, request.eval_set_id, request.eval_set_version_id)
    return load_draft_info(scope.workspace_id, request.eval_set_id)


def _create(scope: WorkspaceScope, name: str, description: str, config: ExperimentConfig) -> ExperimentItem:
    now = now_ms()
    expt = ExperimentItem(
        new_id(),
        workspace_id=scope.workspace_id,
        name=name,
        description=description,
        status=int(ExptStatus.PENDING),
        config=config.model_dump_json(),
        run_id=new_id(),
        created_by=str(scope.user_id),
        created_at=now,
        updated_at=now,
    )
    claim = ExperimentNameItem(_name_claim(scope.workspace_id, name), expt_id=expt.expt_id)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(claim, condition=ExperimentNameItem.name_claim.does_not_exist())
            transaction.save(expt, condition=ExperimentItem.expt_id.does_not_exist())
    except TransactWriteError as error:
        if is_condition_failure(error):
            raise Conflict(f"name: an experiment named {name!r} already exists in this workspace") from error
        raise
    engine.send_start(expt.expt_id, expt.run_id)
    return expt


def submit(scope: WorkspaceScope, request: schemas.SubmitExperimentRequest) -> schemas.SubmitExperimentResponse:
    eval_set = _eval_set(scope, request)
    if eval_set.item_count == 0:
        raise InvalidInput("eval_set_version_id: this evaluation set version has no items to evaluate")
    target, detail = _target(scope, request)
    config = ExperimentConfig(
        eval_set_id=eval_set.dataset_id,
        eval_set_version_id=eval_set.version_id,
        eval_set_version=eval_set.version,
        eval_set_name=eval_set.name,
        columns=[
            EvalSetColumn(key=field.key, name=field.name, content_type=str(field.content_type or "") or None)
            for field in eval_set.fields
        ],
        target=target,
        evaluators=_evaluator_refs(scope, request),
        target_field_mapping=request.target_field_mapping or TargetFieldMapping(),
        evaluator_field_mapping=request.evaluator_field_mapping,
        item_concur_num=request.item_concur_num or DEFAULT_CONCURRENCY,
        item_retry_num=request.item_retry_num if request.item_retry_num is not None else 0,
        evaluators_concur_num=request.evaluators_concur_num or 3,
        enable_weighted_score=request.enable_weighted_score,
    )
    _check_mappings(config, detail)
    expt = _create(scope, request.name, request.desc, config)
    return schemas.SubmitExperimentResponse(experiment=view(expt), run_id=expt.run_id)


# --- views ----------------------------------------------------------------------------------------------


def view(expt: ExperimentItem) -> schemas.Experiment:
    config = ExperimentConfig.model_validate_json(expt.config)
    aggregates = ExptAggregateResult.model_validate_json(expt.aggregates) if expt.aggregates else None
    tokens = aggregates.eval_target_aggr_result if aggregates else None

    def token_sum(results: list) -> int:  # type: ignore[type-arg]
        return int(next((r.data.value or 0 for r in results if r.aggregator_type == 2), 0))

    target = config.target
    eval_target = (
        {
            "id": str(target.target_id),
            "source_target_id": str(target.prompt_id),
            "eval_target_type": int(target.eval_target_type),
            "eval_target_version": {
                "id": str(target.target_version_id),
                "source_target_version": target.prompt_version,
                "eval_target_content": {
                    "prompt": {
                        "prompt_id": str(target.prompt_id),
                        "version": target.prompt_version,
                        "name": target.prompt_name,
                        "prompt_key": target.prompt_key,
                    }
                },
            },
        }
        if target.eval_target_type == EvalTargetType.LOOP_PROMPT
        else None
    )
    return schemas.Experiment(
        id=expt.expt_id,
        name=expt.name,
        desc=expt.description,
        creator_by=expt.created_by,
        status=expt.status,
        status_message=expt.status_message,
        start_time=expt.start_time or None,
        end_time=expt.end_time or None,
        create_time=expt.created_at // 1000,
        item_concur_num=config.item_concur_num,
        item_retry_num=config.item_retry_num,
        eval_set_id=config.eval_set_id,
        eval_set_version_id=config.eval_set_version_id,
        target_id=target.target_id or None,
        target_version_id=target.target_version_id or None,
        evaluator_version_ids=[ref.evaluator_version_id for ref in config.evaluators],
        evaluator_id_version_list=[
            schemas.EvaluatorIDVersionItem(
                evaluator_id=ref.evaluator_id,
                version=ref.version,
                evaluator_version_id=ref.evaluator_version_id,
                score_weight=ref.score_weight,
            )
            for ref in config.evaluators
        ],
        eval_set={
            "id": str(config.eval_set_id),
            "name": config.eval_set_name,
            "evaluation_set_version": {"id": str(config.eval_set_version_id), "version": config.eval_set_version},
        },
        eval_target=eval_target,
        evaluators=[
            Evaluator(
                evaluator_id=ref.evaluator_id,
                evaluator_type=ref.evaluator_type,
                name=ref.name,
                latest_version=ref.version,
            )
            for ref in config.evaluators
        ],
        base_info=EvalBaseInfo(
            created_by=EvalUserInfo(user_id=expt.created_by), created_at=expt.created_at, updated_at=expt.updated_at
        ),
        expt_stats=schemas.ExptStatistics(
            evaluator_aggregate_results=list(aggregates.evaluator_results.values()) if aggregates else [],
            token_usage=schemas.ExptTokenUsage(
                input_tokens=token_sum(tokens.input_tokens), output_tokens=token_sum(tokens.output_tokens)
            )
            if tokens
            else None,
            pending_turn_cnt=expt.pending,
            success_turn_cnt=expt.success,
            fail_turn_cnt=expt.fail,
            terminated_turn_cnt=expt.terminated,
            processing_turn_cnt=expt.processing,
        ),
        target_field_mapping=config.target_field_mapping,
        evaluator_field_mapping=config.evaluator_field_mapping,
        enable_weighted_score=config.enable_weighted_score,
        total_item_count=expt.total or expt.items_created,
        run_id=expt.run_id,
    )


def list_experiments(scope: WorkspaceScope, request: schemas.ListExperimentsRequest) -> schemas.ListExperimentsResponse:
    items = list(ExperimentItem.by_workspace.query(scope.workspace_id, scan_index_forward=False))
    needle = (request.filter_option.fuzzy_name or "").casefold() if request.filter_option else ""
    if needle:
        items = [item for item in items if needle in item.name.casefold()]
    start = (request.page_number - 1) * request.page_size
    return schemas.ListExperimentsResponse(
        experiments=[view(item) for item in items[start : start + request.page_size]], total=len(items)
    )


def batch_get(scope: WorkspaceScope, expt_ids: list[int]) -> list[schemas.Experiment]:
    found = {item.expt_id: item for item in ExperimentItem.batch_get(set(expt_ids))}
    return [view(found[key]) for key in expt_ids if key in found and found[key].workspace_id == scope.workspace_id]


def check_name(scope: WorkspaceScope, name: str) -> schemas.CheckNameResponse:
    try:
        ExperimentNameItem.get(_name_claim(scope.workspace_id, name.strip()))
    except DoesNotExist:
        return schemas.CheckNameResponse(pass_=True)
    return schemas.CheckNameResponse(pass_=False, message=f"an experiment named {name!r} already exists")


# --- changes --------------------------------------------------------------------------------------------


def update(scope: WorkspaceScope, expt_id: int, request: schemas.UpdateExperimentRequest) -> None:
    expt = get_item(scope, expt_id)
    if request.name is not None and request.name != expt.name:
        old = ExperimentNameItem(_name_claim(scope.workspace_id, expt.name))
        new = ExperimentNameItem(_name_claim(scope.workspace_id, request.name), expt_id=expt_id)
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(new, condition=ExperimentNameItem.name_claim.does_not_exist())
                transaction.delete(old)
                transaction.update(
                    expt, actions=[ExperimentItem.name.set(request.name)], condition=ExperimentItem.name == expt.name
                )
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise Conflict(
                    f"name: an experiment named {request.name!r} already exists in this workspace"
                ) from error
            raise
    if request.desc is not None:
        expt.update(actions=[ExperimentItem.description.set(request.desc), ExperimentItem.updated_at.set(now_ms())])


def delete(scope: WorkspaceScope, expt_id: int) -> None:
    expt = get_item(scope, expt_id)
    if expt.status in (ExptStatus.PENDING, ExptStatus.PROCESSING):
        raise Conflict("the experiment is running; kill it before deleting it")
    with ExperimentRowItem.batch_write() as batch:
        for row in ExperimentRowItem.query(expt_id):
            batch.delete(row)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.delete(ExperimentNameItem(_name_claim(scope.workspace_id, expt.name)))
            transaction.delete(expt)
    except (TransactWriteError, DeleteError, PutError) as error:
        raise Conflict("the experiment changed while it was being deleted; try again") from error


def kill(scope: WorkspaceScope, expt_id: int) -> None:
    expt = get_item(scope, expt_id)
    try:
        expt.update(
            actions=[
                ExperimentItem.status.set(int(ExptStatus.TERMINATED)),
                ExperimentItem.end_time.set(now_ms()),
                ExperimentItem.status_message.set(f"killed by user {scope.user_id}"),
            ],
            condition=ExperimentItem.status.is_in(int(ExptStatus.PENDING), int(ExptStatus.PROCESSING))
            & (ExperimentItem.run_id == expt.run_id),
        )
    except UpdateError as error:
        if is_condition_failure(error):
            raise Conflict("only a running experiment can be killed; this one has finished") from error
        raise
    engine.terminate_queued(expt_id, expt.run_id)
    from functions.evaluation.experiments.aggregates import recompute

    recompute(expt_id)


def retry(scope: WorkspaceScope, expt_id: int, request: schemas.RetryExperimentRequest) -> int:
    expt = get_item(scope, expt_id)
    if ExptStatus(expt.status) not in FINISHED:
        raise Conflict("the experiment is still running; wait for it to finish or kill it, then retry")
    if expt.pending or expt.processing:
        raise Conflict("items of the killed run are still finishing; retry in a few seconds")
    if expt.total == 0:
        return _restart(expt)  # it never started (killed while pending, or its set could not be read)
    rows = list(ExperimentRowItem.query(expt_id, consistent_read=True))
    if request.retry_mode == RetryMode.RETRY_FAILURE:
        rows = [row for row in rows if row.state in (ItemRunState.FAIL, ItemRunState.TERMINAL)]
    elif request.retry_mode == RetryMode.RETRY_TARGET_ITEMS:
        wanted = set(request.item_ids)
        if not wanted:
            raise InvalidInput("item_ids: name the items to run again")
        rows = [row for row in rows if row.item_id in wanted]
    if not rows:
        raise InvalidInput("nothing to retry: no item matches (no failed items, or unknown item_ids)")
    run_id = new_id()
    heads, following = engine.chains(sorted(row.item_index for row in rows), engine.concurrency_of(expt))
    # The new run's tick goes out first: if this request stops anywhere below, the tick chain starts the
    # rows already requeued (and a tick of a switch that did not happen is stale).
    engine.send_tick(expt_id, run_id, expt.tick + 1)
    try:
        expt.update(
            actions=[
                ExperimentItem.run_id.set(run_id),
                ExperimentItem.status.set(int(ExptStatus.PROCESSING)),
                ExperimentItem.tick.set(expt.tick + 1),
                ExperimentItem.heads.set(json.dumps(heads)),
                ExperimentItem.end_time.set(0),
                ExperimentItem.status_message.set(""),
                ExperimentItem.aggregates.set(""),
            ],
            condition=(ExperimentItem.run_id == expt.run_id) & (ExperimentItem.status == expt.status),
        )
    except UpdateError as error:
        if is_condition_failure(error):
            raise Conflict("the experiment changed meanwhile; reload and try again") from error
        raise
    engine.requeue(expt_id, run_id, rows, following)
    engine.send_start(expt_id, run_id)
    return run_id


def _restart(expt: ExperimentItem) -> int:
    """Runs an experiment that never started from the beginning: its rows are written again under a new run."""
    run_id = new_id()
    try:
        expt.update(
            actions=[
                ExperimentItem.run_id.set(run_id),
                ExperimentItem.status.set(int(ExptStatus.PENDING)),
                ExperimentItem.items_created.set(0),
                ExperimentItem.end_time.set(0),
                ExperimentItem.status_message.set(""),
            ],
            condition=(ExperimentItem.run_id == expt.run_id) & (ExperimentItem.status == expt.status),
        )
    except UpdateError as error:
        if is_condition_failure(error):
            raise Conflict("the experiment changed meanwhile; reload and try again") from error
        raise
    engine.send_start(expt.expt_id, run_id)
    return run_id


def clone(scope: WorkspaceScope, expt_id: int) -> schemas.Experiment:
    source = get_item(scope, expt_id)
    config = ExperimentConfig.model_validate_json(source.config)
    for attempt in range(1, 100):
        name = f"{source.name}_copy" if attempt == 1 else f"{source.name}_copy{attempt}"
        try:
            return view(_create(scope, name[:100], source.description, config))
        except Conflict:
            continue
    raise Conflict("could not find a free name for the copy; rename the experiment and clone again")
