// The JavaScript side of the sandbox. harness.py confined this process (namespaces, limits, capabilities,
// syscall filter), then wrote request.json ({mode, code, turn, result_fd}) and this file in the working
// directory and became Node.
// As upstream's template: `turn` and `EvalOutput` are globals, the user's `exec_evaluation(turn)` (or
// `execEvaluation`) returns {score, reason} or an EvalOutput, and may return a Promise of one.
// Reports on the request's result_fd exactly as harness.py does.
'use strict';

const fs = require('fs');
const vm = require('vm');

const request = JSON.parse(fs.readFileSync('request.json', 'utf8'));
fs.unlinkSync('request.json');
const RESULT_FD = Number.isInteger(request.result_fd) ? request.result_fd : 3;
const FILENAME = 'evaluator.js';
const MAX_REASON_CHARS = 256 * 1024;
const MAX_REPR_CHARS = 200;
const TRACE_LINES = 30;
const TRACE_CHARS = 4000;

function emit(message) {
  fs.writeSync(RESULT_FD, JSON.stringify(message) + '\n');
}

function clip(text, limit) {
  return text.length <= limit ? text : text.slice(0, limit) + `... [${text.length - limit} characters clipped]`;
}

function safeRepr(value) {
  try {
    return clip(typeof value === 'string' ? value : String(JSON.stringify(value) ?? value), MAX_REPR_CHARS);
  } catch (_) {
    return `<${typeof value}>`;
  }
}

function encodeScore(score) {
  if (score === undefined || score === null) return { score_type: 'none' };
  if (typeof score === 'boolean') return { score_type: 'bool', score_repr: String(score) };
  if (typeof score === 'string') return { score_type: 'string', score: clip(score, MAX_REPR_CHARS) };
  if (typeof score === 'number') {
    return Number.isFinite(score) ? { score_type: 'number', score } : { score_type: 'number', score_repr: String(score) };
  }
  return { score_type: typeof score, score_repr: safeRepr(score) };
}

function encodeReason(reason) {
  if (reason === undefined || reason === null) return '';
  return clip(typeof reason === 'string' ? reason : safeRepr(reason), MAX_REASON_CHARS);
}

function errorKind(error) {
  const text = String(error && error.message);
  return error instanceof RangeError && /allocation failed|out of memory/i.test(text) ? 'memory' : 'exception';
}

function describeError(error) {
  const name = (error && error.constructor && error.constructor.name) || typeof error;
  const message = error && error.message !== undefined ? `${name}: ${error.message}` : `${name}: ${String(error)}`;
  // Keep the user's frames; drop the harness's (and Node's internals after them).
  const stack = String((error && error.stack) || message)
    .split('\n')
    .filter((line) => !line.includes(__filename) && !line.includes('node:internal'))
    .slice(-TRACE_LINES)
    .join('\n');
  return { kind: errorKind(error), message: clip(message, TRACE_CHARS), traceback: clip(stack, TRACE_CHARS) };
}

class EvalOutput {
  constructor(score, reason) {
    this.score = score;
    this.reason = reason;
  }
}

function compile(code) {
  try {
    return new vm.Script(code, { filename: FILENAME });
  } catch (error) {
    if (error instanceof SyntaxError) {
      // The stack of a SyntaxError from vm.Script starts "evaluator.js:LINE", the line and a caret, then the error.
      const lines = String(error.stack).split('\n');
      const end = lines.findIndex((line) => line.startsWith('SyntaxError') || line.startsWith('    at '));
      const where = lines.slice(0, end < 0 ? 3 : end).filter((line) => line.trim() !== '');
      const detail = [...where, `SyntaxError: ${error.message}`].join('\n');
      emit({ error: { kind: 'syntax', message: clip(detail, TRACE_CHARS), traceback: '' } });
      return null;
    }
    throw error;
  }
}

async function run(request) {
  const script = compile(request.code);
  if (script === null) return;
  if (request.mode === 'check') {
    emit({ result: { valid: true } });
    return;
  }
  globalThis.EvalOutput = EvalOutput;
  globalThis.turn = request.turn;
  let output;
  try {
    script.runInThisContext();
    // A top-level `const exec_evaluation = ...` is not a property of globalThis, but a later script sees it.
    const found = vm.runInThisContext(
      'typeof exec_evaluation === "function" ? exec_evaluation : ' +
        '(typeof execEvaluation === "function" ? execEvaluation : undefined)',
    );
    if (found === undefined) {
      emit({ error: { kind: 'missing_function', message: '', traceback: '' } });
      return;
    }
    output = await found(request.turn);
  } catch (error) {
    emit({ error: describeError(error) });
    return;
  }
  if (output === undefined || output === null) {
    emit({ error: { kind: 'bad_return', message: `exec_evaluation returned ${output}`, traceback: '' } });
  } else if (typeof output !== 'object' || !('score' in output)) {
    const what = typeof output === 'object' ? 'an object without a score' : `a ${typeof output}`;
    emit({ error: { kind: 'bad_return', message: `exec_evaluation returned ${what} (${safeRepr(output)})`, traceback: '' } });
  } else {
    emit({ result: { ...encodeScore(output.score), reason: encodeReason(output.reason) } });
  }
}

run(request)
  .catch((error) => emit({ error: describeError(error) }))
  .finally(() => process.exit(0)); // timers or promises the user left pending must not keep Node alive
