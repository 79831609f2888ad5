/**
 * What a security group rule opens to the whole internet, read from the ipPermissions
 * CloudTrail logs for AuthorizeSecurityGroupIngress (`{"items": [{"ipProtocol": "tcp",
 * "fromPort": 22, "toPort": 22, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, …}]}`), so a
 * check can tell HTTPS opened on a web tier from SSH or every port opened to everyone.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const items = (v: unknown): unknown[] => (isObject(v) && Array.isArray(v.items) ? v.items : Array.isArray(v) ? v : []);

const WORLD = new Set(['0.0.0.0/0', '::/0']);

function opensToWorld(permission: Json): boolean {
  const v4 = items(permission.ipRanges).some((r) => isObject(r) && WORLD.has(String(r.cidrIp)));
  const v6 = items(permission.ipv6Ranges).some((r) => isObject(r) && WORLD.has(String(r.cidrIpv6)));
  return v4 || v6;
}

/**
 * The ports opened to 0.0.0.0/0 or ::/0, each as `protocol/port` or `protocol/from-to`
 * (`tcp/443`, `udp/1000-2000`), and `all` for every protocol and port (ipProtocol -1). Text
 * that is not such a document opens nothing that can be read: `unreadable`, so a check
 * treats it as the worst case rather than as nothing opened.
 */
export function worldOpenPorts(text: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return ['unreadable'];
  }
  const out: string[] = [];
  for (const permission of items(doc)) {
    if (!isObject(permission) || !opensToWorld(permission)) continue;
    const protocol = String(permission.ipProtocol ?? '-1').toLowerCase();
    if (protocol === '-1' || protocol === 'all') {
      out.push('all');
      continue;
    }
    const from = Number(permission.fromPort);
    const to = Number(permission.toPort);
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < 0) out.push(`${protocol}/all`);
    else out.push(from === to ? `${protocol}/${from}` : `${protocol}/${from}-${to}`);
  }
  return out;
}
