import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passwordProblem } from '@/lib/validations/password';

describe('password policy', () => {
  it('refuses short, common, patterned and blank passwords', () => {
    for (const weak of ['aaaaaaaaaaaa', '123456789012', 'password1234', '            ', 'qwertyuiop12', 'Password12345', 'short', 'iloveyou1234', 'abcdefghijkl']) {
      expect(passwordProblem(weak), weak).toBeDefined();
    }
    expect(passwordProblem('a'.repeat(201))).toMatch(/at most/);
    expect(passwordProblem('copper\u0000violin-staple')).toBeDefined();
  });

  it('refuses a password made of the user\'s own email or name', () => {
    expect(passwordProblem('nina.network@acme.example', ['nina.network@acme.example', 'Nina Network'])).toBeDefined();
    expect(passwordProblem('NinaNetwork2026', ['nina@acme.example', 'Nina Network'])).toBeDefined();
  });

  it('accepts passphrases of unrelated words', () => {
    for (const strong of ['copper-violin-staple', 'correct horse battery', 'Tr0ub4dor&3-kettle', 'globex-password-1']) {
      expect(passwordProblem(strong), strong).toBeUndefined();
    }
  });

  it('refuses every password of one repeated character or digits in a row, whatever the length', () => {
    fc.assert(
      fc.property(fc.constantFrom(...'abcxyz0123 !'.split('')), fc.integer({ min: 12, max: 64 }), (char, length) => {
        expect(passwordProblem(char.repeat(length))).toBeDefined();
      }),
    );
  });
});
