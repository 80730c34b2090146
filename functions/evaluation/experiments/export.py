"""CSV export of an experiment's results: written at once (rows are at most a few thousand) and kept in the
files bucket, with upstream's export record so its clients poll the same way."""

from pynamodb.exceptions import DoesNotExist

from functions.evaluation import experiment_schemas as schemas
from functions.evaluation.experiments.results import results_csv
from functions.evaluation.experiments.service import get_item
from shared.auth.principals import WorkspaceScope
from shared.clock import now_ms
from shared.data.storage import put_bytes, sign_get
from shared.errors import NotFound
from shared.evaluation.models import ExportRecordItem
from shared.ids import new_id

RUNNING, SUCCESS, FAILED = 1, 2, 3


def export(scope: WorkspaceScope, expt_id: int) -> int:
    expt = get_item(scope, expt_id)
    record = ExportRecordItem(
        new_id(),
        expt_id=expt_id,
        workspace_id=scope.workspace_id,
        status=RUNNING,
        created_by=str(scope.user_id),
        created_at=now_ms(),
    )
    key = f"experiments/{scope.workspace_id}/{expt_id}/exports/{record.export_id}.csv"
    put_bytes(key, ("\ufeff" + results_csv(expt)).encode(), "text/csv; charset=utf-8")  # BOM: Excel reads UTF-8
    record.status, record.object_key = SUCCESS, key
    record.save()
    return record.export_id


def get_export(scope: WorkspaceScope, expt_id: int, export_id: int) -> schemas.ExportRecord:
    try:
        record = ExportRecordItem.get(export_id)
    except DoesNotExist:
        record = None
    if record is None or record.workspace_id != scope.workspace_id or record.expt_id != expt_id:
        raise NotFound(f"export {export_id} of experiment {expt_id} not found")
    url = sign_get(record.object_key, download_name=f"experiment-{expt_id}.csv") if record.object_key else None
    return schemas.ExportRecord(
        export_id=record.export_id,
        expt_id=expt_id,
        csv_export_status=record.status,
        URL=url,
        error=record.error or None,
    )
