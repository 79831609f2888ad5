import { describe, expect, it } from 'vitest';
import { fitMessage, renderApprovalMessage, renderHelp, renderStepReply, type Block } from '../../src/slack/render/index.js';
import { renderTable } from '../../src/slack/render/table.js';
import { blockKitProblems } from '../fakes/slack-api.js';
import { approvalView, blockText, checkStep, cloudTrailRows, finding, plan, queryStep, runContext } from './builders.js';

describe('a query step with 5,000 rows', () => {
  const rows = cloudTrailRows(5_000);
  const reply = renderStepReply(runContext(), queryStep(rows));

  it('stays within every Block Kit limit', () => {
    expect(blockKitProblems(reply.message)).toEqual([]);
  });

  it('shows what fits and says how many rows were cut and that the CSV is attached', () => {
    const text = blockText(reply.message.blocks);
    const table = /```\n([\s\S]*?)\n```/.exec(text)?.[1] ?? '';
    const shown = table.split('\n').length - 1; // minus the header line
    expect(shown).toBeGreaterThan(5);
    expect(text).toContain(`… ${(5_000 - shown).toLocaleString('en-US')} more rows; full result attached as CSV.`);
  });

  it('comes with the full result as CSV, every row in it', () => {
    expect(reply.csv).toBeDefined();
    const lines = reply.csv!.content.toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(5_001);
    expect(lines[0]).toBe('eventTime,eventName,sourceIPAddress,userAgent,eventID');
    expect(reply.csv!.filename).toBe('access-key-leak-key_activity-r-01JD3Q6Z8K4M2N.csv');
  });

  it('states the row count, engine, time and data scanned', () => {
    const text = blockText(reply.message.blocks);
    expect(text).toContain('5,000 rows · athena · 4.2 s · 52,000 events scanned · 3.4 MB scanned');
  });
});

describe('a result whose rows fit but whose cells are long', () => {
  const longAgent = `Mozilla/5.0 ${'x'.repeat(4_000)}`;
  const reply = renderStepReply(runContext(), queryStep([{ eventName: 'ConsoleLogin', userAgent: longAgent }]));

  it('shortens the cells, says so, and attaches the CSV with the full value', () => {
    expect(blockKitProblems(reply.message)).toEqual([]);
    const text = blockText(reply.message.blocks);
    expect(text).toContain('Mozilla/5.0 xxx');
    expect(text).not.toContain('x'.repeat(100));
    expect(text).toContain('Long values are shortened; full result attached as CSV.');
    expect(reply.csv!.content.toString()).toContain(longAgent);
  });

  it('attaches no CSV when everything is shown', () => {
    const rows = [{ eventName: 'ConsoleLogin', sourceIPAddress: '203.0.113.7' }];
    const reply = renderStepReply(runContext(), queryStep(rows));
    expect(reply.csv).toBeUndefined();
    expect(blockText(reply.message.blocks)).not.toContain('CSV');
  });
});

describe('a result too wide for one section', () => {
  it('narrows the columns before it drops rows, and stays within the limit', () => {
    const columns = Array.from({ length: 40 }, (_, i) => `column_${i}`);
    const rows = Array.from({ length: 30 }, (_, r) => Object.fromEntries(columns.map((c) => [c, `value-${r}-${c}-${'z'.repeat(30)}`])));
    const table = renderTable(columns, rows, { maxChars: 3_000 });
    expect(table.shownRows).toBeGreaterThan(0);
    expect(table.mrkdwn!.length).toBeLessThanOrEqual(3_000);
    expect(table.cellsCut).toBe(true);
  });

  it('says the result is too wide when not even the header fits', () => {
    const columns = Array.from({ length: 400 }, (_, i) => `column_number_${i}`);
    const reply = renderStepReply(runContext(), queryStep([Object.fromEntries(columns.map((c) => [c, 'v']))]));
    expect(blockKitProblems(reply.message)).toEqual([]);
    expect(blockText(reply.message.blocks)).toContain('too wide to show here (400 columns); full result attached as CSV');
    expect(reply.csv).toBeDefined();
  });
});

