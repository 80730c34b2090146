import { Button, Input } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import type { UserInfo } from "../../api/client";
import { useLogin, useRegister } from "../../api/auth";
import { Field } from "../common/Field";
import { FormError } from "../common/QueryState";
import { useSubmitOnce } from "../common/useSubmitOnce";

export type AuthMode = "login" | "register";

/** Email + password form; sign-in or account creation. Errors show the server's sentence. */
export function LoginForm({ mode, onSuccess }: { mode: AuthMode; onSuccess: (user: UserInfo) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const login = useLogin();
  const register = useRegister();
  const mutation = mode === "login" ? login : register;
  const { submit, busy } = useSubmitOnce(mutation);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit({ email: email.trim(), password }, { onSuccess });
  };

  return (
    <form onSubmit={onSubmit} className="loop-form" aria-label={mode === "login" ? "Sign in" : "Create account"}>
      <Field id="auth-email" label="Email">
        <Input id="auth-email" type="email" autoComplete="email" value={email} onChange={setEmail} size="large" required autoFocus />
      </Field>
      <Field id="auth-password" label="Password" hint={mode === "register" ? "At least 8 characters." : undefined}>
        <Input
          id="auth-password"
          type="password"
          autoComplete={mode === "login" ? "current-password" : "new-password"}
          value={password}
          onChange={setPassword}
          size="large"
          required
        />
      </Field>
      <FormError error={mutation.error} />
      <Button htmlType="submit" theme="solid" size="large" block loading={busy} disabled={busy}>
        {mode === "login" ? "Sign in" : "Create account"}
      </Button>
    </form>
  );
}
