import type { InputHTMLAttributes, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { cn } from './cn';

const controlClass =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-indigo-700 focus:outline-2 focus:outline-indigo-700 aria-[invalid=true]:border-red-700';

interface FieldShell {
  label: string;
  name: string;
  errors?: string[];
  hint?: string;
  idPrefix?: string;
}

function describedBy(id: string, errors?: string[], hint?: string) {
  return [errors?.length ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
}

function FieldMessages({ id, errors, hint }: { id: string; errors?: string[]; hint?: string }) {
  return (
    <>
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      <p id={`${id}-error`} aria-live="polite" className="mt-1 text-xs text-red-700">
        {errors?.[0]}
      </p>
    </>
  );
}

export function TextField({ label, name, errors, hint, idPrefix, className, ...props }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const id = `${idPrefix ?? 'field'}-${name}`;
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input id={id} name={name} className={controlClass} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy(id, errors, hint)} {...props} />
      <FieldMessages id={id} errors={errors} hint={hint} />
    </div>
  );
}

export function TextAreaField({ label, name, errors, hint, idPrefix, className, ...props }: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = `${idPrefix ?? 'field'}-${name}`;
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea id={id} name={name} className={controlClass} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy(id, errors, hint)} {...props} />
      <FieldMessages id={id} errors={errors} hint={hint} />
    </div>
  );
}

export function SelectField({ label, name, errors, hint, idPrefix, className, children, ...props }: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = `${idPrefix ?? 'field'}-${name}`;
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-800">
        {label}
      </label>
      {/* React applies an uncontrolled select's defaultValue only when it mounts, and the form reset after
          an action brings that first choice back: keyed by it, the select remounts with a failed submit's echo. */}
      <select key={props.value === undefined ? String(props.defaultValue ?? '') : undefined} id={id} name={name} className={controlClass} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy(id, errors, hint)} {...props}>
        {children}
      </select>
      <FieldMessages id={id} errors={errors} hint={hint} />
    </div>
  );
}

export function CheckboxField({ label, name, idPrefix, defaultChecked, disabled }: { label: string; name: string; idPrefix?: string; defaultChecked?: boolean; disabled?: boolean }) {
  const id = `${idPrefix ?? 'field'}-${name}`;
  return (
    <div className="flex items-center gap-2">
      <input id={id} name={name} type="checkbox" defaultChecked={defaultChecked} disabled={disabled} className={cn('h-4 w-4 rounded border-slate-400 text-indigo-700')} />
      <label htmlFor={id} className="text-sm text-slate-800">
        {label}
      </label>
    </div>
  );
}
