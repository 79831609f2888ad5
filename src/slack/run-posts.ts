/**
 * How a run recognises its own posts in Slack after a crash. Slack has no idempotency key
 * for messages, so a worker that dies between Slack accepting a post and the run recording
 * it cannot tell from its own records whether the post exists. Each post of a run therefore
 * carries message metadata naming the run and what the post is (`parent`, `reply:<step>:…`),
 * and files carry the id Slack reserved for them, recorded before they are shared. A worker
 * taking the run over reads the thread back (`conversations.replies`, or for a slash run's
 * parent `conversations.history` since just before it was posted) and finds what is there.
 *
 * Reading needs `channels:history` / `groups:history` and the bot in the channel; where it
 * cannot read, the lookup says so and the caller posts again (one duplicate at worst).
 */
import type { webApi } from '@slack/bolt';

/** The metadata event type every post of a run carries. */
export const RUN_POST_EVENT = 'ctrb_run_post';

/** Pages read at most per lookup: a busy channel's history is not read to its start. */
const MAX_PAGES = 20;
const PAGE_SIZE = 200;

export interface RunPostMetadata {
  event_type: typeof RUN_POST_EVENT;
  /** `also`: further keys the same post settles (comma-separated), e.g. several warnings in one message. */
  event_payload: { run_id: string; key: string; also?: string };
}

/** The Web API methods the lookup reads with; a `WebClient` satisfies it. */
export interface ConversationsReader {
  conversations: Pick<webApi.WebClient['conversations'], 'replies' | 'history'>;
}

/** What a lookup found: posts of the run by key (with their ts), and the file ids shared. */
export interface FoundPosts {
  byKey: Map<string, string>;
  /** The further keys a found post settles. */
  also: Map<string, string[]>;
  fileIds: Set<string>;
}

export function runPostMetadata(runId: string, key: string, also: readonly string[] = []): RunPostMetadata {
  return { event_type: RUN_POST_EVENT, event_payload: { run_id: runId, key, ...(also.length > 0 ? { also: also.join(',') } : {}) } };
}

/** Where to look: a thread (its replies), or a channel's top level since a moment (seconds). */
export type PostLocation = { channel: string; threadTs: string } | { channel: string; oldest: number };

/** The run's posts at `where`; throws when Slack cannot be read there (e.g. `not_in_channel`). */
export async function findRunPosts(client: ConversationsReader, where: PostLocation, runId: string): Promise<FoundPosts> {
  const found: FoundPosts = { byKey: new Map(), also: new Map(), fileIds: new Set() };
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer =
      'threadTs' in where
        ? await client.conversations.replies({ channel: where.channel, ts: where.threadTs, include_all_metadata: true, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) })
        : await client.conversations.history({
            channel: where.channel,
            oldest: where.oldest.toFixed(6),
            include_all_metadata: true,
            limit: PAGE_SIZE,
            ...(cursor ? { cursor } : {}),
          });
    for (const message of answer.messages ?? []) {
      const m = message as { ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> }; files?: { id?: string }[] };
      const payload = m.metadata?.event_type === RUN_POST_EVENT ? m.metadata.event_payload : undefined;
      if (payload?.run_id === runId && typeof payload.key === 'string' && m.ts) {
        found.byKey.set(payload.key, m.ts);
        if (typeof payload.also === 'string' && payload.also !== '') found.also.set(payload.key, payload.also.split(','));
      }
      for (const file of m.files ?? []) if (file.id) found.fileIds.add(file.id);
    }
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return found;
}
