/**
 * What a change to logging or detection did, read from the event rather than its name alone:
 * PutEventSelectors can add data events or drop management events; PutConfigurationRecorder
 * can record everything or almost nothing; UpdateDetector can switch GuardDuty off or only
 * change how often it publishes. A check turns the answer into a severity:
 *
 * - `off`: a witness stopped or deleted (StopLogging, DeleteTrail, DeleteDetector, DeleteFlowLogs,
 *   DeleteResolverQueryLogConfig, UpdateDetector with enable false, the log group of a trail,
 *   flow logs or DNS logs deleted …);
 * - `narrowed`: it still runs but sees or says less (management events or regions dropped, log
 *   file validation off, logs sent to another bucket, Config recording only some resources,
 *   GuardDuty findings archived automatically or addresses trusted);
 * - `on`: logging switched on or widened (StartLogging, CreateTrail, a Config delivery channel
 *   created, event selectors that keep every management event …);
 * - `changed`: anything else, to be read by a person.
 */

export const LOGGING_CHANGES = ['off', 'narrowed', 'on', 'changed'] as const;
export type LoggingChange = (typeof LOGGING_CHANGES)[number];

const SWITCHED_OFF = new Set([
  'StopLogging',
  'DeleteTrail',
  'DeleteEventDataStore',
  'StopEventDataStoreIngestion',
  'StopConfigurationRecorder',
  'DeleteConfigurationRecorder',
  'DeleteDeliveryChannel',
  'DeleteFlowLogs',
  'DeleteDetector',
  'DisassociateFromMasterAccount',
  'DisassociateFromAdministratorAccount',
  'DeleteMembers',
  'StopMonitoringMembers',
  'DisableSecurityHub',
  'BatchDisableStandards',
  'DeleteAnalyzer',
  'DeleteMetricFilter',
  'DeleteSubscriptionFilter',
  'DeleteAlarms',
  'DisableAlarmActions',
  'DeleteResolverQueryLogConfig',
  'DisassociateResolverQueryLogConfig',
]);

const SWITCHED_ON = new Set([
  'StartLogging',
  'CreateTrail',
  'StartConfigurationRecorder',
  'PutDeliveryChannel',
  'CreateFlowLogs',
  'CreateDetector',
  'EnableSecurityHub',
  'CreateResolverQueryLogConfig',
  'AssociateResolverQueryLogConfig',
  'StartEventDataStoreIngestion',
]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const isFalse = (v: unknown) => v === false || v === 'false';

function parse(requestParameters: string | null | undefined): Json {
  if (!requestParameters) return {};
  try {
    const value: unknown = JSON.parse(requestParameters);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}

/** A basic selector that drops management events, or keeps only reads or only writes. */
function basicSelectorNarrows(selector: unknown): boolean {
  if (!isObject(selector)) return false;
  if (isFalse(selector.includeManagementEvents)) return true;
  if (typeof selector.readWriteType === 'string' && selector.readWriteType !== 'All') return true;
  return list(selector.excludeManagementEventSources).length > 0;
}

/** An advanced selector that keeps every management event: eventCategory = Management and nothing else. */
function selectsAllManagementEvents(selector: unknown): boolean {
  if (!isObject(selector)) return false;
  const fields = list(selector.fieldSelectors).filter(isObject);
  const category = fields.find((f) => f.field === 'eventCategory');
  return category !== undefined && list(category.equals).includes('Management') && fields.every((f) => f === category);
}

function eventSelectors(params: Json): LoggingChange {
  const basic = list(params.eventSelectors);
  const advanced = list(params.advancedEventSelectors);
  if (basic.length > 0) return basic.some(basicSelectorNarrows) ? 'narrowed' : 'on';
  if (advanced.length > 0) return advanced.some(selectsAllManagementEvents) ? 'on' : 'narrowed';
  // Neither: every selector removed, so nothing is recorded any more.
  return 'narrowed';
}

function updateTrail(params: Json): LoggingChange {
  if (isFalse(params.isMultiRegionTrail) || isFalse(params.includeGlobalServiceEvents) || isFalse(params.enableLogFileValidation)) return 'narrowed';
  // The logs delivered elsewhere (another bucket, another key) may be out of the owner's reach.
  if (typeof params.s3BucketName === 'string' || typeof params.kmsKeyId === 'string') return 'narrowed';
  return 'changed';
}

function configurationRecorder(params: Json): LoggingChange {
  const recorder = isObject(params.configurationRecorder) ? params.configurationRecorder : {};
  const group = isObject(recorder.recordingGroup) ? recorder.recordingGroup : {};
  if (isFalse(group.allSupported)) return 'narrowed';
  return 'on';
}

/**
 * Log groups that hold a witness's records: a trail's, flow logs, DNS query logs, security
 * services', audit logs. Any other log group (a function's, an application's) is ordinary
 * housekeeping when deleted.
 */
const WITNESS_LOG_GROUP = /cloudtrail|trail|flow.?log|vpc|dns|resolver|route53|guardduty|securityhub|security|config|audit|waf|network-firewall|eks\/.*\/cluster/i;

export function loggingChange(eventName: string, requestParameters?: string | null): LoggingChange {
  if (SWITCHED_OFF.has(eventName)) return 'off';
  if (SWITCHED_ON.has(eventName)) return 'on';
  const params = parse(requestParameters);
  switch (eventName) {
    case 'DeleteLogGroup':
      // A log group of unknown name counts as a witness: the worst case.
      return typeof params.logGroupName !== 'string' || WITNESS_LOG_GROUP.test(params.logGroupName) ? 'off' : 'changed';
    case 'PutEventSelectors':
      return eventSelectors(params);
    case 'UpdateTrail':
      return updateTrail(params);
    case 'PutConfigurationRecorder':
      return configurationRecorder(params);
    case 'PutInsightSelectors':
      return list(params.insightSelectors).length > 0 ? 'on' : 'narrowed';
    case 'UpdateDetector':
      if (isFalse(params.enable)) return 'off';
      return params.enable === true || params.enable === 'true' ? 'on' : 'changed';
    case 'UpdateEventDataStore':
      if (isFalse(params.multiRegionEnabled) || isFalse(params.organizationEnabled)) return 'narrowed';
      if (list(params.advancedEventSelectors).length > 0) return eventSelectors({ advancedEventSelectors: params.advancedEventSelectors });
      return 'changed';
    case 'CreateFilter':
    case 'UpdateFilter':
      // A filter that archives findings as they arrive hides them from everyone watching.
      return params.action === 'ARCHIVE' ? 'narrowed' : 'changed';
    case 'CreateIPSet':
    case 'UpdateIPSet':
      // A trusted IP list: GuardDuty raises nothing for these addresses any more.
      return isFalse(params.activate) ? 'changed' : 'narrowed';
    default:
      return 'changed';
  }
}
