/**
 * Who is making a write, for content history and the audit trail: the admin user of the current
 * request (an editor in the admin panel), a command (`npm run seed`, an XLIFF import, a key change:
 * `cli:<command>`), or the service itself (a scheduled publish). Commands say who they are once
 * (`actAsCommand`); code that writes on the service's behalf wraps the write (`actingAs`).
 *
 * Kept on globalThis, not in a module variable: the app Strapi loads (dist/) and the code a test or a
 * command imports may be two copies of this module, and they must agree.
 */
import { AsyncLocalStorage } from 'async_hooks';
import type { Core } from '@strapi/strapi';

export type Actor =
  | { kind: 'admin'; id: number; email: string }
  | { kind: 'command'; command: string }
  | { kind: 'service'; name: string };

interface ActorState {
  scoped: AsyncLocalStorage<Actor>;
  process: Actor | null;
}

const KEY = Symbol.for('clinic-content.actor');

function state(): ActorState {
  const holder = globalThis as unknown as Record<symbol, ActorState | undefined>;
  let known = holder[KEY];
  if (known === undefined) {
    known = { scoped: new AsyncLocalStorage<Actor>(), process: null };
    holder[KEY] = known;
  }
  return known;
}

/** For the whole process: a command's entry point calls it before it writes anything. */
export function actAsCommand(command: string): void {
  state().process = { kind: 'command', command };
}

/** Runs `work` with `actor` as the author of its writes (a scheduled publish, a restore). */
export function actingAs<T>(actor: Actor, work: () => Promise<T>): Promise<T> {
  return state().scoped.run(actor, work);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The author of the write being made now. */
export function currentActor(strapi: Core.Strapi): Actor {
  const scoped = state().scoped.getStore();
  if (scoped !== undefined) return scoped;
  const request: unknown = strapi.requestContext.get();
  const user = isRecord(request) && isRecord(request.state) ? request.state.user : undefined;
  if (isRecord(user) && typeof user.id === 'number' && typeof user.email === 'string') return { kind: 'admin', id: user.id, email: user.email };
  return state().process ?? { kind: 'service', name: 'service' };
}

/** How an actor is named in rows and exports: `admin:<id>`, `cli:<command>`, `service:<name>`. */
export function actorName(actor: Actor): string {
  if (actor.kind === 'admin') return `admin:${actor.id}`;
  if (actor.kind === 'command') return `cli:${actor.command}`;
  return `service:${actor.name}`;
}
