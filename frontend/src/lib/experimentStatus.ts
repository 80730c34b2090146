/** Experiment and item states as upstream's expt.thrift numbers them, and the progress the console shows. */

export const EXPT_STATUS = {
  pending: 2,
  processing: 3,
  success: 11,
  failed: 12,
  terminated: 13,
  systemTerminated: 14,
  terminating: 15,
} as const;

const STATUS_LABELS: Record<number, { label: string; color: "grey" | "blue" | "green" | "red" | "orange" }> = {
  2: { label: "Pending", color: "grey" },
  3: { label: "Running", color: "blue" },
  11: { label: "Success", color: "green" },
  12: { label: "Failed", color: "red" },
  13: { label: "Killed", color: "orange" },
  14: { label: "Stopped by the system", color: "orange" },
  15: { label: "Killing", color: "orange" },
};

export function statusLabel(status: number): { label: string; color: "grey" | "blue" | "green" | "red" | "orange" } {
  return STATUS_LABELS[status] ?? { label: `Status ${status}`, color: "grey" };
}

/** Still running (or about to): the console keeps refreshing it. */
export function isRunning(status: number): boolean {
  return status === EXPT_STATUS.pending || status === EXPT_STATUS.processing || status === EXPT_STATUS.terminating;
}

export function isFinished(status: number): boolean {
  return !isRunning(status);
}

/** Item run states (ItemRunState). */
export const ITEM_STATE = { queueing: 0, processing: 1, success: 2, fail: 3, terminal: 5 } as const;

const ITEM_LABELS: Record<number, { label: string; color: "grey" | "blue" | "green" | "red" | "orange" }> = {
  0: { label: "Queued", color: "grey" },
  1: { label: "Running", color: "blue" },
  2: { label: "Success", color: "green" },
  3: { label: "Failed", color: "red" },
  5: { label: "Terminated", color: "orange" },
};

export function itemStateLabel(state: number): { label: string; color: "grey" | "blue" | "green" | "red" | "orange" } {
  return ITEM_LABELS[state] ?? { label: `State ${state}`, color: "grey" };
}

export interface StatsLike {
  pending_turn_cnt?: number;
  success_turn_cnt?: number;
  fail_turn_cnt?: number;
  terminated_turn_cnt?: number;
  processing_turn_cnt?: number;
}

export interface Progress {
  success: number;
  fail: number;
  terminated: number;
  done: number;
  total: number;
  /** 0..100, whole numbers; 100 only when every item is done. */
  percent: number;
}

/**
 * Done = succeeded + failed + terminated, out of the total (the item count, or the counters' sum while the
 * item rows are still being created). Rounded down so a bar never shows 100 % with work left.
 */
export function progressOf(stats: StatsLike | null | undefined, totalItems: number | string | null | undefined): Progress {
  const success = stats?.success_turn_cnt ?? 0;
  const fail = stats?.fail_turn_cnt ?? 0;
  const terminated = stats?.terminated_turn_cnt ?? 0;
  const counted = success + fail + terminated + (stats?.pending_turn_cnt ?? 0) + (stats?.processing_turn_cnt ?? 0);
  const total = Math.max(Number(totalItems ?? 0) || 0, counted);
  const done = success + fail + terminated;
  const percent = total === 0 ? 0 : Math.floor((done / total) * 100);
  return { success, fail, terminated, done, total, percent };
}

/** Turn run states (TurnRunState) number differently from item states. */
const TURN_LABELS: Record<number, { label: string; color: "grey" | "blue" | "green" | "red" | "orange" }> = {
  0: { label: "Queued", color: "grey" },
  1: { label: "Success", color: "green" },
  2: { label: "Failed", color: "red" },
  3: { label: "Running", color: "blue" },
  4: { label: "Terminated", color: "orange" },
};

export function turnStateLabel(state: number): { label: string; color: "grey" | "blue" | "green" | "red" | "orange" } {
  return TURN_LABELS[state] ?? { label: `State ${state}`, color: "grey" };
}
