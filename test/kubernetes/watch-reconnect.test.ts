/**
 * watchLoop against a real API server (test/helpers/control-plane.ts) that is killed and started
 * again while nothing changes: the loop must report it is back as soon as its watch is open again,
 * not when the server next sends an event or ends the watch (minutes later). git-watch logs "the API
 * server answers again" from this; the lifecycle test waited for that line and failed on a loaded
 * machine when the watch stayed quiet.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../src/watch/runners/kubernetes/client.js';
import { watchLoop } from '../../src/watch/runners/kubernetes/watch.js';
import { type ControlPlane, startControlPlane } from '../helpers/control-plane.js';
import { waitFor } from './fixture.js';

describe('watchLoop across an API server restart', { timeout: 600_000 }, () => {
  let cp: ControlPlane;
  before(async () => {
    cp = await startControlPlane();
  });
  after(async () => {
    await cp?.stop();
  });

  it('reports reconnected once the watch is open again, with no event to carry it', {
    timeout: 300_000,
  }, async () => {
    const client = await KubeClient.connect({ kubeconfig: cp.kubeconfig });
    const stop = new AbortController();
    const seen: string[] = [];
    let synced = false;
    const loop = watchLoop(
      client,
      { path: '/api/v1/namespaces/default/configmaps', labelSelector: 'duat.test/none=true' },
      {
        sync: () => {
          synced = true;
          seen.push('sync');
        },
        event: (type) => seen.push(type),
        disconnected: () => seen.push('disconnected'),
        reconnected: () => seen.push('reconnected'),
      },
      stop.signal,
      // The server ends each watch after 10 minutes: only the watch being open can say it is back.
      { watchSeconds: 600 },
    );
    try {
      await waitFor('the first list', () => synced || undefined);
      await cp.stopApiServer();
      await waitFor(
        'the loop to see the API server gone',
        () => seen.includes('disconnected') || undefined,
        120_000,
      );
      await cp.startApiServer();
      // Generous for a loaded machine (the retry wait is capped at 4 s), far below the watch's 600 s.
      await waitFor('the loop to report it is back', () => seen.includes('reconnected') || undefined, 90_000);
      assert.deepEqual(seen, ['sync', 'disconnected', 'reconnected'], 'no list again: the watch resumed');
    } finally {
      stop.abort();
      await loop;
    }
  });
});
