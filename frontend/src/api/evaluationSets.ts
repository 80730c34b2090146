import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { components } from "../client/schema";
import type { ColumnMapping, FileFormat } from "../lib/csvColumns";
import { api } from "./client";
import { ApiError, unwrap } from "./errors";
import { queryKeys } from "./queryKeys";

export type EvaluationSet = components["schemas"]["EvaluationSetDTO"];
export type EvalSetVersion = components["schemas"]["EvaluationSetVersionDTO"];
export type EvalSetItem = components["schemas"]["EvaluationSetItemDTO-Output"];
export type EvalSetItemInput = components["schemas"]["EvaluationSetItemDTO-Input"];
export type EvalTurnInput = components["schemas"]["TurnDTO-Input"];
export type EvalFieldSchema = components["schemas"]["EvalFieldSchemaDTO"];
export type IOJob = components["schemas"]["IOJobDTO"];
export type ItemErrorGroup = components["schemas"]["ItemErrorGroup"];

/** GET and DELETE of the data API take workspace_id in the query. */
const inWorkspace = (spaceId: string) => ({ workspace_id: spaceId });

const DELETED_FIELD = 2;

/** A version's columns (the set's draft is `set.evaluation_set_version`), hidden and deleted ones left out. */
export function versionColumns(version: EvalSetVersion | undefined | null): EvalFieldSchema[] {
  return (version?.evaluation_set_schema?.field_schemas ?? []).filter((field) => !field.hidden && field.status !== DELETED_FIELD);
}

/** The set's live columns. */
export function setColumns(set: EvaluationSet | undefined | null): EvalFieldSchema[] {
  return versionColumns(set?.evaluation_set_version);
}

export interface EvalSetListParams {
  name: string;
  page: number;
  pageSize: number;
}

export function useEvaluationSetList(spaceId: string, params: EvalSetListParams) {
  return useQuery({
    queryKey: queryKeys.evaluationSetList(spaceId, params),
    queryFn: () =>
      unwrap(
        api.POST("/api/evaluation/v1/evaluation_sets/list", {
          body: { workspace_id: spaceId, name: params.name || null, page_number: params.page, page_size: params.pageSize, order_bys: [{ field: "updated_at", is_asc: false }] },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useEvaluationSet(spaceId: string, setId: string | null) {
  return useQuery({
    queryKey: queryKeys.evaluationSet(spaceId, setId ?? ""),
    enabled: !!setId,
    queryFn: async () =>
      (await unwrap(api.GET("/api/evaluation/v1/evaluation_sets/{evaluation_set_id}", { params: { path: { evaluation_set_id: setId ?? "" }, query: inWorkspace(spaceId) } })))
        .evaluation_set,
  });
}

export interface NewColumn {
  name: string;
  description: string;
  contentType: "Text" | "Image";
  required: boolean;
}

/** Upstream's default display format of a text column (PlainText) and schema key (String). */
const PLAIN_TEXT = 1;

export function columnSchema(column: NewColumn): EvalFieldSchema {
  return {
    name: column.name.trim(),
    description: column.description.trim(),
    content_type: column.contentType,
    default_display_format: PLAIN_TEXT,
    isRequired: column.required,
  };
}

export function useCreateEvaluationSet(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ name, description, columns }: { name: string; description: string; columns: NewColumn[] }) =>
      (
        await unwrap(
          api.POST("/api/evaluation/v1/evaluation_sets", {
            body: { workspace_id: spaceId, name, description, evaluation_set_schema: { field_schemas: columns.map(columnSchema) } },
          }),
        )
      ).evaluation_set_id,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.evaluationSets(spaceId) }),
  });
}

export function useDeleteEvaluationSet(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (setId: string) => unwrap(api.DELETE("/api/evaluation/v1/evaluation_sets/{evaluation_set_id}", { params: { path: { evaluation_set_id: setId }, query: inWorkspace(spaceId) } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.evaluationSets(spaceId) }),
  });
}

export function useUpdateEvaluationSet(spaceId: string, setId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name?: string; description?: string }) =>
      unwrap(api.PATCH("/api/evaluation/v1/evaluation_sets/{evaluation_set_id}", { params: { path: { evaluation_set_id: setId } }, body: { workspace_id: spaceId, ...body } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.evaluationSets(spaceId) }),
  });
}

