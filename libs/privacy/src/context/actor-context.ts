import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting: a staff member, a partner integration, the subject themself, or the system (a job). */
export interface Actor {
  type: 'staff' | 'partner' | 'subject' | 'system';
  id: string;
  /** Staff role or partner scope, when there is one. */
  role?: string;
}

const storage = new AsyncLocalStorage<Actor>();

/**
 * Continuation-local actor: set once where a request or job starts (a guard, a worker), read where
 * the kernel logs an access or a disclosure, without threading it through every call.
 */
export const ActorContext = {
  run<T>(actor: Actor, work: () => T): T {
    return storage.run(actor, work);
  },
  current(): Actor | undefined {
    return storage.getStore();
  },
  /** The current actor, or the system when none is set (a job, a CLI). */
  currentOrSystem(): Actor {
    return storage.getStore() ?? { type: 'system', id: 'system' };
  },
  /** Sets the actor for the rest of the current async context (used by request guards). */
  enter(actor: Actor): void {
    storage.enterWith(actor);
  },
};
