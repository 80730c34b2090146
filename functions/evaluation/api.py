"""Evaluator and experiment routes: the console's (/api/evaluation/v1, cookie) and the OpenAPI (/v1/loop/evaluation)."""

from fastapi import APIRouter, Query

from functions.evaluation import evaluator_schemas as es
from functions.evaluation import evaluators, templates_api
from functions.evaluation import experiment_schemas as xs
from functions.evaluation.experiments import export, results
from functions.evaluation.experiments import service as experiments
from shared.auth.dependencies import ConsoleWorkspace, OpenAPIWorkspace
from shared.envelope import Envelope, OpenAPIResponse
from shared.evaluation.entities import EvaluatorType
from shared.ids import Int64

console = APIRouter(prefix="/api/evaluation/v1", tags=["evaluation"])
openapi = APIRouter(prefix="/v1/loop/evaluation", tags=["evaluation-openapi"])


# --- evaluators (console) -------------------------------------------------------------------------------


@console.post("/evaluators", response_model=es.CreateEvaluatorResponse)
def create_evaluator(body: es.CreateEvaluatorRequest, workspace: ConsoleWorkspace) -> es.CreateEvaluatorResponse:
    return es.CreateEvaluatorResponse(evaluator_id=evaluators.create(workspace, body))


@console.post("/evaluators/list", response_model=es.ListEvaluatorsResponse)
def list_evaluators(body: es.ListEvaluatorsRequest, workspace: ConsoleWorkspace) -> es.ListEvaluatorsResponse:
    return evaluators.list_evaluators(workspace, body)


@console.post("/evaluators/batch_get", response_model=es.EvaluatorsResponse)
def batch_get_evaluators(body: es.BatchGetEvaluatorsRequest, workspace: ConsoleWorkspace) -> es.EvaluatorsResponse:
    return es.EvaluatorsResponse(evaluators=evaluators.batch_get(workspace, body))


@console.post("/evaluators/check_name", response_model=es.CheckNameResponse, response_model_by_alias=True)
def check_evaluator_name(body: es.CheckEvaluatorNameRequest, workspace: ConsoleWorkspace) -> es.CheckNameResponse:
    return evaluators.check_name(workspace, body)


@console.post("/evaluators/debug", response_model=es.DebugEvaluatorResponse)
def debug_evaluator(body: es.DebugEvaluatorRequest, workspace: ConsoleWorkspace) -> es.DebugEvaluatorResponse:
    output = evaluators.debug(workspace, body.evaluator_type, body.evaluator_content, body.input_data)
    return es.DebugEvaluatorResponse(evaluator_output_data=output)


@console.post("/evaluators/batch_debug", response_model=es.BatchDebugEvaluatorResponse)
def batch_debug_evaluator(
    body: es.BatchDebugEvaluatorRequest, workspace: ConsoleWorkspace
) -> es.BatchDebugEvaluatorResponse:
    outputs = [
        evaluators.debug(workspace, body.evaluator_type, body.evaluator_content, data) for data in body.input_data
    ]
    return es.BatchDebugEvaluatorResponse(evaluator_output_data=outputs)


@console.post("/evaluators/validate", response_model=es.ValidateEvaluatorResponse)
def validate_evaluator(body: es.ValidateEvaluatorRequest, workspace: ConsoleWorkspace) -> es.ValidateEvaluatorResponse:
    return templates_api.validate(workspace, body)


@console.post("/evaluators/list_template", response_model=es.ListTemplatesResponse)
def list_templates(builtin_template_type: int = Query(ge=1, le=2)) -> es.ListTemplatesResponse:
    return templates_api.list_templates(EvaluatorType(builtin_template_type))


@console.post("/evaluators/get_template_info", response_model=es.TemplateInfoResponse, response_model_by_alias=True)
def get_template_info(
    builtin_template_type: int = Query(ge=1, le=2),
    builtin_template_key: str = Query(min_length=1, max_length=100),
) -> es.TemplateInfoResponse:
    return templates_api.template_info(EvaluatorType(builtin_template_type), builtin_template_key)


