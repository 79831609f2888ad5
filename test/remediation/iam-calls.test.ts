/**
 * What an approver reads is what is sent: an action's changes are IamCall objects, the plan
 * shows them (callOf), and execution sends each as the SDK command of its operation with its
 * input (sdkCommandOf), for every operation the remediation side may call.
 */
import * as IamSdk from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { callOf, iamCall, sdkCommandOf, type IamOperation } from '../../src/remediation/iam/commands.js';
import { IAM_OPERATIONS } from '../../src/remediation/index.js';

describe('IAM calls', () => {
  it('are sent as the SDK command of their operation, with the very parameters the plan shows', () => {
    for (const operation of IAM_OPERATIONS) {
      const input = { UserName: 'alice', PolicyArn: `arn:aws:iam::aws:policy/${operation}` };
      const call = iamCall(operation, input as never);
      const command = sdkCommandOf(call);
      const Command = IamSdk[`${operation}Command` as `${IamOperation}Command`];
      expect(command, operation).toBeInstanceOf(Command);
      expect(command.input, operation).toEqual(input);
      expect(callOf(call), operation).toEqual({ service: 'iam', operation, params: input });
    }
  });

  it('cannot be changed once built: the plan shown is the plan sent', () => {
    const call = iamCall('UpdateAccessKey', { UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' });
    expect(() => Object.assign(call.input, { Status: 'Active' })).toThrow(TypeError);
    expect(() => Object.assign(call, { operation: 'DeleteUserPolicy' })).toThrow(TypeError);
    // Whatever the SDK does with a command's input, the call keeps its own.
    const command = sdkCommandOf(call);
    (command.input as { Status: string }).Status = 'Active';
    expect(callOf(call).params).toEqual({ UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' });
  });

  it('refuses an operation the registry does not hold', () => {
    expect(() => iamCall('DeleteUser' as IamOperation, { UserName: 'alice' } as never)).toThrow(
      'DeleteUser is not a registered IAM operation (src/remediation/iam/commands.ts)',
    );
  });
});
