import { ValidationProblem } from '../problem/problem.js';

/**
 * Keyset cursors over (timestamp, id): opaque to clients, exact to the microsecond (the timestamp
 * travels as PostgreSQL's own text of it, not as a JavaScript Date, which would cut it to ms and skip
 * or repeat rows at a page boundary).
 */
export interface Keyset {
  at: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

export const encodeCursor = (keyset: Keyset): string =>
  Buffer.from(`${keyset.at}|${keyset.id}`, 'utf8').toString('base64url');

export function decodeCursor(cursor: string | undefined, field = 'cursor'): Keyset | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !at || !id || !TIMESTAMP.test(at) || !UUID.test(id)) {
    throw new ValidationProblem([
      { field, reason: 'is not a cursor this API issued (use nextCursor as given)' },
    ]);
  }
  return { at, id };
}
