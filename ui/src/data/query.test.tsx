import { describe, expect, it } from 'vitest';
import { act, renderHook, waitFor } from '@testing-library/react';
import { BackendError } from '../backend';
import { useMutation, useQuery, type QueryOptions } from './query';

/** A promise the test settles when it wants. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const FAILED = new BackendError({ code: 'network', message: 'No connection.', remedy: 'Check the network.' });

describe('useQuery', () => {
  it('never shows a slow answer for the previous key as the answer for the current one', async () => {
    const answers = new Map([
      ['a', deferred<string>()],
      ['b', deferred<string>()],
    ]);
    const { result, rerender } = renderHook(({ key }: { key: string }) => useQuery(key, () => answers.get(key)!.promise), {
      initialProps: { key: 'a' },
    });
    expect(result.current.state.kind).toBe('loading');
    rerender({ key: 'b' });
    await act(async () => answers.get('b')!.resolve('answer for b'));
    await act(async () => answers.get('a')!.resolve('answer for a'));
    expect(result.current.data).toBe('answer for b');
  });

  it('shows no value for a new key before its own answer comes', async () => {
    const { result, rerender } = renderHook(({ key }: { key: string }) => useQuery(key, () => Promise.resolve(`value of ${key}`)), {
      initialProps: { key: 'a' },
    });
    await waitFor(() => expect(result.current.data).toBe('value of a'));
    rerender({ key: 'b' });
    // The render right after the switch: the old value must not stand for the new key.
    expect(result.current.state.kind).toBe('loading');
    await waitFor(() => expect(result.current.data).toBe('value of b'));
  });

  it('keeps the previous key\'s value until the new answer comes when asked to (a notice that must not blink)', async () => {
    const answers = new Map([
      ['a', deferred<string>()],
      ['b', deferred<string>()],
    ]);
    const seen: (string | undefined)[] = [];
    const { result, rerender } = renderHook(
      ({ key }: { key: string }) => {
        const query = useQuery(key, () => answers.get(key)!.promise, { keepAcrossKeys: true });
        seen.push(query.data);
        return query;
      },
      { initialProps: { key: 'a' } },
    );
    await act(async () => answers.get('a')!.resolve('value of a'));
    expect(result.current.data).toBe('value of a');
    const from = seen.length;
    rerender({ key: 'b' });
    expect(result.current.data).toBe('value of a');
    expect(result.current.fetching).toBe(true);
    await act(async () => answers.get('b')!.resolve('value of b'));
    expect(result.current.data).toBe('value of b');
    // Not one render in between without a value.
    expect(seen.slice(from)).not.toContain(undefined);
  });

  it('asks nothing while the key is null', () => {
    let asked = 0;
    const { result } = renderHook(() => useQuery(null, () => Promise.resolve(++asked)));
    expect(result.current.state.kind).toBe('idle');
    expect(asked).toBe(0);
  });

  it.each<[string, QueryOptions, string]>([
    ['shows progress while a refresh runs', {}, 'loading'],
    ['keeps the value on screen while a refresh runs when asked to', { keepWhileRefreshing: true }, 'loaded'],
  ])('%s', async (_, options, during) => {
    let next = deferred<number>();
    let count = 0;
    const { result } = renderHook(() => useQuery('k', () => next.promise.then((value) => value + count++), options));
    await act(async () => next.resolve(10));
    expect(result.current.data).toBe(10);
    next = deferred<number>();
    let refreshed!: Promise<void>;
    act(() => {
      refreshed = result.current.refresh();
    });
    expect(result.current.state.kind).toBe(during);
    expect(result.current.fetching).toBe(true);
    await act(async () => {
      next.resolve(20);
      await refreshed;
    });
    expect(result.current.data).toBe(21);
    expect(result.current.fetching).toBe(false);
  });

  it('gives the structured error of a failed load, and a refresh that works replaces it', async () => {
    let fail = true;
    const { result } = renderHook(() => useQuery('k', () => (fail ? Promise.reject(FAILED) : Promise.resolve('ok'))));
    await waitFor(() => expect(result.current.state.kind).toBe('error'));
    expect(result.current.error).toEqual({ code: 'network', message: 'No connection.', remedy: 'Check the network.' });
    fail = false;
    await act(() => result.current.refresh());
    expect(result.current.state).toEqual({ kind: 'loaded', value: 'ok' });
    expect(result.current.error).toBeUndefined();
  });
});

describe('useMutation', () => {
  it('reports progress, then the value; a failure gives its error and resolves undefined', async () => {
    const answer = deferred<string>();
    const { result } = renderHook(() => useMutation((name: string) => (name === 'bad' ? Promise.reject(FAILED) : answer.promise)));
    let run!: Promise<string | undefined>;
    act(() => {
      run = result.current.run('good');
    });
    expect(result.current.pending).toBe(true);
    await act(async () => answer.resolve('done'));
    expect(await run).toBe('done');
    expect(result.current).toMatchObject({ pending: false, data: 'done', error: undefined });

    let failed: string | undefined = 'not yet';
    await act(async () => {
      failed = await result.current.run('bad');
    });
    expect(failed).toBeUndefined();
    expect(result.current.error?.message).toBe('No connection.');
    act(() => result.current.reset());
    expect(result.current.error).toBeUndefined();
  });
});
