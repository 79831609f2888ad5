/**
 * Whom a sharing change adds, read from the request rather than searched for in its text: an
 * EC2 snapshot's createVolumePermission or an image's launchPermission (`{"add": {"items":
 * [{"userId": …} | {"group": "all"}]}, "remove": …}`) and an RDS snapshot's valuesToAdd
 * (`["all"]` or account ids). Only the `add` side counts: withdrawing a foreign account's
 * access in the same call is the opposite of exposure, and must not read as sharing.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The account ids (and `all`, for public) a permission change adds; organization and OU
 * ARNs are given as they are. Text that is not JSON, or JSON of another shape, adds nothing.
 */
export function sharedWith(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  // RDS: valuesToAdd is the list itself.
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (!isObject(value) || !isObject(value.add)) return [];
  const items = Array.isArray(value.add.items) ? value.add.items : [];
  const out: string[] = [];
  for (const item of items) {
    if (!isObject(item)) continue;
    for (const key of ['userId', 'group', 'organizationArn', 'organizationalUnitArn']) {
      const v = item[key];
      if (typeof v === 'string') out.push(v);
    }
  }
  return out;
}
