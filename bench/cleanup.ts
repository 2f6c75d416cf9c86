/**
 * Clean-ups to run if the bench is interrupted (Ctrl-C, a CI timeout) in the middle of something:
 * the signal handler in run.ts calls `runCleanups` before exiting, so no server, sandbox, temporary
 * folder or throwaway database outlives the run. Each clean-up must be safe to run twice.
 */
const pending = new Set<() => Promise<void>>();

/** Registers `cleanup`; the returned function unregisters it (call it once the work has cleaned up after itself). */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  pending.add(cleanup);
  return () => {
    pending.delete(cleanup);
  };
}

/** Newest first, like unwinding: a database is dropped before the folder that holds its secrets goes. */
export async function runCleanups(): Promise<void> {
  for (const cleanup of [...pending].reverse()) {
    pending.delete(cleanup);
    try {
      await cleanup();
    } catch (error) {
      console.error(`clean-up failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
