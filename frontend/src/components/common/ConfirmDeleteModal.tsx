import { Button, Modal } from "@douyinfe/semi-ui";
import type { ReactNode } from "react";

interface Deletion {
  pending: unknown;
  busy: boolean;
  cancel: () => void;
  confirm: () => void;
}

/** The confirm dialog of `useConfirmedDelete`: open while a row awaits confirmation, Delete sends once. */
export function ConfirmDeleteModal({ title, deletion, children }: { title: string; deletion: Deletion; children: ReactNode }) {
  return (
    <Modal
      title={title}
      visible={deletion.pending !== null}
      onCancel={deletion.cancel}
      closeOnEsc
      footer={
        <>
          <Button onClick={deletion.cancel}>Cancel</Button>
          <Button type="danger" theme="solid" loading={deletion.busy} disabled={deletion.busy} onClick={deletion.confirm}>
            Delete
          </Button>
        </>
      }
    >
      {children}
    </Modal>
  );
}
