import { IconDelete, IconPlus } from "@douyinfe/semi-icons";
import { Button, Empty, Table } from "@douyinfe/semi-ui";
import { useState } from "react";
import type { PersonalAccessToken } from "../../api/client";
import { useDeleteToken, useTokens } from "../../api/tokens";
import { formatServerTime } from "../../lib/time";
import { LabelledTable } from "../common/LabelledTable";
import { ErrorState, Loading } from "../common/QueryState";
import { ConfirmDeleteModal } from "../common/ConfirmDeleteModal";
import { useConfirmedDelete } from "../common/useConfirmedDelete";
import { CreateTokenFlow } from "./CreateTokenFlow";

export function TokenTable() {
  const tokens = useTokens();
  const [creating, setCreating] = useState(false);
  const deletion = useConfirmedDelete(useDeleteToken(), (row: PersonalAccessToken) => ({
    id: row.id,
    label: `token "${row.name}"`,
  }));
  const pendingDelete = deletion.pending;

  const columns = [
    { title: "Name", dataIndex: "name", key: "name" },
    { title: "Created", key: "created", render: (_: unknown, row: PersonalAccessToken) => formatServerTime(row.created_at, "s") },
    { title: "Last used", key: "last_used", render: (_: unknown, row: PersonalAccessToken) => formatServerTime(row.last_used_at, "s", "Never") },
    { title: "Expires", key: "expires", render: (_: unknown, row: PersonalAccessToken) => formatServerTime(row.expire_at, "s", "Never") },
    {
      title: <span className="loop-visually-hidden">Actions</span>,
      key: "actions",
      width: 80,
      render: (_: unknown, row: PersonalAccessToken) => (
        <Button
          type="danger"
          theme="borderless"
          icon={<IconDelete aria-hidden />}
          aria-label={`Delete token ${row.name}`}
          onClick={() => deletion.ask(row)}
        />
      ),
    },
  ];

  return (
    <section aria-labelledby="tokens-heading">
      <div className="loop-section-header">
        <div>
          <h2 id="tokens-heading">Personal access tokens</h2>
          <p className="loop-muted">Tokens let the SDK and the OpenAPI act as you. Treat them like passwords.</p>
        </div>
        <Button icon={<IconPlus aria-hidden />} theme="solid" onClick={() => setCreating(true)}>
          New token
        </Button>
      </div>
      {tokens.isPending && <Loading label="Loading tokens…" />}
      {tokens.isError && <ErrorState title="Could not load your tokens" error={tokens.error} onRetry={() => void tokens.refetch()} />}
      {tokens.data && (
        <LabelledTable label="API tokens">
        <Table<PersonalAccessToken>
          rowKey="id"
          columns={columns}
          dataSource={tokens.data}
          pagination={false}
          empty={<Empty description="No tokens yet. Create one to connect the SDK." />}
        />
        </LabelledTable>
      )}
      <CreateTokenFlow visible={creating} onClose={() => setCreating(false)} />
      <ConfirmDeleteModal title="Delete token?" deletion={deletion}>
        Anything using <strong>{pendingDelete?.name}</strong> will stop working immediately. This cannot be undone.
      </ConfirmDeleteModal>
    </section>
  );
}
