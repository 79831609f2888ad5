/**
 * The AWS query protocol as the IAM fake speaks it (STS speaks the same): form-encoded requests
 * (`Action=...&Version=...`, lists as `Name.member.N`, structures as `Name.Field`) decoded into
 * plain objects, and XML answers and `<ErrorResponse>`s built from plain objects, the way the
 * SDK's awsQuery deserializer reads them.
 */
import { randomUUID } from 'node:crypto';

export type QueryParams = Record<string, unknown>;

/**
 * `ActionNames.member.1=a&ActionNames.member.2=b&ContextEntries.member.1.ContextKeyName=k`
 * → `{ ActionNames: ['a', 'b'], ContextEntries: [{ ContextKeyName: 'k' }] }`.
 */
export function decodeQueryParams(body: string): QueryParams {
  const root: QueryParams = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.split('.');
    let node: Record<string, unknown> = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      if (part === 'member') continue;
      const next = parts[i + 1];
      if (last) {
        node[part] = value;
      } else if (next === 'member') {
        // A list: the index after `member` is 1-based.
        const list = (node[part] as unknown[] | undefined) ?? [];
        node[part] = list;
        const index = Number(parts[i + 2]) - 1;
        if (i + 2 === parts.length - 1) {
          list[index] = value;
          break;
        }
        list[index] ??= {};
        node = list[index] as Record<string, unknown>;
        i += 2;
      } else {
        node[part] ??= {};
        node = node[part] as Record<string, unknown>;
      }
    }
  }
  return root;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Objects become child elements, arrays `<member>` lists, everything else escaped text. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export function queryResponse(action: string, namespace: string, result: Record<string, unknown> | undefined): string {
  const body = result === undefined ? '' : `<${action}Result>${toXml(result)}</${action}Result>`;
  return `<${action}Response xmlns="${namespace}">${body}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
}

export function queryError(code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender'): string {
  return `<ErrorResponse><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}
