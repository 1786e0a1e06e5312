import { Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { Transactions } from '../database/transactions';

/**
 * Every domain event of the application and its payload: the one typed event map. It starts
 * empty here; each module adds its own events, next to the code that emits them, by
 * declaration merging (see src/users/users.events.ts):
 *
 *   declare module '../common/events/domain-events' {
 *     interface DomainEventMap {
 *       'user.blocked': { tenantId: string; userId: string };
 *     }
 *   }
 *
 * Names are `<resource>.<what happened>`, in the past tense. Payloads are plain data (ids and
 * response DTOs), never entities: listeners live in other modules.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEventMap {}

export type DomainEventName = keyof DomainEventMap;
export type DomainEventPayload<E extends DomainEventName> = DomainEventMap[E];

/**
 * The domain event bus (@nestjs/event-emitter). `emit` publishes after the current transaction
 * commits, never after a rollback, and at once outside a transaction. Events are local to the
 * node that made the change: what must reach other nodes (Socket.IO fan-out, policy reloads)
 * goes through Redis in its listener. A listener's failure is logged and reaches neither the
 * emitter nor the other listeners.
 */
@Injectable()
export class DomainEvents {
  constructor(
    private readonly emitter: EventEmitter2,
    private readonly transactions: Transactions,
  ) {}

  emit<E extends DomainEventName>(event: E, payload: DomainEventPayload<E>): void {
    this.transactions.afterCommit(() => {
      this.emitter.emit(event, payload);
    });
  }
}

type Listener<E extends DomainEventName> = (payload: DomainEventPayload<E>) => unknown;

/**
 * Subscribes a provider method to a domain event; the method's parameter must take the event's
 * payload. Errors are logged (suppressErrors), so a listener never breaks the emitter.
 */
export function OnDomainEvent<E extends DomainEventName>(event: E) {
  return <M extends Listener<E>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    OnEvent(event, { suppressErrors: true })(target, key, descriptor);
  };
}
