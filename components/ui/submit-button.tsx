'use client';

import { useFormStatus } from 'react-dom';
import { Button, type ButtonVariant } from './button';

export function SubmitButton({ children, pendingLabel, variant, disabled, name, value }: { children: React.ReactNode; pendingLabel?: string; variant?: ButtonVariant; disabled?: boolean; name?: string; value?: string }) {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" variant={variant} disabled={pending || disabled} aria-disabled={pending || disabled} name={name} value={value}>
      {pending ? (pendingLabel ?? 'Saving…') : children}
    </Button>
  );
}
