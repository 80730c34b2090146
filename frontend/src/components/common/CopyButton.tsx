import { IconCopy, IconTick } from "@douyinfe/semi-icons";
import { Button, Toast } from "@douyinfe/semi-ui";
import { useEffect, useState } from "react";
import { copyText } from "../../lib/clipboard";

/** `compact`: a small icon-only button (in table cells), named by `label`. */
export function CopyButton({ text, label = "Copy", compact = false }: { text: string; label?: string; compact?: boolean }) {
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(false), 2000);
    return () => window.clearTimeout(timer);
  }, [copied]);

  const onClick = async () => {
    try {
      await copyText(text);
      setCopied(true);
    } catch (error) {
      Toast.error(error instanceof Error ? error.message : "Copy failed");
    }
  };

  if (compact) {
    return (
      <Button
        size="small"
        theme="borderless"
        icon={copied ? <IconTick aria-hidden /> : <IconCopy aria-hidden />}
        onClick={(event) => {
          event.stopPropagation();
          void onClick();
        }}
        aria-label={copied ? "Copied" : label}
      />
    );
  }

  return (
    <Button icon={copied ? <IconTick aria-hidden /> : <IconCopy aria-hidden />} onClick={onClick} aria-label={copied ? "Copied" : label}>
      {copied ? "Copied" : label}
    </Button>
  );
}
