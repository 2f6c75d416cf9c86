import 'server-only';
/**
 * Document storage (DESIGN §6): issued invoice PDFs now, port-in LOAs and bills later. Callers name
 * a document by a key (`invoices/<account>/<invoice>.pdf`) and never see where it lives. The default
 * keeps files under DATA_DIR/documents — never a public path: downloads go through a route that
 * checks who is asking. Another backend (an object store) implements the same three calls.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getEnv } from '@/lib/env';

export interface StoredDocument {
  bytes: Buffer;
  contentType: string;
}

export interface DocumentStorage {
  /** Writes (or replaces) the document under `key`, whole or not at all. */
  put(key: string, bytes: Uint8Array, options: { contentType: string }): Promise<void>;
  /** The document, or undefined when nothing is stored under `key`. */
  get(key: string): Promise<StoredDocument | undefined>;
  /** Deletes it; a key with nothing stored is not an error. */
  remove(key: string): Promise<void>;
}

/** Lower-case segments of letters, digits, `.`, `_` and `-` between slashes, none starting with a dot: no `..`, no absolute path, no hidden file. */
const KEY = /^[a-z0-9][a-z0-9._-]{0,127}(\/[a-z0-9][a-z0-9._-]{0,127}){0,7}$/;

export function assertDocumentKey(key: string): void {
  if (!KEY.test(key) || key.length > 512) throw new RangeError(`Not a document key: ${JSON.stringify(key.slice(0, 80))}`);
}

/** Files under `root`: the bytes at `<root>/<key>`, the content type beside them in `<root>/.meta/<key>.json` (no key can start with a dot). */
export function fileDocumentStorage(root: string): DocumentStorage {
  const fileOf = (key: string) => {
    assertDocumentKey(key);
    const file = path.resolve(root, ...key.split('/'));
    // The key pattern already keeps it inside; this is the second lock on the same door.
    if (!file.startsWith(path.resolve(root) + path.sep)) throw new RangeError('A document key must stay inside the storage folder');
    return file;
  };
  const metaOf = (key: string) => path.resolve(root, '.meta', ...`${key}.json`.split('/'));

  async function writeWhole(target: string, bytes: Uint8Array | string) {
    await mkdir(path.dirname(target), { recursive: true });
    const partial = `${target}.${randomUUID()}.part`;
    try {
      await writeFile(partial, bytes);
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  return {
    async put(key, bytes, { contentType }) {
      const file = fileOf(key);
      await writeWhole(metaOf(key), JSON.stringify({ contentType, size: bytes.byteLength }));
      await writeWhole(file, bytes);
    },
    async get(key) {
      const file = fileOf(key);
      const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (!bytes) return undefined;
      const meta = await readFile(metaOf(key), 'utf8')
        .then((text) => JSON.parse(text) as { contentType?: unknown })
        .catch(() => ({ contentType: undefined }));
      return { bytes, contentType: typeof meta.contentType === 'string' ? meta.contentType : 'application/octet-stream' };
    },
    async remove(key) {
      await rm(fileOf(key), { force: true });
      await rm(metaOf(key), { force: true });
    },
  };
}

let override: DocumentStorage | undefined;

/** The storage in use: files under DATA_DIR/documents unless another was installed. */
export function getDocumentStorage(): DocumentStorage {
  return override ?? fileDocumentStorage(path.join(getEnv().dataDir, 'documents'));
}

/** Installs another backend (an object store, or a test's); undefined restores the default. */
export function setDocumentStorage(storage: DocumentStorage | undefined): void {
  override = storage;
}
