import { IconRefresh } from "@douyinfe/semi-icons";
import { Button, DatePicker, Radio, RadioGroup } from "@douyinfe/semi-ui";
import { QUICK_RANGES, quickRange, refreshRange, resolveRange, type QuickRangeKey, type TimeRange } from "../../lib/timeRange";

/** Quick picks (15 min … 7 d, relative to when picked or refreshed) or a custom start/end, plus Refresh. */
export function TimeRangePicker({ value, onChange, busy = false }: { value: TimeRange; onChange: (next: TimeRange) => void; busy?: boolean }) {
  const pick = (key: string) => {
    if (key === "custom") {
      const { start, end } = resolveRange(value);
      onChange({ kind: "custom", start, end });
    } else onChange(quickRange(key as QuickRangeKey));
  };
  const { start, end } = resolveRange(value);
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
        <DatePicker
          type="dateTimeRange"
          aria-label="Custom time range"
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
      )}
      <Button icon={<IconRefresh aria-hidden />} loading={busy} onClick={() => onChange(refreshRange(value))}>
        Refresh
      </Button>
    </div>
  );
}