describe('a check step with 60 findings', () => {
  const findings = Array.from({ length: 60 }, (_, i) => finding(i, i % 7 === 0 ? 'critical' : 'medium'));
  const reply = renderStepReply(runContext(), checkStep(findings));
  const text = blockText(reply.message.blocks);

  it('stays within every limit and lists them worst first', () => {
    expect(blockKitProblems(reply.message)).toEqual([]);
    const firstMedium = text.indexOf('*medium*');
    const lastCritical = text.lastIndexOf('*critical*');
    expect(lastCritical).toBeGreaterThan(-1);
    expect(lastCritical).toBeLessThan(firstMedium);
  });

  it('shows every finding with its first event ids and counts the rest', () => {
    for (let i = 0; i < 60; i++) expect(text).toContain(`203.0.113.${i} outside`);
    expect(text).toContain('`ev-0-a` `ev-0-b` `ev-0-c` +1 more');
  });

  it('counts the findings that do not fit when there are thousands', () => {
    const many = Array.from({ length: 3_000 }, (_, i) => finding(i, 'low', { message: `${'long finding text '.repeat(20)} ${i}` }));
    const big = renderStepReply(runContext(), checkStep(many));
    expect(blockKitProblems(big.message)).toEqual([]);
    expect(blockText(big.message.blocks)).toMatch(/… [\d,]+ more findings \(🔵 3000 low in all\)/);
  });
});

describe('fitMessage, the safety net under every renderer', () => {
  const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });

  it('cuts long section text, keeping code fences closed and entities whole', () => {
    const text = `\`\`\`\n${'a &amp; b '.repeat(600)}\n\`\`\``;
    const fitted = fitMessage({ text: 'x', blocks: [section(text)] });
    const out = (fitted.blocks[0] as { text: { text: string } }).text.text;
    expect(out.length).toBeLessThanOrEqual(3_000);
    expect(out.endsWith('…\n```')).toBe(true);
    expect(out).not.toMatch(/&[a-z]*…/);
  });

  it('folds surplus fields and context elements into a count', () => {
    const fields = Array.from({ length: 14 }, (_, i) => ({ type: 'mrkdwn' as const, text: `field ${i}` }));
    const elements = Array.from({ length: 12 }, (_, i) => ({ type: 'mrkdwn' as const, text: `element ${i}` }));
    const fitted = fitMessage({ text: 'x', blocks: [{ type: 'section', fields }, { type: 'context', elements }] });
    expect(blockKitProblems(fitted)).toEqual([]);
    expect(blockText(fitted.blocks)).toContain('… 5 more');
    expect(blockText(fitted.blocks)).toContain('… 3 more');
  });

  it('drops surplus blocks with a count but never the buttons', () => {
    const blocks: Block[] = [
      ...Array.from({ length: 70 }, (_, i) => section(`block ${i}`)),
      { type: 'actions', elements: [{ type: 'button', action_id: 'approval_approve', text: { type: 'plain_text', text: 'Approve' }, value: 'apr_1' }] },
    ];
    const fitted = fitMessage({ text: 'x', blocks });
    expect(fitted.blocks).toHaveLength(50);
    expect(fitted.blocks.at(-1)!.type).toBe('actions');
    expect(blockText(fitted.blocks)).toContain('… 22 more blocks not shown');
    expect(blockText(fitted.blocks)).toContain('block 47');
  });

  it('cuts headers to 150 characters and text to 40,000', () => {
    const fitted = fitMessage({
      text: 'y'.repeat(50_000),
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'H'.repeat(400) } }],
    });
    expect(blockKitProblems(fitted)).toEqual([]);
    expect(fitted.text.length).toBeLessThanOrEqual(40_000);
  });
});

describe('other messages at their limits', () => {
  it('an approval for 400 targets and 400 API calls still fits, with the buttons', () => {
    const targets = Array.from({ length: 400 }, (_, i) => ({ user: `user-${i}`, access_key_id: `AKIA${String(i).padStart(16, '0')}` }));
    const calls = targets.map((t) => ({ service: 'iam', operation: 'UpdateAccessKey', params: { UserName: t.user, AccessKeyId: t.access_key_id, Status: 'Inactive' } }));
    const message = renderApprovalMessage(approvalView({ plan: plan({ targets, calls, warnings: Array(30).fill('w'.repeat(200)) }) }));
    expect(blockKitProblems(message)).toEqual([]);
    expect(message.blocks.at(-1)!.type).toBe('actions');
    const text = blockText(message.blocks);
    expect(text).toContain('… 390 more targets');
    expect(text).toContain('… 385 more calls');
  });

  it('help for 300 runbooks fits and counts the ones left out', () => {
    const runbooks = Array.from({ length: 300 }, (_, i) => ({
      id: `runbook-${String(i).padStart(3, '0')}`,
      title: `A runbook with a fairly long descriptive title number ${i}`,
      severity: 'high' as const,
      params: { user: { type: 'iam_user' as const, required: true, list: false } },
    }));
    const message = renderHelp(runbooks);
    expect(blockKitProblems(message)).toEqual([]);
    expect(blockText(message.blocks)).toContain('runbook-000');
  });
});
