'use client';

import { Upload } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useActionState, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { SignaturePad } from '@/components/ports/signature-pad';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import { DOCUMENT_ACCEPT, MAX_PORT_DOCUMENT_BYTES } from '@/lib/ports/types';

const MB = MAX_PORT_DOCUMENT_BYTES / 1024 / 1024;

/**
 * Uploads go to the documents endpoint, which streams the body and stops reading past 10 MB (a
 * server action would buffer the whole request first); the session authenticates it.
 */
export function UploadDocumentForm({ portInId }: { portInId: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<string | null>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const typed = new FormData(form);
    const file = typed.get('file');
    if (!(file instanceof File) || !file.size) {
      setErrors({ file: ['Choose the file to upload.'] });
      return;
    }
    if (file.size > MAX_PORT_DOCUMENT_BYTES) {
      setErrors({ file: [`${file.name} is larger than ${MB} MB. Scan it at a lower resolution or send a PDF.`] });
      return;
    }
    // The endpoint reads `kind` before the file.
    const body = new FormData();
    body.set('kind', String(typed.get('kind') ?? ''));
    body.set('file', file, file.name);
    setPending(true);
    setErrors({});
    setMessage(null);
    try {
      const response = await fetch(`/api/v1/ports/${portInId}/documents`, { method: 'POST', body, credentials: 'same-origin' });
      if (!response.ok) {
        const answer = (await response.json().catch(() => null)) as { error?: { message?: string; fields?: Record<string, string[]> } } | null;
        const text = answer?.error?.message ?? `The upload failed (HTTP ${response.status}). Nothing was saved.`;
        setErrors(answer?.error?.fields ?? { file: [text] });
        setMessage(text);
        return;
      }
      form.reset();
      toast.success(`${file.name} uploaded.`);
      router.refresh();
    } catch {
      setMessage('The upload did not reach us; check your connection and try again.');
    } finally {
      setPending(false);
    }
  };
  return (
    <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-3 sm:items-start" noValidate aria-label="Upload a document">
      <SelectField name="kind" idPrefix="port-doc" label="Document" errors={errors.kind} defaultValue="loa">
        <option value="loa">Signed LOA</option>
        <option value="bill">Recent bill</option>
      </SelectField>
      <TextField name="file" idPrefix="port-doc" type="file" label="File" accept={DOCUMENT_ACCEPT} errors={errors.file} hint={`PDF, PNG or JPEG, at most ${MB} MB`} className="sm:col-span-2" />
      <div className="space-y-2 sm:col-span-3">
        <p role="status" aria-live="polite" className="text-sm text-red-700">
          {message && !Object.values(errors).some((list) => list.includes(message)) ? message : ''}
        </p>
        <Button type="submit" variant="secondary" disabled={pending} aria-disabled={pending}>
          <Upload aria-hidden className="h-4 w-4" />
          {pending ? 'Uploading…' : 'Upload'}
        </Button>
      </div>
    </form>
  );
}

export function SignLoaForm({ portInId, action }: { portInId: string; action: (state: ActionState, formData: FormData) => Promise<ActionState> }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  const [typedName, setTypedName] = useState('');
  return (
    <form action={formAction} className="space-y-4" noValidate aria-label="Sign the LOA">
      <input type="hidden" name="portInId" value={portInId} />
      <TextField
        name="typedName"
        idPrefix="port-loa"
        label="Your full name"
        autoComplete="name"
        errors={errors?.typedName}
        value={typedName}
        onChange={(event) => setTypedName(event.target.value)}
        hint="Typing your name is your legal signature; the drawing is its image."
        className="max-w-md"
      />
      <SignaturePad name="signature" idPrefix="port-loa" typedName={typedName} errors={errors?.signature} />
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Signing…">Sign the LOA</SubmitButton>
    </form>
  );
}
