import { Button, Input, Select } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { DURATION_OPTIONS, type TokenDuration, type useCreateToken } from "../../api/tokens";
import { Field } from "../common/Field";
import { FormError } from "../common/QueryState";
import { useSubmitOnce } from "../common/useSubmitOnce";

interface Props {
  /** Owned by the dialog, which resets it (forgetting the secret) when it closes. */
  create: ReturnType<typeof useCreateToken>;
  onCancel: () => void;
  onCreated: (token: string, name: string) => void;
}

/** Name + expiry; the default expiry is 30 days. */
export function CreateTokenForm({ create, onCancel, onCreated }: Props) {
  const [name, setName] = useState("");
  const [duration, setDuration] = useState<TokenDuration>("30");
  const { submit, busy } = useSubmitOnce(create);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit({ name: name.trim(), duration_day: duration }, { onSuccess: (result) => onCreated(result.token, result.personal_access_token.name) });
  };

  return (
    <form onSubmit={onSubmit} className="loop-form">
      <Field id="token-name" label="Token name">
        <Input id="token-name" value={name} onChange={setName} maxLength={100} placeholder="e.g. laptop, CI" autoFocus required />
      </Field>
      <Field id="token-expiry" label="Expires in">
        <Select
          id="token-expiry"
          aria-labelledby="token-expiry-label"
          value={duration}
          onChange={(value) => setDuration(value as TokenDuration)}
          optionList={DURATION_OPTIONS}
          style={{ width: "100%" }}
        />
      </Field>
      <FormError error={create.error} />
      <div className="loop-form-actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || !name.trim()}>
          Create
        </Button>
      </div>
    </form>
  );
}
