/**
 * When the reader of ferry's output goes away (`ferry catalog list | head`),
 * the next write to the pipe fails with EPIPE. A Unix tool dies of SIGPIPE
 * there, silently; node ignores SIGPIPE and reports EPIPE as an 'error'
 * event on process.stdout, which, unhandled, ended ferry with a stack trace.
 *
 * With this guard, output to a stream whose reader left is dropped without a
 * word. A command that ends by itself finishes and exits with its own code
 * (`ferry repo closure ... | head -1` still exits 1 when dependencies are
 * missing). A long-running one (`chase --loop`, `serve`: they listen for
 * SIGTERM) is sent SIGTERM and stops as it would then, instead of working on
 * for nobody.
 */

const READER_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED']);

export interface OutputGuard {
  /** Whether the stream's reader went away (writes to it are dropped). */
  readonly closed: (stream: NodeJS.WritableStream) => boolean;
}

/**
 * Installs the guard on `streams` (default stdout and stderr). Errors other
 * than the reader leaving are thrown again, as if there were no handler.
 */
export function guardClosedOutput(
  streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr],
): OutputGuard {
  const gone = new Set<NodeJS.WritableStream>();
  let signalled = false;
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (!READER_GONE.has(error.code ?? '')) throw error;
      gone.add(stream);
      // Only a command that handles SIGTERM gets it: without a listener it would kill the process.
      if (!signalled && process.listenerCount('SIGTERM') > 0) {
        signalled = true;
        process.kill(process.pid, 'SIGTERM');
      }
    });
  }
  return { closed: (stream) => gone.has(stream) };
}