/** The whole schema: fields with a key are updated, fields without one are added (their keys are the server's). */
export function useUpdateSchema(spaceId: string, setId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (fields: EvalFieldSchema[]) =>
      unwrap(api.PUT("/api/evaluation/v1/evaluation_sets/{evaluation_set_id}/schema", { params: { path: { evaluation_set_id: setId } }, body: { workspace_id: spaceId, fields } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.evaluationSet(spaceId, setId) }),
  });
}

export function useEvalSetItems(spaceId: string, setId: string, versionId: string, params: { page: number; pageSize: number }) {
  return useQuery({
    queryKey: queryKeys.evaluationSetItems(spaceId, setId, versionId, params),
    queryFn: () =>
      unwrap(
        api.POST("/api/evaluation/v1/evaluation_sets/{evaluation_set_id}/items/list", {
          params: { path: { evaluation_set_id: setId } },
          body: { workspace_id: spaceId, version_id: versionId || null, page_number: params.page, page_size: params.pageSize },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

function useItemsMutation<TVariables, TResult>(spaceId: string, setId: string, run: (variables: TVariables) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.evaluationSet(spaceId, setId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.evaluationSets(spaceId) });
    },
  });
}

export function useAddItems(spaceId: string, setId: string) {
  return useItemsMutation(spaceId, setId, (items: EvalSetItemInput[]) =>
    unwrap(
      api.POST("/api/evaluation/v1/evaluation_sets/{evaluation_set_id}/items/batch_create", {
        params: { path: { evaluation_set_id: setId } },
        body: { workspace_id: spaceId, items, skip_invalid_items: false, allow_partial_add: false },
      }),
    ),
  );
}

export function useUpdateItem(spaceId: string, setId: string) {
  return useItemsMutation(spaceId, setId, ({ itemId, turns }: { itemId: string; turns: EvalTurnInput[] }) =>
    unwrap(
      api.PUT("/api/evaluation/v1/evaluation_sets/{evaluation_set_id}/items/{item_id}", {
        params: { path: { evaluation_set_id: setId, item_id: itemId } },
        body: { workspace_id: spaceId, turns },
      }),
    ),
  );
}

export function useDeleteItems(spaceId: string, setId: string) {
  return useItemsMutation(spaceId, setId, (itemIds: string[]) =>
    unwrap(
      api.POST("/api/evaluation/v1/evaluation_sets/{evaluation_set_id}/items/batch_delete", {
        params: { path: { evaluation_set_id: setId } },
        body: { workspace_id: spaceId, item_ids: itemIds },
      }),
    ),
  );
}

export function useEvalSetVersions(spaceId: string, setId: string | null) {
  return useQuery({
    queryKey: queryKeys.evaluationSetVersions(spaceId, setId ?? ""),
    enabled: !!setId,
    queryFn: async () =>
      (
        await unwrap(
          api.POST("/api/evaluation/v1/evaluation_sets/{evaluation_set_id}/versions/list", {
            params: { path: { evaluation_set_id: setId ?? "" } },
            body: { workspace_id: spaceId, page_number: 1, page_size: 200 },
          }),
        )
      ).versions,
    // A new version's snapshot is written in the background: follow it until it is complete (or failed).
    refetchInterval: (query) => (query.state.data?.some((version) => version.snapshot_status === SNAPSHOT.unstarted || version.snapshot_status === SNAPSHOT.inProgress) ? 1_500 : false),
  });
}

/** Upstream's SnapshotStatus of a version. */
export const SNAPSHOT = { unstarted: 1, inProgress: 2, completed: 3, failed: 4 } as const;

export function useCreateVersion(spaceId: string, setId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ version, desc }: { version: string; desc: string }) =>
      (
        await unwrap(
          api.POST("/api/evaluation/v1/evaluation_sets/{evaluation_set_id}/versions", {
            params: { path: { evaluation_set_id: setId } },
            body: { workspace_id: spaceId, version, desc },
          }),
        )
      ).id,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.evaluationSetVersions(spaceId, setId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.evaluationSet(spaceId, setId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.evaluationSets(spaceId) });
    },
  });
}

/**
 * Uploads one file straight to the object store with a presigned form from the foundation module; resolves with its
 * uri (the object key to import from, or to store in an image cell). The form bounds the size: a larger file is
 * refused before it is sent, with `sizeAdvice` on what to do instead.
 */
