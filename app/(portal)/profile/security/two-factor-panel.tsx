'use client';

import { useActionState } from 'react';
import { TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import { confirmEnrolmentAction, disableTwoFactorAction, regenerateCodesAction, startEnrolmentAction } from './actions';

type Codes = ActionState<{ recoveryCodes: string[] }>;

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="rounded-md border border-amber-200 bg-amber-50 p-4" data-testid="recovery-codes">
      <p className="mb-2 text-sm font-medium text-amber-900">Save these recovery codes now: they are shown only once. Each signs you in once if you lose your phone.</p>
      <ul className="grid grid-cols-2 gap-1 font-mono text-sm sm:grid-cols-5">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
    </div>
  );
}

function CodeForm({ action, state, label, submit, variant }: { action: (formData: FormData) => void; state: ActionState<unknown>; label: string; submit: string; variant?: 'danger' }) {
  const fieldErrors = state.status === 'error' ? state.fieldErrors : undefined;
  return (
    <form action={action} className="flex flex-col gap-3 sm:flex-row sm:items-start" noValidate>
      <TextField label={label} name="code" idPrefix={submit.toLowerCase().replace(/\W+/g, '-')} inputMode="numeric" autoComplete="one-time-code" required maxLength={32} errors={fieldErrors?.code} className="sm:w-64" />
      <div className="sm:pt-6">
        <SubmitButton variant={variant} pendingLabel="Checking…">
          {submit}
        </SubmitButton>
      </div>
    </form>
  );
}

export function EnrolTwoFactor({ pending }: { pending?: { secret: string; qrSvg: string } }) {
  const [started, start] = useActionState(startEnrolmentAction, pending ? { status: 'success', data: pending } : { status: 'idle' });
  const [confirmed, confirm] = useActionState<Codes, FormData>(confirmEnrolmentAction, { status: 'idle' });
  if (confirmed.status === 'success' && confirmed.data) {
    return (
      <div className="space-y-3">
        <p role="status" className="text-sm font-medium text-green-800">
          Two-factor authentication is on.
        </p>
        <RecoveryCodes codes={confirmed.data.recoveryCodes} />
        <a href="/dashboard" className="text-sm font-medium text-indigo-800 underline">
          Continue to the portal
        </a>
      </div>
    );
  }
  const setup = started.status === 'success' ? started.data : undefined;
  if (!setup) {
    return (
      <form action={start} className="space-y-3">
        <p className="text-sm text-slate-700">You will need an authenticator app (Google Authenticator, 1Password, Authy, Microsoft Authenticator…).</p>
        <FormMessage state={started} success="inline" />
        <SubmitButton pendingLabel="Starting…">Set up two-factor authentication</SubmitButton>
      </form>
    );
  }
  return (
    <div className="space-y-4">
      <ol className="list-decimal space-y-2 pl-5 text-sm text-slate-700">
        <li>Scan this QR code with your authenticator app.</li>
        <li>
          Or enter this key by hand: <code className="break-all rounded bg-slate-100 px-1 font-mono" data-testid="totp-secret">{setup.secret}</code>
        </li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      {/* The SVG is rendered on the server by the qrcode library from our own otpauth:// address. */}
      <div role="img" aria-label="QR code for your authenticator app" className="h-48 w-48 bg-white p-1" dangerouslySetInnerHTML={{ __html: setup.qrSvg }} />
      <CodeForm action={confirm} state={confirmed} label="Code from the app" submit="Turn on" />
      {confirmed.status === 'error' && !confirmed.fieldErrors ? <FormMessage state={confirmed} success="inline" /> : null}
    </div>
  );
}

export function ManageTwoFactor({ recoveryCodesLeft, lockedReason }: { recoveryCodesLeft: number; lockedReason?: string }) {
  const [regenerated, regenerate] = useActionState<Codes, FormData>(regenerateCodesAction, { status: 'idle' });
  const [disabled, disable] = useActionState<ActionState, FormData>(disableTwoFactorAction, { status: 'idle' });
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-700">
        On. {recoveryCodesLeft} of 10 recovery codes left.
      </p>
      <section className="space-y-2">
        <h3 className="text-sm font-semibold text-slate-900">New recovery codes</h3>
        {regenerated.status === 'success' && regenerated.data ? <RecoveryCodes codes={regenerated.data.recoveryCodes} /> : null}
        <CodeForm action={regenerate} state={regenerated} label="Authenticator or recovery code" submit="Make new codes" />
        {regenerated.status === 'error' && !regenerated.fieldErrors ? <FormMessage state={regenerated} success="inline" /> : null}
      </section>
      <section className="space-y-2">
        <h3 className="text-sm font-semibold text-slate-900">Turn off</h3>
        {lockedReason ? (
          <p className="text-sm text-slate-700">{lockedReason}</p>
        ) : (
          <>
            <CodeForm action={disable} state={disabled} label="Code to turn it off" submit="Turn off" variant="danger" />
            <FormMessage state={disabled} success="inline" />
          </>
        )}
      </section>
    </div>
  );
}
