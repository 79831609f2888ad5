/**
 * `/investigate` and `/investigate help`: how to use the command and which runbooks there are,
 * shown only to the person who asked.
 */
import type { ParamSpec, Runbook } from '../../runbook/schema.js';
import { contextLine, mrkdwnSection, packLines } from './layout.js';
import { fitMessage, SLACK_LIMITS, type Block, type SlackMessage } from './limits.js';
import { escapeMrkdwn, inlineCode, plural } from './mrkdwn.js';
import { SEVERITY_EMOJI } from './severity.js';

export type HelpRunbook = Pick<Runbook, 'id' | 'title' | 'severity' | 'params'>;

export function renderHelp(runbooks: readonly HelpRunbook[], command = '/investigate'): SlackMessage {
  const usage = [
    '*Usage*',
    `${inlineCode(`${command} <runbook> [name=value …]`)} start a runbook; results are posted in a thread here`,
    `${inlineCode(`${command} status <run-id>`)} where a run is`,
    `${inlineCode(`${command} help`)} this message`,
    `Every runbook also takes ${inlineCode('since=')} (a duration such as ${inlineCode('24h')} or an ISO time) and ${inlineCode('until=')}. Lists are comma-separated.`,
  ].join('\n');
  const blocks: Block[] = [mrkdwnSection(usage), { type: 'divider' }];

  if (runbooks.length === 0) {
    blocks.push(mrkdwnSection('No runbooks are installed.'));
  } else {
    const sorted = [...runbooks].sort((a, b) => a.id.localeCompare(b.id));
    const lines = [`*Runbooks* (${runbooks.length})`, ...sorted.map(runbookLine)];
    // Room for the divider, the usage and the "… more" line.
    const packed = packLines(lines, SLACK_LIMITS.blocksPerMessage - 4);
    blocks.push(...packed.texts.map(mrkdwnSection));
    if (packed.omitted > 0) blocks.push(contextLine(`… ${plural(packed.omitted, 'more runbook')}; \`ctrb list\` shows them all.`));
  }
  blocks.push(contextLine(`Parameters marked ${inlineCode('*')} are required. Example: ${inlineCode(`${command} ${runbooks[0]?.id ?? 'root-activity'} since=24h`)}`));
  return fitMessage({ text: `${command}: usage and the ${plural(runbooks.length, 'runbook')}`, blocks });
}

function runbookLine(rb: HelpRunbook): string {
  const params = Object.entries(rb.params).map(([name, spec]) => paramUsage(name, spec));
  const paramText = params.length > 0 ? `\n      ${params.join(' ')}` : '';
  return `${SEVERITY_EMOJI[rb.severity]} ${inlineCode(rb.id)} ${escapeMrkdwn(rb.title)}${paramText}`;
}

function paramUsage(name: string, spec: ParamSpec): string {
  const required = spec.required && spec.default === undefined ? '*' : '';
  const shape = spec.type === 'enum' && spec.values ? spec.values.join('|') : spec.type;
  return inlineCode(`${name}${required}=<${shape}${spec.list ? ',…' : ''}>`);
}
