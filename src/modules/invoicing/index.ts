// Invoicing: the documents of invoices and credit notes, archived as issued. Other modules reach it only through these.
export { InvoicingModule } from './invoicing.module.js';
export { InvoiceArchive, SEAL_JOB, type ArchivedDocument } from './invoice-archive.js';
