import { IconCopy, IconTick } from "@douyinfe/semi-icons";
import { Button, Toast } from "@douyinfe/semi-ui";
import { useEffect, useState } from "react";
import { copyText } from "../../lib/clipboard";

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
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

  return (
    <Button icon={copied ? <IconTick aria-hidden /> : <IconCopy aria-hidden />} onClick={onClick} aria-label={copied ? "Copied" : label}>
      {copied ? "Copied" : label}
    </Button>
  );
}