export async function uploadFile(spaceId: string, file: File, sizeAdvice = "Split it and import the parts."): Promise<string> {
  const signed = await unwrap(api.POST("/api/foundation/v1/sign_upload_files", { body: { workspace_id: spaceId, keys: [file.name], business_type: "evaluation", option: {} } }));
  const upload = signed.uploads[0];
  const uri = signed.uris[0];
  if (!upload || !uri) throw new ApiError(500, 500, "The server gave no upload form for the file. Try again.");
  if (file.size > signed.max_bytes) {
    throw new ApiError(413, 413, `The file is ${(file.size / 1_048_576).toFixed(1)} MB; uploads are limited to ${(signed.max_bytes / 1_048_576).toFixed(0)} MB. ${sizeAdvice}`.trim());
  }
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", file);
  let response: Response;
  try {
    response = await fetch(upload.url, { method: "POST", body: form });
  } catch {
    throw new ApiError(0, -1, "Could not upload the file to the object store. Check your connection and try again.");
  }
  if (!response.ok) throw new ApiError(response.status, response.status, `The object store refused the upload (${response.status}). Try again; if it keeps failing, the file may be too large.`);
  return uri;
}

/** The columns the server reads in an uploaded file (used for Parquet, whose header the browser does not parse). */
export async function parseSourceFile(spaceId: string, uri: string, format: FileFormat): Promise<string[]> {
  const parsed = await unwrap(
    api.POST("/api/evaluation/v1/evaluation_sets/parse_import_source_file", { body: { workspace_id: spaceId, file: { path: uri, format, provider: 5 } } }),
  );
  return parsed.field_schemas.map((field) => field.name ?? "").filter((name) => name !== "");
}

export function useStartImport(spaceId: string, setId: string) {
  return useMutation({
    mutationFn: async ({ uri, format, fileName, mappings, overwrite }: { uri: string; format: FileFormat; fileName: string; mappings: ColumnMapping[]; overwrite: boolean }) =>
      (
        await unwrap(
          api.POST("/api/data/v1/datasets/{dataset_id}/import", {
            params: { path: { dataset_id: setId } },
            body: { workspace_id: spaceId, file: { path: uri, format, provider: 5, original_file_name: fileName }, field_mappings: mappings, option: { overwrite_dataset: overwrite } },
          }),
        )
      ).job_id,
  });
}

/** Upstream's JobStatus. */
export const JOB_STATUS = { pending: 1, running: 2, completed: 3, failed: 4, cancelled: 5 } as const;

export function jobFinished(job: IOJob | undefined): boolean {
  return !!job && (job.status === JOB_STATUS.completed || job.status === JOB_STATUS.failed || job.status === JOB_STATUS.cancelled);
}

/** An import or export job, polled every second until it has finished. */
export function useIoJob(spaceId: string, jobId: string | null) {
  return useQuery({
    queryKey: queryKeys.datasetIoJob(spaceId, jobId ?? ""),
    enabled: !!jobId,
    queryFn: async () => (await unwrap(api.GET("/api/data/v1/dataset_io_jobs/{job_id}", { params: { path: { job_id: jobId ?? "" }, query: inWorkspace(spaceId) } }))).job,
    refetchInterval: (query) => (jobFinished(query.state.data) ? false : 1_000),
  });
}

/** Every evaluation set of the workspace (the experiment wizard's picker). */
export function useAllEvaluationSets(spaceId: string) {
  return useQuery({
    queryKey: queryKeys.evaluationSetList(spaceId, "all"),
    queryFn: async () =>
      (await unwrap(api.POST("/api/evaluation/v1/evaluation_sets/list", { body: { workspace_id: spaceId, page_number: 1, page_size: 200, order_bys: [{ field: "updated_at", is_asc: false }] } })))
        .evaluation_sets,
  });
}

/** Upstream's ItemErrorType names, for error reports. */
export const ITEM_ERROR_TYPES: Record<number, string> = {
  1: "Does not match the schema",
  2: "Empty data",
  3: "Item too large",
  4: "Set is full",
  5: "Malformed file",
  6: "Illegal content",
  7: "Required column missing",
  8: "Nested too deep",
  9: "Could not transform",
  10: "Too many images",
  11: "Image too large",
  12: "Could not get the image",
  13: "File type not allowed",
  14: "Too many parts",
  100: "Internal error",
  101: "Could not clear the set",
  102: "Could not read or write the file",
  103: "Could not upload the image",
};
