import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * One credit on the account as a CAMT.053 statement reports it (ISO 20022 BankToCustomerStatement,
 * camt.053.001.02 to .08, as German banks deliver them): the bank's reference of the booking, the
 * amount, and the texts the payer gave (unstructured remittance, structured creditor reference,
 * end-to-end id), in which the shop looks for an order number. Names and accounts of the payer are
 * not read.
 */
export interface StatementCredit {
  /** Unique per booking at the bank (AcctSvcrRef, else NtryRef, else statement id and position). */
  reference: string;
  amountCents: number;
  currency: string;
  bookedOn: string | null;
  texts: string[];
}

export interface ParsedStatement {
  statementId: string;
  credits: StatementCredit[];
  /** Debits and entries not booked yet: counted, not matched. */
  skipped: number;
}

/** A statement that is not a well-formed CAMT.053: `field` names where, `reason` what. */
export class CamtProblem extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field} ${reason}`);
  }
}

type Node = Record<string, unknown>;

const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const obj = (value: unknown): Node | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : undefined;
const text = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value.trim() || undefined;
  const node = obj(value);
  return typeof node?.['#text'] === 'string' ? node['#text'].trim() || undefined : undefined;
};

/** "262.80" → 26280; a decimal amount with at most two places, no float arithmetic. */
function cents(value: string | undefined, where: string): number {
  const match = value === undefined ? null : /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) throw new CamtProblem(where, 'must be an amount such as 262.80');
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

const MAX_ENTRIES = 10_000;

/**
 * Parses a CAMT.053 document. Throws CamtProblem for anything that is not one (not XML, another
 * message, an entry without amount or currency): the caller answers 400 and imports nothing.
 */
export function parseCamt053(xml: string): ParsedStatement {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new CamtProblem('statement', `is not well-formed XML (line ${valid.err.line})`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    trimValues: true,
  });
  const doc = obj(obj(parser.parse(xml) as unknown)?.Document);
  const root = obj(doc?.BkToCstmrStmt);
  if (!root) throw new CamtProblem('statement', 'is not a CAMT.053 document (Document/BkToCstmrStmt)');
  const messageId = text(obj(root.GrpHdr)?.MsgId);
  if (!messageId) throw new CamtProblem('statement.GrpHdr.MsgId', 'is missing');
  const statements = list(root.Stmt);
  if (statements.length === 0) throw new CamtProblem('statement.Stmt', 'is missing');
  const credits: StatementCredit[] = [];
  let skipped = 0;
  let entries = 0;
  statements.forEach((s, si) => {
    const stmt = obj(s);
    const statementId = text(stmt?.Id);
    if (!stmt || !statementId) throw new CamtProblem(`statement.Stmt[${si}].Id`, 'is missing');
    list(stmt.Ntry).forEach((n, ni) => {
      const where = `statement.Stmt[${si}].Ntry[${ni}]`;
      if (++entries > MAX_ENTRIES) throw new CamtProblem('statement', `has more than ${MAX_ENTRIES} entries`);
      const entry = obj(n);
      if (!entry) throw new CamtProblem(where, 'is not an entry');
      const amountNode = entry.Amt;
      const currency = obj(amountNode)?.['@Ccy'];
      if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))
        throw new CamtProblem(`${where}.Amt`, 'needs a currency (Ccy)');
      const amount = cents(text(amountNode), `${where}.Amt`);
      const indicator = text(entry.CdtDbtInd);
      if (indicator !== 'CRDT' && indicator !== 'DBIT')
        throw new CamtProblem(`${where}.CdtDbtInd`, 'must be CRDT or DBIT');
      // camt.053.001.02: <Sts>BOOK</Sts>; from .001.08: <Sts><Cd>BOOK</Cd></Sts>
      const status = text(entry.Sts) ?? text(obj(entry.Sts)?.Cd);
      if (indicator !== 'CRDT' || (status !== undefined && status !== 'BOOK')) {
        skipped++;
        return;
      }
      const details = list(obj(entry.NtryDtls)?.TxDtls)
        .map(obj)
        .filter((d): d is Node => d !== undefined);
      const texts = details.flatMap((d) => {
        const remittance = obj(d.RmtInf);
        const structured = list(remittance?.Strd).map((x) => text(obj(obj(x)?.CdtrRefInf)?.Ref));
        return [...list(remittance?.Ustrd).map(text), ...structured, text(obj(d.Refs)?.EndToEndId)].filter(
          (t): t is string => t !== undefined && t !== 'NOTPROVIDED',
        );
      });
      const reference =
        text(entry.AcctSvcrRef) ??
        text(obj(details[0]?.Refs)?.AcctSvcrRef) ??
        text(entry.NtryRef) ??
        `${messageId}/${statementId}/${ni}`;
      const booked = obj(entry.BookgDt);
      credits.push({
        reference,
        amountCents: amount,
        currency,
        bookedOn: text(booked?.Dt) ?? text(booked?.DtTm)?.slice(0, 10) ?? null,
        texts,
      });
    });
  });
  return { statementId: messageId, credits, skipped };
}

/** The order numbers (SO-<year>-<n>) a payer wrote, first one first. */
export const orderNumbersIn = (texts: readonly string[]): string[] =>
  texts
    .flatMap((t) =>
      [
        ...t
          .toUpperCase()
          .replace(/\s+/g, ' ')
          .matchAll(/SO-?\d{4}-?\d{4,}/g),
      ].map((m) => m[0]),
    )
    .map((n) => n.replace(/^SO-?(\d{4})-?(\d+)$/, 'SO-$1-$2'));
