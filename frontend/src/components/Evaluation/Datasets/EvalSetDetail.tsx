import { IconArrowLeft, IconPlus, IconUpload } from "@douyinfe/semi-icons";
import { Button, TabPane, Tabs, Tag, Toast } from "@douyinfe/semi-ui";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { queryKeys } from "../../../api/queryKeys";
import { setColumns, useEvalSetVersions, useEvaluationSet, versionColumns } from "../../../api/evaluationSets";
import { paths } from "../../../app/paths";
import { useCurrentSpace } from "../../../app/session";
import { ErrorState, Loading } from "../../common/QueryState";
import { AddItemModal } from "./AddItemModal";
import { EditColumnsModal } from "./EditColumnsModal";
import { ImportModal } from "./ImportModal";
import { ItemTable } from "./ItemTable";
import { CreateVersionModal, VersionsPanel } from "./VersionsPanel";
import "../evaluation.css";

type Dialog = "add" | "import" | "version" | "columns" | null;

/** evaluation/datasets/:setID: the draft's items (edit, add, import, delete), versions, and one version's items (?version=). */
export function EvalSetDetail() {
  const space = useCurrentSpace();
  const setId = useParams().setID ?? "";
  const set = useEvaluationSet(space.id, setId);
  const versions = useEvalSetVersions(space.id, setId);
  const [searchParams, setSearchParams] = useSearchParams();
  const versionId = searchParams.get("version") ?? "";
  const tab = searchParams.get("tab") === "versions" && !versionId ? "versions" : "items";
  const [dialog, setDialog] = useState<Dialog>(null);
  const queryClient = useQueryClient();
  const refreshItems = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.evaluationSet(space.id, setId) });
  }, [queryClient, space.id, setId]);

  if (set.isPending) return <Loading label="Loading the evaluation set…" />;
  if (set.isError) return <ErrorState title="Could not load the evaluation set" error={set.error} onRetry={() => void set.refetch()} />;
  const data = set.data;
  const viewing = versionId ? versions.data?.find((version) => version.id === versionId) : undefined;
  const columns = viewing ? versionColumns(viewing) : setColumns(data);
  const show = (params: Record<string, string>) => setSearchParams(params);

  return (
    <div className="loop-page loop-page-wide loop-eval">
      <div className="loop-editor-header">
        <div className="loop-editor-title">
          <Link to={paths.spaceModule(space.id, "evaluation/datasets")} className="loop-icon-link" aria-label="Back to evaluation sets">
            <IconArrowLeft aria-hidden />
          </Link>
          <div>
            <h1>{data.name}</h1>
            <div className="loop-row">
              <Tag>{`${Number(data.item_count).toLocaleString()} items`}</Tag>
              {data.latest_version ? <Tag color="blue">{`Latest ${data.latest_version}`}</Tag> : <Tag color="grey">No version yet</Tag>}
              {data.change_uncommitted && data.latest_version && <span className="loop-muted">The draft has changes since the latest version.</span>}
            </div>
            {data.description && <p className="loop-muted">{data.description}</p>}
          </div>
        </div>
        <div className="loop-page-actions">
          <Button onClick={() => setDialog("columns")}>Edit columns</Button>
          <Button theme="solid" onClick={() => setDialog("version")}>
            Create version
          </Button>
        </div>
      </div>
      <div className="loop-card">
        {viewing || versionId ? (
          <>
            <div className="loop-section-header">
              <h2 className="loop-card-title">{viewing ? `Version ${viewing.version}` : "Version"}</h2>
              <Button onClick={() => show({ tab: "versions" })}>Back to versions</Button>
            </div>
            {viewing?.description && <p className="loop-muted">{viewing.description}</p>}
            {versions.isPending ? <Loading label="Loading the version…" /> : <ItemTable key={versionId} spaceId={space.id} setId={setId} versionId={versionId} columns={columns} />}
          </>
        ) : (
          <Tabs type="line" activeKey={tab} onChange={(key) => show(key === "versions" ? { tab: "versions" } : {})}>
            <TabPane tab="Items" itemKey="items">
              <ItemTable
                spaceId={space.id}
                setId={setId}
                versionId=""
                columns={columns}
                toolbar={
                  <>
                    <Button icon={<IconPlus aria-hidden />} onClick={() => setDialog("add")} disabled={columns.length === 0}>
                      Add item
                    </Button>
                    <Button icon={<IconUpload aria-hidden />} onClick={() => setDialog("import")} disabled={columns.length === 0}>
                      Import
                    </Button>
                  </>
                }
              />
            </TabPane>
            <TabPane tab="Versions" itemKey="versions">
              <VersionsPanel spaceId={space.id} setId={setId} onView={(version) => show({ version: version.id })} />
            </TabPane>
          </Tabs>
        )}
      </div>
      {dialog === "add" && <AddItemModal spaceId={space.id} setId={setId} columns={columns} onClose={() => setDialog(null)} />}
      {dialog === "import" && <ImportModal spaceId={space.id} setId={setId} columns={columns} onClose={() => setDialog(null)} onImported={refreshItems} />}
      {dialog === "columns" && <EditColumnsModal spaceId={space.id} setId={setId} fields={setColumns(data)} onClose={() => setDialog(null)} />}
      {dialog === "version" && (
        <CreateVersionModal
          spaceId={space.id}
          setId={setId}
          latest={data.latest_version}
          onClose={() => setDialog(null)}
          onCreated={() => {
            setDialog(null);
            Toast.success("Version created");
            show({ tab: "versions" });
          }}
        />
      )}
    </div>
  );
}
