import type Redis from 'ioredis';
import { Counter, Registry } from 'prom-client';
import type { Server } from 'socket.io';
import type { ClusterMessage } from 'socket.io-adapter';
import { RESYNC, UnpublishedBroadcasts } from './unpublished-broadcasts';

const broadcast = (rooms: string[], flags: Record<string, boolean> = {}) =>
  ({ uid: 'node', nsp: '/rooms', type: 3, data: { packet: {}, opts: { rooms, except: [], flags } } }) as unknown as ClusterMessage;
const join = { uid: 'node', nsp: '/rooms', type: 4, data: { opts: { rooms: ['room:1'], except: [], flags: {} }, rooms: ['x'] } } as unknown as ClusterMessage;

/** A Socket.IO server that records what `resync` reached: the rooms, or 'all'. */
function recordingServer() {
  const sent: Array<[string, string[] | 'all', unknown]> = [];
  const server = {
    of: (nsp: string) => ({
      emit: (_event: string, payload: unknown) => sent.push([nsp, 'all', payload]),
      to: (rooms: string[]) => ({ emit: (_event: string, payload: unknown) => sent.push([nsp, [...rooms].sort(), payload]) }),
    }),
  } as unknown as Server;
  return { server, sent };
}

function setUp(publish: (message: ClusterMessage) => Promise<string>) {
  const publisher = { status: 'ready' } as { status: string };
  const counter = new Counter({ name: 'unpublished', help: 'unpublished', registers: [new Registry()] });
  const broadcasts = new UnpublishedBroadcasts(publisher as Redis, counter);
  const adapter = broadcasts.guard({ doPublish: jest.fn(publish), serverCount: jest.fn(async () => 2) }, '/rooms');
  return { publisher, broadcasts, adapter, counter };
}

describe('UnpublishedBroadcasts', () => {
  it('publishes as usual while the connection is ready', async () => {
    const { adapter, broadcasts } = setUp(async () => '1-0');
    expect(await adapter.doPublish(broadcast(['room:1']))).toBe('1-0');
    expect(await adapter.serverCount()).toBe(2);
    const { server, sent } = recordingServer();
    broadcasts.resync(server);
    expect(sent).toEqual([]);
  });

  it('fails at once without asking Redis while the connection is not ready, and resyncs the rooms it missed once', async () => {
    const publish = jest.fn(async () => '1-0');
    const { adapter, broadcasts, publisher, counter } = setUp(publish);
    publisher.status = 'reconnecting';
    await expect(adapter.doPublish(broadcast(['room:1', 'user:2']))).rejects.toThrow(/Redis is unavailable/);
    await expect(adapter.doPublish(broadcast(['room:1', 'room:3']))).rejects.toThrow();
    await expect(adapter.doPublish(broadcast(['room:9'], { volatile: true }))).rejects.toThrow(); // may be dropped anyway
    await expect(adapter.doPublish(join)).rejects.toThrow(); // not a packet for clients
    expect(await adapter.serverCount()).toBe(0);
    expect(publish).not.toHaveBeenCalled();
    expect((await counter.get()).values[0].value).toBe(2);

    publisher.status = 'ready';
    const { server, sent } = recordingServer();
    broadcasts.resync(server);
    broadcasts.resync(server);
    expect(sent).toEqual([['/rooms', ['room:1', 'room:3', 'user:2'], RESYNC]]);
  });

  it('resyncs the whole namespace after a broadcast to it failed, also when the write itself failed', async () => {
    const { adapter, broadcasts } = setUp(() => Promise.reject(new Error('MaxRetriesPerRequestError')));
    await expect(adapter.doPublish(broadcast(['room:1']))).rejects.toThrow('MaxRetriesPerRequestError');
    await expect(adapter.doPublish(broadcast([]))).rejects.toThrow();
    await expect(adapter.doPublish(broadcast(['room:2']))).rejects.toThrow();
    const { server, sent } = recordingServer();
    broadcasts.resync(server);
    expect(sent).toEqual([['/rooms', 'all', RESYNC]]);
  });
});
