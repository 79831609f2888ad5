/**
 * Uploading a file into a thread with Slack's current flow (files.upload is retired):
 *   1. files.getUploadURLExternal(filename, length) → a one-off upload URL and a file id;
 *   2. POST the bytes to that URL;
 *   3. files.completeUploadExternal(files, channel_id, thread_ts, initial_comment) shares it.
 *
 * Steps 1 and 3 go through the WebClient (its token, base URL and retries). The upload URL
 * is pre-authorized, so the bot token is not sent to it; a 429 or 5xx from it is retried here,
 * honouring Retry-After.
 */
import type { webApi } from '@slack/bolt';

/** The two Web API methods the flow needs; a `WebClient` satisfies it. */
export interface FileUploadClient {
  files: Pick<webApi.WebClient['files'], 'getUploadURLExternal' | 'completeUploadExternal'>;
}

export interface ThreadFile {
  filename: string;
  title?: string;
  content: Buffer | string;
  /** A message posted with the file. */
  initialComment?: string;
  /**
   * Called with the file's id once Slack reserved it and before it is shared, so a caller can
   * record it and, after a crash, find the shared file in the thread by that id.
   */
  beforeShare?: (fileId: string) => Promise<void>;
}

export interface UploadTarget {
  channel: string;
  /** The thread to put the file in; the channel itself when absent. */
  threadTs?: string;
}

export interface UploadOptions {
  fetch?: typeof fetch;
  /** Attempts at the upload URL before giving up. */
  attempts?: number;
  /** Longest wait between attempts, whatever Retry-After says. */
  maxRetryWaitMs?: number;
}

export class FileUploadError extends Error {
  override name = 'FileUploadError';

  constructor(
    message: string,
    /** Whether trying the whole upload again later may succeed. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export async function uploadFileToThread(
  client: FileUploadClient,
  target: UploadTarget,
  file: ThreadFile,
  opts: UploadOptions = {},
): Promise<{ fileId: string }> {
  const bytes = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
  if (bytes.length === 0) throw new FileUploadError(`${file.filename}: Slack does not accept empty files`, false);

  const reserved = await client.files.getUploadURLExternal({ filename: file.filename, length: bytes.length });
  if (!reserved.upload_url || !reserved.file_id) {
    throw new FileUploadError('files.getUploadURLExternal returned no upload_url or file_id', true);
  }
  await postBytes(reserved.upload_url, bytes, opts);
  await file.beforeShare?.(reserved.file_id);
  const files: webApi.FilesCompleteUploadExternalArguments['files'] = [{ id: reserved.file_id, title: file.title ?? file.filename }];
  const comment = file.initialComment;
  await client.files.completeUploadExternal(
    target.threadTs !== undefined
      ? { files, channel_id: target.channel, thread_ts: target.threadTs, initial_comment: comment }
      : { files, channel_id: target.channel, initial_comment: comment },
  );
  return { fileId: reserved.file_id };
}

type PostOutcome = { ok: true } | { ok: false; problem: string; retryable: boolean; waitMs?: number };

async function postBytes(url: string, bytes: Buffer, opts: UploadOptions): Promise<void> {
  const attempts = opts.attempts ?? 3;
  const maxWait = opts.maxRetryWaitMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    const outcome = await postOnce(opts.fetch ?? fetch, url, bytes);
    if (outcome.ok) return;
    if (!outcome.retryable || attempt >= attempts) throw new FileUploadError(outcome.problem, outcome.retryable);
    await sleep(Math.min(outcome.waitMs ?? 1_000 * attempt, maxWait));
  }
}

async function postOnce(doFetch: typeof fetch, url: string, bytes: Buffer): Promise<PostOutcome> {
  try {
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(bytes),
    });
    await res.arrayBuffer();
    if (res.ok) return { ok: true };
    const retryAfter = Number.parseInt(res.headers.get('retry-after') ?? '', 10);
    return {
      ok: false,
      problem: `upload URL answered HTTP ${res.status}`,
      retryable: res.status === 429 || res.status >= 500,
      waitMs: Number.isNaN(retryAfter) ? undefined : retryAfter * 1_000,
    };
  } catch (e) {
    return { ok: false, problem: `upload failed: ${(e as Error).message}`, retryable: true };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
