import { Banner, Button, Spin } from "@douyinfe/semi-ui";
import { errorMessage } from "../../api/errors";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="loop-centered" role="status" aria-live="polite">
      <Spin size="large" tip={label} />
    </div>
  );
}

/** A failed request: the server's sentence and a Retry button. Semi's Banner is the one role="alert". */
export function ErrorState({ error, onRetry, title = "Could not load this" }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <div className="loop-error-state">
      <Banner
        type="danger"
        fullMode={false}
        bordered
        closeIcon={null}
        title={title}
        description={
          <div>
            <p>{errorMessage(error)}</p>
            {onRetry && (
              <Button onClick={onRetry} theme="solid" type="danger" style={{ marginTop: 8 }}>
                Retry
              </Button>
            )}
          </div>
        }
      />
    </div>
  );
}

/** Inline error under a form (kept in an element with role="alert" so it is announced). */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div className="loop-form-error" role="alert">
      {errorMessage(error)}
    </div>
  );
}
