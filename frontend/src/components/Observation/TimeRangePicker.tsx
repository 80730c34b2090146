import { IconRefresh } from "@douyinfe/semi-icons";
import { Button, DatePicker, Radio, RadioGroup } from "@douyinfe/semi-ui";
import { useEffect, useRef } from "react";
import { QUICK_RANGES, quickRange, resolveRange, type QuickRangeKey, type TimeRange } from "../../lib/timeRange";

interface Props {
  value: TimeRange;
  onChange: (next: TimeRange) => void;
  /**
   * The Refresh button. A quick pick re-anchors at now (a new query key); a custom range keeps its key, so the page
   * must ask again itself (refetch).
   */
  onRefresh: () => void;
  busy?: boolean;
}

/** Quick picks (15 min … 7 d, relative to when picked or refreshed) or a custom start/end, plus Refresh. */
export function TimeRangePicker({ value, onChange, onRefresh, busy = false }: Props) {
  const pick = (key: string) => {
    if (key === "custom") {
      const { start, end } = resolveRange(value);
      onChange({ kind: "custom", start, end });
    } else onChange(quickRange(key as QuickRangeKey));
  };
  const { start, end } = resolveRange(value);
  // Semi's range picker cannot name its two inputs (it drops aria-label): name them once they are in the DOM.
  const custom = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const inputs = custom.current?.querySelectorAll("input") ?? [];
    ["Start of the custom time range", "End of the custom time range"].forEach((label, index) => inputs[index]?.setAttribute("aria-label", label));
  });
  return (
    <div className="loop-time-range">
      <span id="time-range-label" className="loop-field-label loop-inline-label">
        Time range
      </span>
      <RadioGroup type="button" aria-labelledby="time-range-label" value={value.kind === "quick" ? value.key : "custom"} onChange={(event) => pick(String(event.target.value))}>
        {QUICK_RANGES.map((range) => (
          <Radio key={range.key} value={range.key}>
            {range.label}
          </Radio>
        ))}
        <Radio value="custom">Custom</Radio>
      </RadioGroup>
      {value.kind === "custom" && (
        <div ref={custom} role="group" aria-label="Custom time range">
          <DatePicker
            type="dateTimeRange"
            value={[new Date(start), new Date(end)]}
            density="compact"
            style={{ width: 360 }}
            onChange={(dates) => {
              if (Array.isArray(dates) && dates.length === 2) {
                const [from, to] = dates.map((date) => new Date(date).getTime());
                if (from !== undefined && to !== undefined && Number.isFinite(from) && Number.isFinite(to) && from <= to) onChange({ kind: "custom", start: from, end: to });
              }
            }}
          />
        </div>
      )}
      <Button icon={<IconRefresh aria-hidden />} loading={busy} onClick={onRefresh}>
        Refresh
      </Button>
    </div>
  );
}
