/**
 * The HTTP front door: the one `request` listener of Strapi's HTTP server. Every request gets its
 * request id (X-Request-Id, and in every log line) and is counted while in flight, so that stopping
 * can wait for it; early answers (a body over its limit known from Content-Length, a GraphQL cache
 * hit) are given here, before Strapi's Koa chain; everything else is handed to Koa.
 */
import type { IncomingMessage, Server, ServerResponse } from 'http';
import { requestIdFrom, runWithRequestId } from '../observability/request-context';

/** Answers a request, or says it did not (false, or a promise of false): the next one is asked, then Koa. */
export type EarlyHandler = (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;

type Listener = (request: IncomingMessage, response: ServerResponse) => void;

export interface FrontDoor {
  /** Stops accepting connections and waits (at most timeoutMs) for the requests in flight. */
  drain(timeoutMs: number): Promise<void>;
  isDraining(): boolean;
  /** Gives Strapi's listeners back (for a server that is stopped and started again). */
  close(): void;
}

export function openFrontDoor(input: { httpServer: Server; early: readonly EarlyHandler[]; log: { info(message: string): void; warn(message: string): void } }): FrontDoor {
  const { httpServer, early, log } = input;
  const downstream = httpServer.listeners('request') as Listener[];
  httpServer.removeAllListeners('request');
  const passOn: Listener = (request, response) => {
    for (const listener of downstream) listener(request, response);
  };

  /** The early handlers in turn, synchronously as long as each answers synchronously. */
  function answerEarly(request: IncomingMessage, response: ServerResponse, from: number): void {
    for (let index = from; index < early.length; index += 1) {
      const handler = early[index] as EarlyHandler;
      let answered: boolean | Promise<boolean>;
      try {
        answered = handler(request, response);
      } catch {
        answered = false;
      }
      if (answered === true) return;
      if (answered === false) continue;
      answered.then(
        (done) => {
          if (!done) answerEarly(request, response, index + 1);
        },
        () => answerEarly(request, response, index + 1),
      );
      return;
    }
    passOn(request, response);
  }

  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | null = null;
  const listener: Listener = (request, response) => {
    inFlight += 1;
    response.once('close', () => {
      inFlight -= 1;
      if (draining && inFlight === 0) drained?.();
    });
    if (draining) response.setHeader('Connection', 'close');
    const requestId = requestIdFrom(request.headers['x-request-id']);
    response.setHeader('X-Request-Id', requestId);
    runWithRequestId(requestId, () => answerEarly(request, response, 0));
  };
  httpServer.on('request', listener);

  return {
    isDraining: () => draining,
    async drain(timeoutMs) {
      draining = true;
      // No new connections; idle keep-alive ones are closed, busy ones after their answer.
      if (httpServer.listening) httpServer.close();
      httpServer.closeIdleConnections();
      if (inFlight === 0) return;
      log.info(`Stopping: waiting for ${inFlight} request(s) in flight (at most ${timeoutMs} ms).`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          log.warn(`Stopping with ${inFlight} request(s) still in flight after ${timeoutMs} ms.`);
          resolve();
        }, timeoutMs);
        drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
    close() {
      httpServer.removeListener('request', listener);
      for (const original of downstream) httpServer.on('request', original);
    },
  };
}
