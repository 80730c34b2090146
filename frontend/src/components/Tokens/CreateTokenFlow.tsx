import { Modal } from "@douyinfe/semi-ui";
import { useState } from "react";
import { useCreateToken } from "../../api/tokens";
import { CreateTokenForm } from "./CreateTokenForm";
import { TokenSecret } from "./TokenSecret";

interface Props {
  visible: boolean;
  onClose: () => void;
  onCreated?: (token: string) => void;
}

/**
 * One dialog: "New token" form, then the shown-once secret. Closing forgets the secret: the state here, and the
 * mutation's result (reset; the mutation also has gcTime 0 so the MutationCache does not keep it).
 */
export function CreateTokenFlow({ visible, onClose, onCreated }: Props) {
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const create = useCreateToken();

  const close = () => {
    setCreated(null);
    create.reset();
    onClose();
  };

  return (
    <Modal
      title={created ? `Token "${created.name}" created` : "New personal access token"}
      visible={visible}
      onCancel={close}
      footer={null}
      closeOnEsc
      maskClosable={!created}
      // Unmount on close so the form starts empty and the secret leaves the DOM.
      keepDOM={false}
    >
      {created ? (
        <TokenSecret token={created.token} onDone={close} />
      ) : (
        <CreateTokenForm
          create={create}
          onCancel={close}
          onCreated={(token, name) => {
            setCreated({ token, name });
            onCreated?.(token);
          }}
        />
      )}
    </Modal>
  );
}
