import { Download, FileText } from 'lucide-react';
import { formatCount, formatDateTime } from '@/lib/format';
import type { PortDetailView } from '@/lib/services/port-ins';
import { signPortLoaAction } from '../../actions';
import { SignLoaForm, UploadDocumentForm } from '../../document-forms';

const KIND_LABELS = { loa: 'LOA (uploaded)', bill: 'Recent bill', signed_loa: 'LOA (signed here)' } as const;

export const documentHref = (portInId: string, documentId: string) => `/api/v1/ports/${portInId}/documents/${documentId}`;

export function PortDocumentList({ port }: { port: PortDetailView }) {
  if (!port.documents.length) return <p className="text-sm text-slate-700">No documents yet.</p>;
  return (
    <ul className="divide-y divide-slate-100 text-sm" data-testid="port-documents">
      {port.documents.map((document) => (
        <li key={document.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
          <FileText aria-hidden className="h-4 w-4 text-slate-600" />
          <span className="font-medium text-slate-900">{KIND_LABELS[document.kind]}</span>
          <span className="break-all text-slate-700">{document.filename}</span>
          <span className="text-slate-600">
            {formatCount(Math.ceil(document.sizeBytes / 1024))} KB · {document.signedName ? `signed by ${document.signedName} ${formatDateTime(document.signedAt)}` : `added ${formatDateTime(document.createdAt)}`}
          </span>
          <a href={documentHref(port.id, document.id)} className="inline-flex items-center gap-1 text-indigo-800 underline">
            <Download aria-hidden className="h-4 w-4" />
            Download<span className="sr-only"> {document.filename}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Step 4: an LOA and a bill uploaded, or the LOA generated from the draft and signed here. */
export function PortDocumentsStep({ port }: { port: PortDetailView }) {
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-700">
        The losing carrier needs a Letter of Agency (LOA) signed by the authorised person, and usually a recent bill to compare the account details with. Upload both, or generate the LOA from what you entered and sign it here.
      </p>
      <section aria-labelledby="current-documents">
        <h3 id="current-documents" className="mb-2 text-sm font-semibold text-slate-900">
          Current documents
        </h3>
        <PortDocumentList port={port} />
      </section>
      <section aria-labelledby="upload-documents" className="space-y-2">
        <h3 id="upload-documents" className="text-sm font-semibold text-slate-900">
          Upload
        </h3>
        <UploadDocumentForm portInId={port.id} />
      </section>
      <section aria-labelledby="sign-loa" className="space-y-2">
        <h3 id="sign-loa" className="text-sm font-semibold text-slate-900">
          Or generate the LOA and sign it
        </h3>
        <p className="text-sm text-slate-700">
          <a href={`/port-ins/${port.id}/loa`} className="text-indigo-800 underline">
            Read the generated LOA (PDF)
          </a>{' '}
          first. It must be signed by the authorised person{port.authorizedPerson ? `, ${port.authorizedPerson}` : ''}.
        </p>
        <SignLoaForm portInId={port.id} action={signPortLoaAction} />
      </section>
    </div>
  );
}
