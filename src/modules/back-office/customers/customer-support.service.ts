import { HttpStatus, Injectable } from '@nestjs/common';
import { maySee, type Page } from '../../../common/masking/index.js';
import { notFound, ProblemException, ValidationProblem } from '../../../common/problem/problem.js';
import { normaliseEmail } from '../../../common/subjects.js';
import {
  CustomerDirectory,
  type CustomerCriteria,
  type CustomerCursor,
  type CustomerRecord,
} from '../../registration/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TERMS = 4;
const MIN_TERM_LENGTH = 2;

/**
 * Finding customers in the back office. The answer is masked by StaffViewInterceptor; what this
 * service adds is the rule for the question: a role may search only by what it may see. A search by
 * email answers "is this address a customer, and who is it?", so a role that never sees email
 * addresses (fulfilment) must not be able to ask it: it would read the email through the back door.
 */
@Injectable()
export class CustomerSupport {
  constructor(private readonly directory: CustomerDirectory) {}

  async get(id: string): Promise<CustomerRecord> {
    const customer = await this.directory.byId(id);
    if (!customer) throw notFound('Customer');
    return customer;
  }

  /** Customers matching `query` (a customer id, an exact email address, or words of the name). */
  async search(role: string, query: string, limit: number, cursor?: string): Promise<Page<CustomerRecord>> {
    const criteria = this.criteria(role, query);
    const { records, last } = await this.directory.search(
      criteria,
      limit,
      cursor ? decodeCursor(cursor) : undefined,
    );
    return { items: records, nextCursor: records.length === limit && last ? encodeCursor(last) : null };
  }

  private criteria(role: string, query: string): CustomerCriteria {
    const q = query.trim();
    if (UUID.test(q)) return { by: 'id', id: q.toLowerCase() };
    if (q.includes('@')) {
      if (!maySee('customer', role, 'email'))
        throw new ProblemException(
          HttpStatus.FORBIDDEN,
          'search-not-allowed',
          'Forbidden',
          'Your role may not search by email address: the answer would disclose an email address your role does not see. Search by name or customer id.',
        );
      return { by: 'email', normalisedEmail: normaliseEmail(q) };
    }
    const terms = q.split(/\s+/).filter(Boolean);
    if (terms.length === 0 || terms.length > MAX_TERMS || terms.some((t) => t.length < MIN_TERM_LENGTH))
      throw new ValidationProblem([
        {
          field: 'query',
          reason: `must be a customer id, an email address, or 1-${MAX_TERMS} words of the name of at least ${MIN_TERM_LENGTH} characters each`,
        },
      ]);
    if (!maySee('customer', role, 'lastName'))
      throw new ProblemException(
        HttpStatus.FORBIDDEN,
        'search-not-allowed',
        'Forbidden',
        'Your role may not search by name.',
      );
    return { by: 'name', terms };
  }
}

/** Opaque to clients; holds an id and a creation instant, no personal data. */
export function encodeCursor(cursor: CustomerCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAtMicros, cursor.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CustomerCursor {
  const invalid = new ValidationProblem([{ field: 'cursor', reason: 'is not a cursor this API returned' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    !/^\d{1,19}$/.test(parsed[0]) ||
    typeof parsed[1] !== 'string' ||
    !UUID.test(parsed[1])
  )
    throw invalid;
  return { createdAtMicros: parsed[0], id: parsed[1] };
}
