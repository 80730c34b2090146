import { IconCopy, IconDelete, IconPlus, IconSearch } from "@douyinfe/semi-icons";
import { Button, Checkbox, Empty, Input, Table, Tag, Toast } from "@douyinfe/semi-ui";
import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useDeletePrompt, usePromptList, type Prompt } from "../../api/prompts";
import { paths } from "../../app/paths";
import { useCurrentSpace, useCurrentUser } from "../../app/session";
import { formatServerTime } from "../../lib/time";
import { LabelledTable } from "../common/LabelledTable";
import { PageHeader } from "../common/PageHeader";
import { ErrorState, Loading } from "../common/QueryState";
import { ConfirmDeleteModal } from "../common/ConfirmDeleteModal";
import { useConfirmedDelete } from "../common/useConfirmedDelete";
import { ClonePromptModal, CreatePromptModal } from "./PromptFormModals";

const PAGE_SIZE = 20;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function PromptTable() {
  const space = useCurrentSpace();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const [search, setSearch] = useState("");
  const keyWord = useDebounced(search.trim(), 300);
  const [mine, setMine] = useState(false);
  // The page resets to 1 whenever the filters change.
  const filterKey = `${keyWord}\u0000${mine}`;
  const [paging, setPaging] = useState({ filterKey, page: 1 });
  const page = paging.filterKey === filterKey ? paging.page : 1;
  const setPage = (next: number) => setPaging({ filterKey, page: next });
  const [creating, setCreating] = useState(false);
  const [cloning, setCloning] = useState<Prompt | null>(null);
  const list = usePromptList(space.id, { keyWord, mine: mine ? user.user_id : null, page, pageSize: PAGE_SIZE });
  const deletion = useConfirmedDelete(useDeletePrompt(space.id), (row: Prompt) => ({
    id: row.id,
    label: `prompt "${row.prompt_basic.display_name}"`,
  }));
  const pendingDelete = deletion.pending;

  const editorPath = (id: string) => `${paths.spaceModule(space.id, "pe/prompts")}/${id}`;
  const userName = (id: string) => {
    const found = list.data?.users.find((u) => u.user_id === id);
    return found ? found.nick_name || found.name || found.email : id;
  };

  const columns = [
    {
      title: "Name",
      key: "name",
      render: (_: unknown, row: Prompt) => (
        <div>
          <Link to={editorPath(row.id)} className="loop-link-strong">
            {row.prompt_basic.display_name}
          </Link>
          <div className="loop-muted loop-mono-small">{row.prompt_key}</div>
        </div>
      ),
    },
    { title: "Description", key: "description", render: (_: unknown, row: Prompt) => <span className="loop-clamp">{row.prompt_basic.description || "—"}</span> },
    {
      title: "Latest version",
      key: "version",
      width: 130,
      render: (_: unknown, row: Prompt) =>
        row.prompt_basic.latest_version ? (
          <Tag color="blue">{row.prompt_basic.latest_version}</Tag>
        ) : (
          <Tag color="grey">Draft only</Tag>
        ),
    },
    { title: "Created by", key: "created_by", width: 160, render: (_: unknown, row: Prompt) => userName(row.prompt_basic.created_by) },
    { title: "Updated", key: "updated", width: 180, render: (_: unknown, row: Prompt) => formatServerTime(row.prompt_basic.updated_at, "ms", "—") },
    {
      title: <span className="loop-visually-hidden">Actions</span>,
      key: "actions",
      width: 100,
      render: (_: unknown, row: Prompt) => (
        <div className="loop-row loop-row-tight">
          <Button theme="borderless" icon={<IconCopy aria-hidden />} aria-label={`Clone ${row.prompt_basic.display_name}`} onClick={() => setCloning(row)} />
          <Button type="danger" theme="borderless" icon={<IconDelete aria-hidden />} aria-label={`Delete ${row.prompt_basic.display_name}`} onClick={() => deletion.ask(row)} />
        </div>
      ),
    },
  ];

  return (
    <div className="loop-page">
      <PageHeader
        title="Prompts"
        description="Write, version and debug the prompts your apps fetch with the SDK."
        actions={
          <Button theme="solid" icon={<IconPlus aria-hidden />} onClick={() => setCreating(true)}>
            Create prompt
          </Button>
        }
      />
      <div className="loop-card">
        <div className="loop-row loop-toolbar">
          <Input
            aria-label="Search prompts"
            prefix={<IconSearch aria-hidden />}
            placeholder="Search by name or key"
            value={search}
            onChange={setSearch}
            showClear
            style={{ width: 320 }}
          />
          <Checkbox checked={mine} onChange={(event) => setMine(!!event.target.checked)}>
            Created by me
          </Checkbox>
        </div>
        {list.isPending && <Loading label="Loading prompts…" />}
        {list.isError && <ErrorState title="Could not load the prompts" error={list.error} onRetry={() => void list.refetch()} />}
        {list.data && (
          <LabelledTable label="Prompts">
            <Table<Prompt>
              rowKey="id"
              columns={columns}
              dataSource={list.data.prompts}
              loading={list.isFetching && list.isPlaceholderData}
              pagination={
                list.data.total > PAGE_SIZE
                  ? { currentPage: page, pageSize: PAGE_SIZE, total: list.data.total, onPageChange: setPage }
                  : false
              }
              empty={
                <Empty
                  description={keyWord || mine ? "No prompts match." : "No prompts yet. Create one to start writing and debugging."}
                />
              }
            />
          </LabelledTable>
        )}
      </div>
      {creating && <CreatePromptModal spaceId={space.id} onClose={() => setCreating(false)} onCreated={(id) => navigate(editorPath(id))} />}
      {cloning && (
        <ClonePromptModal
          spaceId={space.id}
          prompt={cloning}
          onClose={() => setCloning(null)}
          onCloned={(id) => {
            setCloning(null);
            Toast.success("Prompt cloned");
            void navigate(editorPath(id));
          }}
        />
      )}
      <ConfirmDeleteModal title="Delete prompt?" deletion={deletion}>
        <strong>{pendingDelete?.prompt_basic.display_name}</strong> ({pendingDelete?.prompt_key}), its drafts and all its versions will be deleted. Apps fetching
        it will stop getting it. This cannot be undone.
      </ConfirmDeleteModal>
    </div>
  );
}
