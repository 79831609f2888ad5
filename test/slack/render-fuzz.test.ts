import { describe, expect, it } from 'vitest';
import {
  renderApprovalMessage,
  renderRefusal,
  renderRunMessage,
  renderRunNotFound,
  renderStepReply,
  type SlackMessage,
} from '../../src/slack/render/index.js';
import { blockKitProblems } from '../fakes/slack-api.js';
import { approvalView, checkStep, finding, plan, queryStep, runContext } from './builders.js';

// Characters that break naive truncation: entities, fences, surrogate pairs, ZWJ sequences.
const PIECES = ['a', '&', '<', '>', '`', '```', '😀', '\n', ' ', '*', '|', 'é', '🧑‍💻', '<!channel>'];

/** A small deterministic generator, so a failure reproduces. */
function generator(seed: number) {
  let state = seed;
  const int = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % n;
  };
  const text = (max: number) => Array.from({ length: int(max) }, () => PIECES[int(PIECES.length)]).join('');
  return { int, text };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The text Slack parses as mrkdwn: the message text and every mrkdwn text object. */
function mrkdwnTexts(message: SlackMessage): string[] {
  const out = [message.text];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      if (obj.type === 'mrkdwn' && typeof obj.text === 'string') out.push(obj.text);
      Object.values(obj).forEach(walk);
    }
  };
  walk(message.blocks);
  return out;
}

function expectAcceptable(message: SlackMessage): void {
  expect(blockKitProblems(message)).toEqual([]);
  expect(JSON.stringify(message)).not.toMatch(LONE_SURROGATE);
  for (const text of mrkdwnTexts(message)) expect(text).not.toContain('<!channel>');
}

describe('any content renders to a message Slack accepts', () => {
  it('random rows, findings, plans and parameters, cut safely', () => {
    const { int, text } = generator(20_261_102);
    for (let round = 0; round < 20; round++) {
      const columns = Array.from({ length: 1 + int(12) }, (_, i) => `c${i}${text(5)}`);
      const rows = Array.from({ length: int(400) }, () => Object.fromEntries(columns.map((c) => [c, int(5) === 0 ? null : text(80)])));
      expectAcceptable(renderStepReply(runContext(), queryStep(rows, { title: text(200) || 't', note: text(7_000) })).message);

      const findings = Array.from({ length: int(300) }, (_, i) => finding(i, 'low', { message: text(2_000), eventIDs: [text(50)] }));
      expectAcceptable(renderStepReply(runContext(), checkStep(findings, { status: 'failed', reason: text(5_000) })).message);

      const denials = Array.from({ length: int(60) }, () => ({ userId: 'U0APPROVE1', decision: 'deny' as const, at: '2026-11-02T12:00:00Z', reason: text(600) }));
      const view = approvalView({ plan: plan({ summary: text(5_000), action: text(300) || 'a', warnings: [text(4_000)] }), decisions: denials, status: 'denied' });
      expectAcceptable(renderApprovalMessage(view));

      expectAcceptable(renderRunMessage({ title: text(400) || 't', context: runContext({ params: { p: text(3_000), q: [text(2_000), text(2_000)] } }) }));
      expectAcceptable(renderRefusal(text(300) || 'refused', [text(500), text(500)]));
      expectAcceptable(renderRunNotFound(text(100) || 'r'));
    }
  });
});
