import { Tag } from "@douyinfe/semi-ui";
import { itemStateLabel, statusLabel, turnStateLabel } from "../../../lib/experimentStatus";

export function ExperimentStatusTag({ status }: { status: number }) {
  const { label, color } = statusLabel(status);
  return (
    <Tag color={color} size="small" data-testid="experiment-status">
      {label}
    </Tag>
  );
}

export function ItemStateTag({ state }: { state: number }) {
  const { label, color } = itemStateLabel(state);
  return (
    <Tag color={color} size="small">
      {label}
    </Tag>
  );
}

export function TurnStateTag({ state }: { state: number }) {
  const { label, color } = turnStateLabel(state);
  return (
    <Tag color={color} size="small">
      {label}
    </Tag>
  );
}
