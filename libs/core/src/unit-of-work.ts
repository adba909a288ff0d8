import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel.js';

/** The transaction a piece of work runs in, carried by the async context (docs/architecture.md). */
interface TransactionScope {
  readonly dataSource: DataSource;
  readonly manager: EntityManager;
  readonly isolation: IsolationLevel;
  readonly afterCommit: (() => unknown)[];
}

const scopes = new AsyncLocalStorage<TransactionScope | undefined>();

const STRICTNESS: Record<IsolationLevel, number> = {
  'READ UNCOMMITTED': 0,
  'READ COMMITTED': 1,
  'REPEATABLE READ': 2,
  SNAPSHOT: 2, // SQL Server's; PostgreSQL's REPEATABLE READ is snapshot isolation
  SERIALIZABLE: 3,
};

export interface TransactionOptions {
  /** READ COMMITTED unless said otherwise. Joining a weaker open transaction is refused. */
  isolation?: IsolationLevel;
}

/** Thrown when work that must follow a write in the same transaction (an outbox entry) runs outside one. */
export class TransactionRequiredError extends Error {
  constructor(what: string) {
    super(`${what} must run inside a transaction (UnitOfWork.transaction(...))`);
    this.name = 'TransactionRequiredError';
  }
}

const logger = new Logger('UnitOfWork');

/**
 * The one way to carry a database transaction. Work started with `transaction()` runs in a
 * transaction that every callee joins by reading `manager`, without a parameter to thread through
 * (and so without one to forget): a repository or service that queries through `uow.manager` is
 * inside its caller's transaction when there is one, and on the pool otherwise. `requireTransaction()`
 * is for writes that are only correct inside one (the transactional outbox).
 *
 * The scope lives in an AsyncLocalStorage, so it follows awaits and callbacks but not work handed to
 * another request, job or timer; `outside()` leaves it on purpose (a provider call between two
 * transactions must not hold one open).
 */
@Injectable()
export class UnitOfWork {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The open transaction's manager, or the pool's manager when no transaction is open. */
  get manager(): EntityManager {
    return this.scope()?.manager ?? this.dataSource.manager;
  }

  /** True when the current async context runs inside a transaction of this data source. */
  get inTransaction(): boolean {
    return this.scope() !== undefined;
  }

  /**
   * Runs `work` inside the open transaction, or in a new one that commits when `work` resolves and
   * rolls back when it throws. Joining is what makes a callee part of its caller's unit of work.
   */
  transaction<T>(work: (manager: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const open = this.scope();
    if (!open) return this.begin(work, options);
    const wanted = options.isolation ?? 'READ COMMITTED';
    if (STRICTNESS[wanted] > STRICTNESS[open.isolation]) {
      return Promise.reject(
        new Error(`cannot join a ${open.isolation} transaction with work that needs ${wanted}`),
      );
    }
    return work(open.manager);
  }

  /**
   * Runs `work` in a transaction of its own even when one is open (it commits or rolls back on its
   * own): for a record that must survive the caller's rollback, such as an audit entry of a refusal.
   */
  separateTransaction<T>(
    work: (manager: EntityManager) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    return this.begin(work, options);
  }

  /** The open transaction's manager; throws when there is none. */
  requireTransaction(what = 'this write'): EntityManager {
    const open = this.scope();
    if (!open) throw new TransactionRequiredError(what);
    return open.manager;
  }

  /** Runs `work` outside any transaction: its queries go to the pool (a call to a provider, a slow read). */
  outside<T>(work: () => T): T {
    return scopes.run(undefined, work);
  }

  /**
   * Runs `effect` once the open transaction has committed (never when it rolls back); outside a
   * transaction it runs at once. For effects that must not happen for a write that did not: a wake-up
   * signal, a cache entry. A failing effect is logged, not thrown: the commit has happened.
   */
  afterCommit(effect: () => unknown): void {
    const open = this.scope();
    if (open) open.afterCommit.push(effect);
    else void runEffect(effect);
  }

  private scope(): TransactionScope | undefined {
    const scope = scopes.getStore();
    return scope && scope.dataSource === this.dataSource ? scope : undefined;
  }

  private async begin<T>(
    work: (manager: EntityManager) => Promise<T>,
    options: TransactionOptions,
  ): Promise<T> {
    const isolation = options.isolation ?? 'READ COMMITTED';
    const afterCommit: (() => unknown)[] = [];
    const result = await this.dataSource.transaction(isolation, (manager) =>
      scopes.run({ dataSource: this.dataSource, manager, isolation, afterCommit }, () => work(manager)),
    );
    for (const effect of afterCommit) await runEffect(effect);
    return result;
  }
}

async function runEffect(effect: () => unknown): Promise<void> {
  try {
    await effect();
  } catch (error) {
    logger.error({ err: error }, 'an after-commit effect failed');
  }
}
