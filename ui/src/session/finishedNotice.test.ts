import { describe, expect, it } from 'vitest';
import type { OperationSnapshot } from '../backend';
import { finishedNotice } from './finishedNotice';

function snapshot(state: OperationSnapshot['state'], extra: Partial<OperationSnapshot> = {}): OperationSnapshot {
  return {
    id: 'op-1',
    kind: 'createRuntime',
    title: 'Create runtime rt-1 on ci-alice',
    target: 'https://flow/rt-1',
    state,
    stage: state === 'running' ? 'runtimeStarting' : 'done',
    startedAt: '2026-11-28T10:00:00Z',
    elapsedMs: 1000,
    resumed: false,
    ...extra,
  };
}

describe('finished-operation notifications', () => {
  it('tells when an operation seen running succeeds, fails or is cancelled', () => {
    expect(finishedNotice('running', snapshot('succeeded'))).toEqual({
      title: 'Finished',
      body: 'Create runtime rt-1 on ci-alice',
    });
    expect(
      finishedNotice('running', snapshot('failed', { error: { code: 'service', message: 'The image could not be pulled.' } })),
    ).toEqual({ title: 'Failed', body: 'Create runtime rt-1 on ci-alice: The image could not be pulled.' });
    expect(finishedNotice('running', snapshot('cancelled'))?.title).toBe('Cancelled');
  });

  it('stays quiet for progress and for operations that had already finished when first seen', () => {
    expect(finishedNotice(undefined, snapshot('running'))).toBeUndefined();
    expect(finishedNotice('running', snapshot('running'))).toBeUndefined();
    expect(finishedNotice(undefined, snapshot('succeeded'))).toBeUndefined();
    expect(finishedNotice('succeeded', snapshot('succeeded'))).toBeUndefined();
  });
});
