import { unlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { replaceFile } from './replace-file.js';

/**
 * The one publish in progress, written before a snapshot directory is staged
 * and removed once the build is recorded and the labels switched. After a
 * crash, recovery reads it to remove a half-made snapshot or to finish one
 * whose build was recorded (see recovery.ts).
 */
export interface PublishJournal {
  /** `staging`: the snapshot is being built aside; `placing`: it is being renamed into place and recorded. */
  readonly phase: 'staging' | 'placing';
  readonly jobId: number;
  readonly attempt: number;
  readonly projectName: string;
  readonly commitHash: string;
  readonly distroHash: string;
  readonly extendedHash: string | null;
  readonly component: string | null;
  /** Absolute paths. */
  readonly staging: string;
  readonly final: string;
  /** Where an older directory with the same name is moved while the new one takes its place. */
  readonly trash: string;
}

export function journalPath(stateDir: string): string {
  return join(stateDir, 'publish.json');
}

export async function writeJournal(stateDir: string, journal: PublishJournal): Promise<void> {
  await replaceFile(journalPath(stateDir), `${JSON.stringify(journal)}\n`);
}

export async function readJournal(stateDir: string): Promise<PublishJournal | null> {
  try {
    return JSON.parse(await readFile(journalPath(stateDir), 'utf8')) as PublishJournal;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // A torn journal cannot exist (atomic write); anything else unreadable is treated as no journal.
    return null;
  }
}

export function clearJournal(stateDir: string): Promise<void> {
  try {
    unlinkSync(journalPath(stateDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
  return Promise.resolve();
}
