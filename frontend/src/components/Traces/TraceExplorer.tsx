import { Button, Empty, TabPane, Tabs, Toast } from "@douyinfe/semi-ui";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { flattenPages, SPAN_PAGE_SIZE, useAdvanceInfo, useSpanList, useTraceMeta, type OutputSpan, type TraceView } from "../../api/traces";
import { useCurrentSpace } from "../../app/session";
import { quickRange, refreshRange, resolveRange, type TimeRange } from "../../lib/timeRange";
import { fromFilterFields, isSpanListType, SPAN_LIST_TYPES, toFilterFields, type FilterRow, type SpanListType } from "../../lib/traceFilters";
import { PageHeader } from "../common/PageHeader";
import { ErrorState, Loading } from "../common/QueryState";
import { NoTracesHint } from "../Observation/NoTracesHint";
import { TimeRangePicker } from "../Observation/TimeRangePicker";
import { FilterBuilder } from "./FilterBuilder";
import { spanKey, SpanTable } from "./SpanTable";
import { TraceDrawer } from "./TraceDrawer";
import { ViewsBar } from "./ViewsBar";
import "../Observation/observation.css";

const EMPTY_PAGES: OutputSpan[][] = [];

// The export dialog (evaluation sets, mappings, preview) is its own chunk, loaded when it is opened.
const ExportToDatasetModal = lazy(() => import("./ExportToDatasetModal").then((module) => ({ default: module.ExportToDatasetModal })));