@console.post("/evaluator_template/list", response_model=templates_api.ListTemplatesV2Response)
def list_templates_v2(body: templates_api.ListTemplatesV2Request) -> templates_api.ListTemplatesV2Response:
    return templates_api.list_templates_v2(body)


@console.get("/evaluators/{evaluator_id}", response_model=es.EvaluatorResponse)
def get_evaluator(
    evaluator_id: Int64, workspace: ConsoleWorkspace, include_deleted: bool = False
) -> es.EvaluatorResponse:
    return es.EvaluatorResponse(evaluator=evaluators.get(workspace, evaluator_id, include_deleted))


@console.patch("/evaluators/{evaluator_id}", response_model=Envelope)
def update_evaluator(evaluator_id: Int64, body: es.UpdateEvaluatorRequest, workspace: ConsoleWorkspace) -> Envelope:
    evaluators.update(workspace, evaluator_id, body)
    return Envelope()


@console.patch("/evaluators/{evaluator_id}/update_draft", response_model=es.EvaluatorResponse)
def update_draft(
    evaluator_id: Int64, body: es.UpdateEvaluatorDraftRequest, workspace: ConsoleWorkspace
) -> es.EvaluatorResponse:
    return es.EvaluatorResponse(evaluator=evaluators.update_draft(workspace, evaluator_id, body))


@console.delete("/evaluators/{evaluator_id}", response_model=Envelope)
def delete_evaluator(evaluator_id: Int64, workspace: ConsoleWorkspace) -> Envelope:
    evaluators.delete(workspace, evaluator_id)
    return Envelope()


@console.post("/evaluators/{evaluator_id}/versions/list", response_model=es.ListEvaluatorVersionsResponse)
def list_versions(
    evaluator_id: Int64, body: es.ListEvaluatorVersionsRequest, workspace: ConsoleWorkspace
) -> es.ListEvaluatorVersionsResponse:
    return evaluators.list_versions(workspace, evaluator_id, body)


@console.post("/evaluators/{evaluator_id}/submit_version", response_model=es.EvaluatorResponse)
def submit_version(
    evaluator_id: Int64, body: es.SubmitEvaluatorVersionRequest, workspace: ConsoleWorkspace
) -> es.EvaluatorResponse:
    return es.EvaluatorResponse(evaluator=evaluators.submit_version(workspace, evaluator_id, body))


@console.get("/evaluators_versions/{evaluator_version_id}", response_model=es.EvaluatorResponse)
def get_version(evaluator_version_id: Int64, workspace: ConsoleWorkspace) -> es.EvaluatorResponse:
    return es.EvaluatorResponse(evaluator=evaluators.get_version(workspace, evaluator_version_id))


@console.post("/evaluators_versions/batch_get", response_model=es.EvaluatorsResponse)
def batch_get_versions(body: es.BatchGetEvaluatorVersionsRequest, workspace: ConsoleWorkspace) -> es.EvaluatorsResponse:
    return es.EvaluatorsResponse(evaluators=evaluators.batch_get_versions(workspace, body))


@console.post("/evaluators_versions/{evaluator_version_id}/run", response_model=es.RecordResponse)
def run_version(
    evaluator_version_id: Int64, body: es.RunEvaluatorRequest, workspace: ConsoleWorkspace
) -> es.RecordResponse:
    return es.RecordResponse(record=evaluators.run_version(workspace, evaluator_version_id, body))


@console.get("/evaluator_records/{evaluator_record_id}", response_model=es.RecordResponse)
def get_record(evaluator_record_id: Int64, workspace: ConsoleWorkspace) -> es.RecordResponse:
    return es.RecordResponse(record=evaluators.get_record(workspace, evaluator_record_id))


@console.patch("/evaluator_records/{evaluator_record_id}", response_model=es.RecordResponse)
def correct_record(
    evaluator_record_id: Int64, body: es.UpdateEvaluatorRecordRequest, workspace: ConsoleWorkspace
) -> es.RecordResponse:
    return es.RecordResponse(record=evaluators.correct_record(workspace, evaluator_record_id, body.correction))


