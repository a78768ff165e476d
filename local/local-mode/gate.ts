import type { ApiHandler } from '../../lambdas/query/http';
import { messageResponse } from '../../lambdas/query/responses';

/**
 * What stands between the HTTP server and the routes: requests wait until local mode is
 * ready (the port is taken early, and the first answer is a whole one), and on the way out
 * new requests are refused with a 503 while those in flight are let finish.
 */
export class RequestGate {
  private release: () => void = () => undefined;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));
  private ready = false;
  private closing = false;
  private inFlight = 0;
  private drained: (() => void) | undefined;

  constructor(private readonly routes: ApiHandler) {}

  readonly handler: ApiHandler = async (request) => {
    if (this.closing) return stopping();
    this.inFlight++;
    try {
      await this.released;
      // Closed before it was ever ready (startup failed or was cut short).
      if (!this.ready) return stopping();
      return await this.routes(request);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.drained?.();
    }
  };

  open(): void {
    this.ready = true;
    this.release();
  }

  /** Refuses new requests; resolves when those in flight are answered (or after `timeoutMs`). */
  async close(timeoutMs = 5_000): Promise<void> {
    this.closing = true;
    this.release();
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

const stopping = () => messageResponse(503, 'Local mode is stopping');
