import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/** The global HTTP rate limit. Socket events have their own per-socket limits (src/realtime/rate-limit.ts). */
@Injectable()
export class HttpThrottlerGuard extends ThrottlerGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    return super.canActivate(context);
  }

  /**
   * The counter's key: route, throttler and client address as they are. The library hashes them
   * with SHA-256 on every request; the parts are short and public, so the hash buys nothing.
   */
  protected override generateKey(context: ExecutionContext, tracker: string, throttler: string): string {
    return `${context.getClass().name}.${context.getHandler().name}:${throttler}:${tracker}`;
  }
}