@console.post("/evaluator_records/batch_get", response_model=es.RecordsResponse)
def batch_get_records(body: es.BatchGetEvaluatorRecordsRequest, workspace: ConsoleWorkspace) -> es.RecordsResponse:
    return es.RecordsResponse(records=[evaluators.get_record(workspace, key) for key in body.evaluator_record_ids])


# --- experiments (console) ------------------------------------------------------------------------------


@console.post("/experiments/check_name", response_model=xs.CheckNameResponse, response_model_by_alias=True)
def check_experiment_name(body: xs.CheckExperimentNameRequest, workspace: ConsoleWorkspace) -> xs.CheckNameResponse:
    return experiments.check_name(workspace, body.name)


@console.post("/experiments/submit", response_model=xs.SubmitExperimentResponse)
def submit_experiment(body: xs.SubmitExperimentRequest, workspace: ConsoleWorkspace) -> xs.SubmitExperimentResponse:
    return experiments.submit(workspace, body)


@console.post("/experiments/list", response_model=xs.ListExperimentsResponse)
def list_experiments(body: xs.ListExperimentsRequest, workspace: ConsoleWorkspace) -> xs.ListExperimentsResponse:
    return experiments.list_experiments(workspace, body)


@console.post("/experiments/batch_get", response_model=xs.ExperimentsResponse)
def batch_get_experiments(body: xs.BatchGetExperimentsRequest, workspace: ConsoleWorkspace) -> xs.ExperimentsResponse:
    return xs.ExperimentsResponse(experiments=experiments.batch_get(workspace, body.expt_ids))


@console.post("/experiments/results/batch_get", response_model=xs.BatchGetExperimentResultResponse)
def batch_get_results(
    body: xs.BatchGetExperimentResultRequest, workspace: ConsoleWorkspace
) -> xs.BatchGetExperimentResultResponse:
    return results.batch_get_results(workspace, body)


@console.post("/experiments/aggr_results/batch_get", response_model=xs.AggrResultsResponse)
def batch_get_aggregates(body: xs.AggrResultsRequest, workspace: ConsoleWorkspace) -> xs.AggrResultsResponse:
    return xs.AggrResultsResponse(expt_aggregate_result=results.aggregates(workspace, body.experiment_ids))


@console.patch("/experiments/{expt_id}", response_model=Envelope)
def update_experiment(expt_id: Int64, body: xs.UpdateExperimentRequest, workspace: ConsoleWorkspace) -> Envelope:
    experiments.update(workspace, expt_id, body)
    return Envelope()


@console.delete("/experiments/{expt_id}", response_model=Envelope)
def delete_experiment(expt_id: Int64, workspace: ConsoleWorkspace) -> Envelope:
    experiments.delete(workspace, expt_id)
    return Envelope()


@console.post("/experiments/{expt_id}/clone", response_model=xs.CloneExperimentResponse)
def clone_experiment(expt_id: Int64, workspace: ConsoleWorkspace) -> xs.CloneExperimentResponse:
    return xs.CloneExperimentResponse(experiment=experiments.clone(workspace, expt_id))


@console.post("/experiments/{expt_id}/retry", response_model=xs.RunResponse)
def retry_experiment(expt_id: Int64, body: xs.RetryExperimentRequest, workspace: ConsoleWorkspace) -> xs.RunResponse:
    return xs.RunResponse(run_id=experiments.retry(workspace, expt_id, body))


@console.post("/experiments/{expt_id}/kill", response_model=Envelope)
def kill_experiment(expt_id: Int64, workspace: ConsoleWorkspace) -> Envelope:
    experiments.kill(workspace, expt_id)
    return Envelope()


@console.post("/experiments/{expt_id}/aggr_results", response_model=xs.AggrResultsResponse)
def aggregate_results(expt_id: Int64, workspace: ConsoleWorkspace) -> xs.AggrResultsResponse:
    return xs.AggrResultsResponse(expt_aggregate_result=results.aggregates(workspace, [expt_id]))


@console.post("/experiments/{expt_id}/results/export", response_model=xs.ExportResponse)
def export_results(expt_id: Int64, body: xs.ExportRequest, workspace: ConsoleWorkspace) -> xs.ExportResponse:
    return xs.ExportResponse(export_id=export.export(workspace, expt_id))


