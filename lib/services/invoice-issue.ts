import 'server-only';
/**
 * Issuing, as callers should reach it (staff actions, the period-close job, the demo seed): the same
 * issueInvoice and closeInvoicePeriod, from a module that also loads invoice-documents, whose hook
 * stores the issued PDF and e-mails it to the owners and finance users. Importing lib/services/invoices
 * alone issues too, but a process that never loaded invoice-documents would skip the PDF and the
 * e-mail (the PDF is then stored at its first download; the e-mail is not sent).
 */
import './invoice-documents';

export { closeInvoicePeriod, issueInvoice, voidInvoice } from './invoices';
