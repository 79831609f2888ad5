/**
 * Where an alarm's identity can be read reliably: its ARN and its CloudWatch console URL. The
 * region always comes from one of these (or an EventBridge region code), never from the
 * display name SNS puts in `Region` ("US East (N. Virginia)"), which maps to codes only
 * through a table that goes stale with every new region.
 */

const REGION_CODE = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

export function isRegionCode(text: string): boolean {
  return REGION_CODE.test(text);
}

export interface AlarmArn {
  arn: string;
  region: string;
  accountId: string;
  alarmName: string;
}

const ARN = /^arn:aws(?:-[a-z]+)*:cloudwatch:([a-z0-9-]+):(\d{12}):alarm:(.+)$/;
// In free text an ARN ends at whitespace, a quote or Slack link markup.
const ARN_IN_TEXT = /arn:aws(?:-[a-z]+)*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:[^\s"'<>|`]+/;

/** A CloudWatch alarm ARN (the whole string), or undefined. */
export function parseAlarmArn(text: string): AlarmArn | undefined {
  const m = ARN.exec(text.trim());
  if (!m || !isRegionCode(m[1]!)) return undefined;
  return { arn: m[0], region: m[1]!, accountId: m[2]!, alarmName: m[3]! };
}

/** The first alarm ARN inside a text. A name with spaces is cut at the first space. */
export function findAlarmArn(text: string): AlarmArn | undefined {
  const m = ARN_IN_TEXT.exec(text);
  return m ? parseAlarmArn(m[0]) : undefined;
}

// https://console.aws.amazon.com/go/view?arn=<url-encoded alarm ARN> (AWS Chatbot's links)
const GO_VIEW_URL = /https:\/\/(?:[a-z0-9-]+\.)?console\.(?:aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)\/go\/view\?(?:[^\s<>|"#]*&)?arn=([^&\s<>|"#]+)/;

/** The alarm a console `go/view?arn=` link opens: the ARN is whole, its name with any spaces. */
export function findGoViewAlarmArn(text: string): AlarmArn | undefined {
  const m = GO_VIEW_URL.exec(text);
  return m ? parseAlarmArn(decodeName(m[1]!)) : undefined;
}

export interface ConsoleAlarmUrl {
  url: string;
  region: string;
  alarmName: string;
}

// https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/Name
// (also the GovCloud and China consoles, the deeplink.js form, and the older #alarm:…name=Name)
const CONSOLE_URL =
  /https:\/\/(?:([a-z0-9-]+)\.)?console\.(?:aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)\/cloudwatch\/(?:home|deeplink\.js)(\?[^#\s<>|"]*)?#(?:alarmsV2:alarm\/([^\s<>|"?]+)|alarm:[^\s<>|"]*?name=([^\s<>|";&]+))/;

/** The first CloudWatch alarm console URL in a text, with the region and alarm name it names. */
export function findConsoleAlarmUrl(text: string): ConsoleAlarmUrl | undefined {
  const m = CONSOLE_URL.exec(text);
  if (!m) return undefined;
  const [url, hostRegion, query, v2Name, legacyName] = m;
  const queryRegion = new URLSearchParams(query?.slice(1) ?? '').get('region') ?? undefined;
  // The query parameter says which region the console shows; the host can be any region.
  const region = [queryRegion, hostRegion].find((r) => r !== undefined && isRegionCode(r));
  const alarmName = decodeName(v2Name ?? legacyName ?? '');
  if (!region || !alarmName) return undefined;
  return { url, region, alarmName };
}

function decodeName(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}