@console.post("/experiments/{expt_id}/export_records/{export_id}", response_model=xs.ExportRecordResponse)
def get_export(expt_id: Int64, export_id: Int64, workspace: ConsoleWorkspace) -> xs.ExportRecordResponse:
    return xs.ExportRecordResponse(expt_result_export_records=export.get_export(workspace, expt_id, export_id))


# --- OpenAPI --------------------------------------------------------------------------------------------


@openapi.post("/experiments", response_model=OpenAPIResponse[xs.SubmitExperimentResponse])
def openapi_submit(
    body: xs.SubmitExperimentRequest, workspace: OpenAPIWorkspace
) -> OpenAPIResponse[xs.SubmitExperimentResponse]:
    return OpenAPIResponse(data=experiments.submit(workspace, body))


@openapi.get("/experiments/{expt_id}", response_model=OpenAPIResponse[xs.ExperimentsResponse])
def openapi_get(expt_id: Int64, workspace: OpenAPIWorkspace) -> OpenAPIResponse[xs.ExperimentsResponse]:
    found = experiments.batch_get(workspace, [expt_id])
    if not found:
        experiments.get_item(workspace, expt_id)  # raises the 404
    return OpenAPIResponse(data=xs.ExperimentsResponse(experiments=found))


@openapi.post("/experiments/{expt_id}/results", response_model=OpenAPIResponse[xs.BatchGetExperimentResultResponse])
def openapi_results(
    expt_id: Int64, body: xs.ExportRequest, workspace: OpenAPIWorkspace, page_number: int = 1, page_size: int = 20
) -> OpenAPIResponse[xs.BatchGetExperimentResultResponse]:
    request = xs.BatchGetExperimentResultRequest(
        workspace_id=workspace.workspace_id, experiment_ids=[expt_id], page_number=page_number, page_size=page_size
    )
    return OpenAPIResponse(data=results.batch_get_results(workspace, request))


@openapi.post("/experiments/{expt_id}/aggr_results", response_model=OpenAPIResponse[xs.AggrResultsResponse])
def openapi_aggregates(expt_id: Int64, workspace: OpenAPIWorkspace) -> OpenAPIResponse[xs.AggrResultsResponse]:
    return OpenAPIResponse(data=xs.AggrResultsResponse(expt_aggregate_result=results.aggregates(workspace, [expt_id])))


@openapi.post("/experiments/{expt_id}/kill", response_model=OpenAPIResponse[Envelope])
def openapi_kill(expt_id: Int64, workspace: OpenAPIWorkspace) -> OpenAPIResponse[Envelope]:
    experiments.kill(workspace, expt_id)
    return OpenAPIResponse(data=Envelope())


@openapi.post("/experiments/{expt_id}/retry", response_model=OpenAPIResponse[xs.RunResponse])
def openapi_retry(
    expt_id: Int64, body: xs.RetryExperimentRequest, workspace: OpenAPIWorkspace
) -> OpenAPIResponse[xs.RunResponse]:
    return OpenAPIResponse(data=xs.RunResponse(run_id=experiments.retry(workspace, expt_id, body)))


@openapi.post("/evaluators/list", response_model=OpenAPIResponse[es.ListEvaluatorsResponse])
def openapi_list_evaluators(
    body: es.ListEvaluatorsRequest, workspace: OpenAPIWorkspace
) -> OpenAPIResponse[es.ListEvaluatorsResponse]:
    return OpenAPIResponse(data=evaluators.list_evaluators(workspace, body))


@openapi.post("/evaluators_versions/{evaluator_version_id}/run", response_model=OpenAPIResponse[es.RecordResponse])
def openapi_run_evaluator(
    evaluator_version_id: Int64, body: es.RunEvaluatorRequest, workspace: OpenAPIWorkspace
) -> OpenAPIResponse[es.RecordResponse]:
    return OpenAPIResponse(data=es.RecordResponse(record=evaluators.run_version(workspace, evaluator_version_id, body)))


routers = (console, openapi)
