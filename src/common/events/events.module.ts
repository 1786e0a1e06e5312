import { Global, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { DomainEvents } from './domain-events';

/** The domain event bus, for every module: inject DomainEvents to publish, use @OnDomainEvent to listen. */
@Global()
@Module({
  imports: [EventEmitterModule.forRoot({ wildcard: false, maxListeners: 100 })],
  providers: [DomainEvents],
  exports: [DomainEvents],
})
export class EventsModule {}
