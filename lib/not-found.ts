import { notFound } from 'next/navigation';
import { isAppError } from '@/lib/errors';

/**
 * For detail pages: the thing itself, or Next's 404 page. A missing value (`null`/`undefined`) and a
 * service's `not_found` refusal (a foreign id is "not found" too) both become the 404; any other
 * failure is left to the error boundary.
 */
export function orNotFound<T>(value: Promise<T>): Promise<NonNullable<T>>;
export function orNotFound<T>(value: T | null | undefined): NonNullable<T>;
export function orNotFound<T>(value: T | null | undefined | Promise<T>): NonNullable<T> | Promise<NonNullable<T>> {
  if (value instanceof Promise) {
    return value.then(
      (resolved) => present(resolved),
      (error: unknown) => {
        if (isAppError(error) && error.kind === 'not_found') notFound();
        throw error;
      },
    );
  }
  return present(value);
}

function present<T>(value: T | null | undefined): NonNullable<T> {
  if (value === null || value === undefined) notFound();
  return value;
}