/** observation/traces: time range, span-list tabs, saved views, filters, the span table, and the trace drawer. */
export function TraceExplorer() {
  const space = useCurrentSpace();
  const [range, setRange] = useState<TimeRange>(() => quickRange("24h"));
  const [tab, setTab] = useState<SpanListType>("root_span");
  const [draft, setDraft] = useState<FilterRow[]>([]);
  const [applied, setApplied] = useState<FilterRow[]>([]);
  const [viewId, setViewId] = useState<string | null>(null);
  const [searchParams, setSearchParams] = useSearchParams();
  const traceId = searchParams.get("trace_id");
  const spanId = searchParams.get("span_id");

  const meta = useTraceMeta(space.id, tab);
  const metas = useMemo(() => meta.data ?? {}, [meta.data]);
  const filters = useMemo(() => toFilterFields(applied), [applied]);
  const dirty = JSON.stringify(toFilterFields(draft) ?? null) !== JSON.stringify(filters ?? null);
  const timeWindow = useMemo(() => resolveRange(range), [range]);
  const list = useSpanList(space.id, { start: timeWindow.start, end: timeWindow.end, spanListType: tab, filters });
  const pages = useMemo(() => list.data?.pages.map((page) => page.spans) ?? EMPTY_PAGES, [list.data]);
  const spans = useMemo(() => flattenPages(pages), [pages]);
  const advance = useAdvanceInfo(space.id, pages, timeWindow, tab === "root_span");
  // Picked spans (by trace and span id) stay picked across pages; a new list (tab, filters, range) starts over.
  const [picked, setPicked] = useState<{ list: unknown; keys: string[] }>({ list: null, keys: [] });
  const listKey = list.data?.pages[0];
  const selected = picked.list === listKey ? picked.keys : [];
  const setSelected = (keys: string[]) => setPicked({ list: listKey, keys });
  // The spans being exported, fixed when the dialog opens (clearing the selection afterwards does not change them).
  const [exporting, setExporting] = useState<OutputSpan[] | null>(null);

  // A new question (tab, filters, view) over a quick range asks about the last N minutes from now, not from when
  // the range was picked; the list starts again from its first page (a new query key, so no page token).
  const reanchor = () => setRange((current) => refreshRange(current));
  const changeTab = (next: SpanListType) => {
    setTab(next);
    setViewId(null);
    reanchor();
  };
  const applyRows = (rows: FilterRow[]) => {
    setApplied(rows);
    reanchor();
  };
  const applyView = (view: TraceView) => {
    const rows = fromFilterFields(view.filters, metas);
    setTab(isSpanListType(view.span_list_type) ? view.span_list_type : "root_span");
    setDraft(rows);
    applyRows(rows);
    setViewId(view.id);
  };
  const refresh = () => {
    if (range.kind === "quick") setRange(refreshRange(range));
    // A custom range keeps its query key: refetch (the loaded pages again, from the first, with fresh page tokens).
    else void list.refetch();
  };
  const openSpan = (span: OutputSpan) =>
    setSearchParams((params) => {
      params.set("trace_id", span.trace_id);
      params.set("span_id", span.span_id);
      return params;
    });
  const closeTrace = () =>
    setSearchParams((params) => {
      params.delete("trace_id");
      params.delete("span_id");
      return params;
    });

  // Infinite scroll: the sentinel under the table loads the next page when it scrolls into view ("Load more" too).
  // Not after a failed page: that waits for Retry (else the observer would ask again and again while in view).
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage } = list;
  const loadMore = useCallback(() => void fetchNextPage({ cancelRefetch: false }), [fetchNextPage]);
  useEffect(() => {
    const node = sentinel.current;
    if (!node || !hasNextPage || isFetchingNextPage || isFetchNextPageError || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) loadMore();
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, isFetchNextPageError, loadMore]);

  const filtered = applied.length > 0;
  const noun = tab === "root_span" ? "trace" : "span";
  const empty = filtered ? (
    <Empty description="No spans match these filters in this time range. Change or clear the filters, or pick a longer time range." />
  ) : (
    <NoTracesHint spaceId={space.id} what={tab === "llm_span" ? "LLM spans" : tab === "all_span" ? "spans" : "traces"} />
  );

  return (
    <div className="loop-page loop-page-wide">
      <PageHeader title="Traces" description="Search the traces your apps report with the cozeloop SDK; open one to see its spans, inputs, outputs and feedback." />
      <div className="loop-card loop-trace-controls">
        <TimeRangePicker value={range} onChange={setRange} onRefresh={refresh} busy={list.isFetching && !list.isFetchingNextPage} />
        <Tabs
          type="button"
          activeKey={tab}
          onChange={(key) => {
            if (isSpanListType(key)) changeTab(key);
          }}
        >
          {SPAN_LIST_TYPES.map((type) => (
            <TabPane key={type.key} tab={type.label} itemKey={type.key} />
          ))}
        </Tabs>
        <ViewsBar spaceId={space.id} activeId={viewId} onApply={applyView} current={{ spanListType: tab, rows: applied }} onSaved={setViewId} />
        {meta.isError ? (
          <ErrorState title="Could not load the filterable fields" error={meta.error} onRetry={() => void meta.refetch()} />
        ) : (
          <FilterBuilder
            rows={draft}
            metas={metas}
            onChange={setDraft}
            dirty={dirty}
            onApply={() => {
              applyRows(draft);
              setViewId(null);
            }}
          />
        )}
      </div>
      <div className="loop-card">
        {selected.length > 0 && (
          <div className="loop-row loop-toolbar" role="group" aria-label="Selected spans">
            <span>{`${selected.length} span${selected.length === 1 ? "" : "s"} selected`}</span>
            <Button theme="solid" onClick={() => setExporting(spans.filter((span) => selected.includes(spanKey(span))))} disabled={selected.length > 500}>
              Export to dataset
            </Button>
            <Button onClick={() => setSelected([])}>Clear selection</Button>
            {selected.length > 500 && <span className="loop-muted">At most 500 spans can be exported at once.</span>}
          </div>
        )}
        {list.isPending && <Loading label="Loading spans…" />}
        {list.isError && !isFetchNextPageError && <ErrorState title="Could not load the spans" error={list.error} onRetry={() => void list.refetch()} />}
        {advance.error && <ErrorState title="Could not load the traces' token totals" error={advance.error} onRetry={advance.retry} />}
        {list.data && (
          <>
            <SpanTable
              spans={spans}
              advance={advance.byTrace}
              advanceFailed={!!advance.error}
              rootList={tab === "root_span"}
              loading={list.isFetching && !list.isFetchingNextPage && !list.isPending}
              empty={empty}
              onOpen={openSpan}
              linkTo={(span) => `?trace_id=${span.trace_id}&span_id=${span.span_id}`}
              selection={{ selected, onChange: setSelected }}
            />
            <div ref={sentinel} className="loop-row loop-load-more">
              {spans.length > 0 && (
                <span className="loop-muted">
                  {`${spans.length} ${noun}${spans.length === 1 ? "" : "s"} shown`}
                  {hasNextPage ? `, ${SPAN_PAGE_SIZE} more per page` : ", that is all"}
                </span>
              )}
              {hasNextPage && !isFetchNextPageError && (
                <Button onClick={loadMore} loading={isFetchingNextPage} disabled={isFetchingNextPage}>
                  Load more
                </Button>
              )}
            </div>
            {isFetchNextPageError && <ErrorState title="Could not load more spans" error={list.error} onRetry={loadMore} />}
          </>
        )}
      </div>
      <TraceDrawer spaceId={space.id} traceId={traceId} initialSpanId={spanId} onClose={closeTrace} />
      {exporting && (
        <Suspense fallback={null}>
          <ExportToDatasetModal
            spaceId={space.id}
            spans={exporting}
            window={timeWindow}
            onClose={() => setExporting(null)}
            onExported={() => {
              Toast.success("Spans exported");
              setSelected([]);
            }}
          />
        </Suspense>
      )}
    </div>
  );
}
