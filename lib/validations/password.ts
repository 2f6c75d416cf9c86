/**
 * The password policy: at least 12 characters and not guessable. Guessability is zxcvbn's estimate
 * over a shipped list of the most common and breached passwords plus patterns (repeats, sequences,
 * keyboard walks, dates, l33t), with the user's own email and name counted as known words.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { z } from 'zod';
import { isSafeText } from './common';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;
/** zxcvbn score 3: "safely unguessable", about 10^8 guesses or more. */
const MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;
function getEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return estimator;
}

/** Why a password is refused, as a sentence for the field, or undefined when it is acceptable. */
export function passwordProblem(password: string, knownWords: string[] = []): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters`;
  if (password.trim() === '') return 'A password of spaces only is too easy to guess';
  if (!isSafeText(password)) return 'Use letters, digits, spaces and symbols only';
  const words = knownWords
    .map((word) => word.toLowerCase())
    .flatMap((word) => [word, word.replace(/[^\p{L}\p{N}]+/gu, ''), ...word.split(/[^\p{L}\p{N}]+/u)])
    .filter((word) => word.length >= 3);
  const { score } = getEstimator().check(password, words);
  if (score < MIN_SCORE) return 'This password is too easy to guess: it is a common password or a simple pattern. Try three or four unrelated words.';
  return undefined;
}

/** A new password, checked against the policy; `knownWords` (email, name) make it stricter. */
export function newPasswordSchema(knownWords: string[] = []) {
  return z.string({ message: 'Choose a password' }).superRefine((password, context) => {
    const problem = passwordProblem(password, knownWords);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
}
