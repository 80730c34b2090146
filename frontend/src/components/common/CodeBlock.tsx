import { CopyButton } from "./CopyButton";

export function CodeBlock({ code, label }: { code: string; label: string }) {
  return (
    <figure className="loop-code" aria-label={label}>
      <div className="loop-code-toolbar">
        <figcaption>{label}</figcaption>
        <CopyButton text={code} />
      </div>
      <pre>
        <code>{code}</code>
      </pre>
    </figure>
  );
}
