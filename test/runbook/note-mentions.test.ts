/**
 * What a runbook's notes may point at in Slack: mentions of users, groups and channels, and
 * links shown as another address, only when the runbook declares them under `mentions:`;
 * broadcasts never; and a value interpolated from the logs is shown as text whatever it holds.
 */
import { describe, expect, it } from 'vitest';
import { parseRunbook, RunbookError } from '../../src/runbook/load.js';
import { renderTemplateParts } from '../../src/runbook/cel.js';
import { renderStepReply } from '../../src/slack/render/index.js';
import type { RunContext, StepResult } from '../../src/model/run.js';

const runbook = (note: string, mentions?: string[]) => `
id: notes
title: Notes
summary: A note that points at people.
severity: low
${mentions ? `mentions: [${mentions.map((m) => JSON.stringify(m)).join(', ')}]` : ''}
steps:
  - id: tell
    note: ${JSON.stringify(note)}
`;

function problemsOf(text: string): string[] {
  try {
    parseRunbook(text, 'notes.yaml');
    return [];
  } catch (e) {
    if (!(e instanceof RunbookError)) throw e;
    return e.issues.map((i) => `${i.path} (line ${i.line}): ${i.message}`);
  }
}

const MARKUP = 'Ask <@U0BOSS>, then <!subteam^S0ONCALL|@oncall> in <#C0SEC>; open <https://evil.example/x|https://console.aws.amazon.com/cloudtrail>';

describe('runbook notes: mentions and disguised links', () => {
  it('refuses each undeclared user, group and channel mention and a link shown as another address, naming the step and what to declare', () => {
    const problems = problemsOf(runbook(MARKUP));
    expect(problems).toHaveLength(4);
    expect(problems.every((p) => p.startsWith('steps[0].note (line 9)'))).toBe(true);
    expect(problems[0]).toContain('<@U0BOSS> is a user mention: list "U0BOSS" under the runbook\'s `mentions:`');
    expect(problems[1]).toContain('is a group mention: list "S0ONCALL"');
    expect(problems[2]).toContain('<#C0SEC> is a channel link: list "C0SEC"');
    expect(problems[3]).toContain('a link shown as https://console.aws.amazon.com/cloudtrail that opens another address: list "https://evil.example/x"');
  });

  it('accepts them once declared; a broadcast stays refused whatever is declared', () => {
    expect(problemsOf(runbook(MARKUP, ['U0BOSS', 'S0ONCALL', 'C0SEC', 'https://evil.example/x']))).toEqual([]);
    expect(problemsOf(runbook('Wake up <!here>', ['here', '!here']))).toEqual([
      'steps[0].note (line 9): <!here> is a broadcast to the whole channel, which a note may not make',
    ]);
  });

  it('accepts plain links, links whose text is words or the same address, and markup inside an interpolation', () => {
    expect(
      problemsOf(runbook('See <https://docs.aws.amazon.com/x|the docs>, <https://example.com/a|example.com/a>, <https://example.com> and {{ "<@U0X>" }}')),
    ).toEqual([]);
  });
});

describe('runbook notes in Slack: interpolated values are text', () => {
  const ctx: RunContext = {
    runId: 'r-1',
    runbookId: 'notes',
    params: { user: '<@U0BOSS> <!here> <https://evil.example|https://console.aws.amazon.com> *bold*' },
    window: { start: '2026-11-01T00:00:00.000Z', end: '2026-11-02T00:00:00.000Z' },
    requestedBy: 'U0REQUESTER',
    source: 'slash',
  };

  it('escapes a value from the logs that holds mentions, broadcasts or a disguised link, and keeps the author\'s declared markup', () => {
    const parts = renderTemplateParts('Ask <@U0LEAD> about {{ params.user }}.', {
      params: ctx.params,
      steps: {},
      window: ctx.window,
    } as unknown as Parameters<typeof renderTemplateParts>[1]);
    const step: StepResult = {
      stepId: 'tell',
      title: 'Tell',
      kind: 'note',
      status: 'ok',
      startedAt: ctx.window.start,
      finishedAt: ctx.window.start,
      note: parts.map((p) => p.text).join(''),
      noteParts: parts,
    };
    const shown = JSON.stringify(renderStepReply(ctx, step).message.blocks);
    expect(shown).toContain('Ask <@U0LEAD> about');
    expect(shown).toContain('&lt;@U0BOSS&gt; &lt;!here&gt; &lt;https://evil.example|https://console.aws.amazon.com&gt;');
    expect(shown).not.toContain('<@U0BOSS>');
    expect(shown).not.toContain('<https://evil.example');
  });
});
