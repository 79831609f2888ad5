import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileUploadError, uploadFileToThread } from '../../src/slack/files.js';
import { renderStepReply } from '../../src/slack/render/index.js';
import { FAKE_BOT_TOKEN, FakeSlackApi } from '../fakes/slack-api.js';
import { cloudTrailRows, queryStep, runContext } from './builders.js';

let fake: FakeSlackApi;
let web: webApi.WebClient;
beforeAll(async () => {
  fake = await FakeSlackApi.start();
  web = new webApi.WebClient(FAKE_BOT_TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
});
afterAll(() => fake.close());

async function thread(): Promise<string> {
  const parent = await web.chat.postMessage({ channel: 'C0SECOPS', text: 'run parent' });
  return parent.ts!;
}

describe('uploading a step result into the run thread', () => {
  it('reserves an upload URL, sends the bytes, and shares the file in the thread', async () => {
    const threadTs = await thread();
    const { csv } = renderStepReply(runContext(), queryStep(cloudTrailRows(900)));
    const { fileId } = await uploadFileToThread(
      web,
      { channel: 'C0SECOPS', threadTs },
      { filename: csv!.filename, title: csv!.title, content: csv!.content, initialComment: 'Full result of *Calls made with the key*' },
    );

    const reserve = fake.callsTo('files.getUploadURLExternal').at(-1)!;
    expect(reserve.args).toMatchObject({ filename: 'access-key-leak-key_activity-r-01JD3Q6Z8K4M2N.csv', length: String(csv!.content.length) });
    const complete = fake.callsTo('files.completeUploadExternal').at(-1)!;
    expect(complete.args).toMatchObject({
      files: [{ id: fileId, title: 'Calls made with the key: full result (900 rows)' }],
      channel_id: 'C0SECOPS',
      thread_ts: threadTs,
      initial_comment: 'Full result of *Calls made with the key*',
    });
    expect(fake.uploads.get(fileId)).toMatchObject({ completed: true, channel: 'C0SECOPS', threadTs });
    expect(fake.uploads.get(fileId)!.bytes!.equals(csv!.content)).toBe(true);
    expect(fake.threadReplies('C0SECOPS', threadTs)).toEqual([expect.objectContaining({ subtype: 'file_share', files: [{ id: fileId, title: csv!.title }] })]);
  });

  it('does not send the bot token to the upload URL', async () => {
    await uploadFileToThread(web, { channel: 'C0SECOPS', threadTs: await thread() }, { filename: 'a.csv', content: 'a,b\n1,2\n' });
    expect(fake.callsTo('upload').at(-1)!.args.authorization).toBeUndefined();
  });

  it('retries the upload URL after a 429, waiting as long as Retry-After says', async () => {
    fake.rateLimit('upload', { times: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    const { fileId } = await uploadFileToThread(web, { channel: 'C0SECOPS', threadTs: await thread() }, { filename: 'b.csv', content: 'x\n1\n' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(fake.uploads.get(fileId)!.completed).toBe(true);
  });

  it('gives up with a retryable error when the upload URL keeps refusing', async () => {
    fake.rateLimit('upload', { times: 5, retryAfterSeconds: 0 });
    const upload = uploadFileToThread(web, { channel: 'C0SECOPS', threadTs: await thread() }, { filename: 'c.csv', content: 'x\n' }, { attempts: 2 });
    await expect(upload).rejects.toMatchObject({ name: 'FileUploadError', retryable: true, message: 'upload URL answered HTTP 429' });
    fake.rateLimit('upload', { times: 0 });
  });

  it('refuses an empty file before calling Slack', async () => {
    const before = fake.calls.length;
    await expect(uploadFileToThread(web, { channel: 'C0SECOPS' }, { filename: 'empty.csv', content: '' })).rejects.toBeInstanceOf(FileUploadError);
    expect(fake.calls.length).toBe(before);
  });
});
