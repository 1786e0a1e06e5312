import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { Counter } from 'prom-client';
import type { Server } from 'socket.io';
import type { ClusterMessage } from 'socket.io-adapter';
import { isRedisReady } from '../common/redis/redis.module';
import type { ResyncPayload } from './socket.types';

/** `MessageType.BROADCAST` of socket.io-adapter: an emit to channels (or to the whole namespace). */
const BROADCAST = 3;

export const RESYNC: ResyncPayload = {
  code: 'redis-unavailable',
  detail: 'Events may have been lost between server nodes; fetch the current state again.',
};

/** What the guard uses of a cluster adapter: both methods are the adapter's own (doPublish is protected). */
interface PublishingAdapter {
  doPublish(message: ClusterMessage): Promise<string>;
  serverCount(): Promise<number>;
}

/**
 * Keeps Socket.IO usable while the Redis streams adapter cannot reach Redis, and makes sure no
 * client misses a broadcast silently.
 *
 * The adapter publishes a broadcast (XADD) before it delivers to the sockets of its own node, so
 * that the packet carries its stream offset. With Redis away, the XADD sat in ioredis' offline queue
 * and failed after three retries (about 2.4 s), then the adapter delivered locally and the packet
 * was gone for every other node: it never entered the stream, so their readers, which do resume
 * from their last offset, could not catch up on it.
 *
 * - while the publishing connection is not ready, publishing fails at once, so local delivery does
 *   not wait; the channels of every broadcast that did not reach the stream are remembered
 *   (the whole namespace for a broadcast without channels);
 * - when the connection is ready again, each of those channels gets `resync` on every node: the
 *   client refetches over REST what it may have missed (docs/realtime.md). A resync that fails in
 *   turn is remembered like any broadcast, for the next time;
 * - serverCount() answers 0 ("this node cannot tell") at once instead of waiting for Redis, so the
 *   node watch stays quiet and fetchSockets answers with this node's sockets.
 *
 * Sockets of this node are told to resync too: they have the packets, but telling them costs one
 * refetch and keeps the rule simple.
 */
export class UnpublishedBroadcasts {
  private readonly logger = new Logger('SocketIo');
  /** Per namespace: the channels whose broadcasts did not reach the stream, or 'all'. */
  private readonly missed = new Map<string, Set<string> | 'all'>();
  private failingSince: number | undefined;

  constructor(
    private readonly publisher: Redis,
    private readonly unpublished: Counter,
  ) {}

  /** Makes one namespace's adapter fail fast and report what it could not publish. */
  guard<A extends object>(adapter: A, namespace: string): A {
    const publishing = adapter as unknown as PublishingAdapter;
    const publish = publishing.doPublish.bind(adapter);
    const serverCount = publishing.serverCount.bind(adapter);
    publishing.doPublish = (message) => {
      if (!isRedisReady(this.publisher)) {
        this.failed(namespace, message);
        return Promise.reject(new Error(`Redis is unavailable (the connection is ${this.publisher.status})`));
      }
      return publish(message).catch((err: unknown) => {
        this.failed(namespace, message);
        throw err;
      });
    };
    publishing.serverCount = () => (isRedisReady(this.publisher) ? serverCount() : Promise.resolve(0));
    return adapter;
  }

  /** Sends `resync` to every channel whose broadcasts were lost; called when the publisher is ready again. */
  resync(server: Server): void {
    if (this.missed.size === 0) return;
    const missed = [...this.missed];
    this.missed.clear();
    let channels = 0;
    for (const [namespace, rooms] of missed) {
      const nsp = server.of(namespace);
      if (rooms === 'all') nsp.emit('resync', RESYNC);
      else nsp.to([...rooms]).emit('resync', RESYNC);
      channels += rooms === 'all' ? 1 : rooms.size;
    }
    this.logger.log({
      msg: 'Redis is back: channels whose broadcasts did not reach the other nodes were told to resync',
      namespaces: missed.length,
      channels,
      failingMs: this.failingSince === undefined ? undefined : Date.now() - this.failingSince,
    });
    this.failingSince = undefined;
  }

  private failed(namespace: string, message: ClusterMessage): void {
    if (message.type !== BROADCAST || message.data.opts.flags?.volatile) return; // volatile packets may be dropped anyway
    this.unpublished.inc();
    const rooms = message.data.opts.rooms;
    const known = this.missed.get(namespace);
    if (rooms.length === 0) this.missed.set(namespace, 'all');
    else if (known !== 'all') this.missed.set(namespace, new Set([...(known ?? []), ...rooms]));
    if (this.failingSince !== undefined) return;
    this.failingSince = Date.now();
    this.logger.warn('Redis unavailable: Socket.IO broadcasts reach this node only; their channels get `resync` when it is back');
  }
}
