import { Banner, Button } from "@douyinfe/semi-ui";
import { CopyButton } from "../common/CopyButton";

/** A newly created secret, shown once. */
export function TokenSecret({ token, onDone }: { token: string; onDone: () => void }) {
  return (
    <div className="loop-form">
      <Banner type="warning" closeIcon={null} description="Copy this token now. You will not be able to see it again." />
      <div className="loop-secret">
        <code data-testid="new-token-value">{token}</code>
        <CopyButton text={token} />
      </div>
      <div className="loop-form-actions">
        <Button theme="solid" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
