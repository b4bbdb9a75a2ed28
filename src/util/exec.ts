import { spawn } from 'node:child_process';

import { FerryError } from '../errors.js';

export interface ExecOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Milliseconds before the process is killed (SIGTERM, then SIGKILL 5 s later). */
  readonly timeoutMs?: number;
  /** Written to the child's stdin, then closed. */
  readonly input?: string | Buffer;
  /** Do not throw on a non-zero exit; the caller reads `exitCode`. */
  readonly allowFailure?: boolean;
  /** Cap on captured stdout/stderr each (bytes); the head is dropped, the tail kept. */
  readonly maxOutputBytes?: number;
  /** Receives output as it arrives (for build logs written while the build runs). */
  readonly onOutput?: (chunk: Buffer, stream: 'stdout' | 'stderr') => void;
  /** Aborting kills the process like a timeout does (SIGTERM, then SIGKILL 5 s later). */
  readonly signal?: AbortSignal;
}

export interface ExecResult {
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** A subprocess that failed: carries the command, its exit code or signal, and its stderr. */
export class ExecError extends FerryError {
  readonly result: ExecResult;

  constructor(result: ExecResult, cause?: unknown) {
    const how = result.timedOut
      ? 'timed out'
      : result.signal
        ? `was killed by ${result.signal}`
        : `exited with ${result.exitCode ?? 'no code'}`;
    const tail = lastLines(result.stderr || result.stdout, 5);
    super('FERRY_EXEC_FAILED', `${result.command} ${how}${tail ? `: ${tail}` : ''}`, { cause });
    this.name = 'ExecError';
    this.result = result;
  }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join(' | ').trim();
}

const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;

/**
 * Runs a program with an argument array (never through a shell) and captures
 * its output. Every subprocess of ferry goes through here.
 *
 * @example
 *   const { stdout } = await exec('git', ['rev-parse', 'HEAD'], { cwd: repo });
 */
export function exec(
  command: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const maxBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const terminate = (): void => {
      if (killTimer !== undefined) return;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            terminate();
          }, options.timeoutMs);
    const onAbort = (): void => terminate();
    if (options.signal?.aborted) terminate();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    const keep = (chunks: Buffer[], chunk: Buffer, size: number): number => {
      chunks.push(chunk);
      size += chunk.length;
      while (size > maxBytes && chunks.length > 1) size -= chunks.shift()!.length;
      return size;
    };
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes = keep(out, chunk, outBytes);
      options.onOutput?.(chunk, 'stdout');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errBytes = keep(err, chunk, errBytes);
      options.onOutput?.(chunk, 'stderr');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      const reason =
        error.code === 'ENOENT' ? `${command}: command not found` : `${command}: ${error.message}`;
      reject(new FerryError('FERRY_EXEC_FAILED', reason, { cause: error }));
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      const result: ExecResult = {
        command,
        args,
        exitCode,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      };
      if ((exitCode !== 0 || timedOut) && !options.allowFailure) reject(new ExecError(result));
      else resolve(result);
    });
    child.stdin.on('error', () => {
      // The child may exit without reading its input; its exit status tells what happened.
    });
    child.stdin.end(options.input);
  });
}
