/**
 * The shared parsers of lib/validations/common.ts and callback-url.ts: text without control
 * characters, whole numbers written with digits only, real calendar dates, same-site callback paths.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INCOMPLETE_EXPORT_LINE, queryStringProblems, streamFailingLoudly } from '@/lib/auth/route';
import { calendarDate, firstParam, integerField, isCalendarDate, isSafeText, optionalIntegerField, pageParam, readInteger, safeText } from '@/lib/validations/common';
import { DEFAULT_CALLBACK_URL, safeCallbackUrl } from '@/lib/validations/callback-url';

const CONTROL_CHARS = [...Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)), '\u007f', '\u0080', '\u0085', '\u009f'];
const control = fc.constantFrom(...CONTROL_CHARS);
const loneSurrogate = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
/** Text with no control character and no lone surrogate (any script, emoji included). */
const plainText = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((text) => !/[\u0000-\u001f\u007f-\u009f]/.test(text));
const withInserted = (text: fc.Arbitrary<string>, inserted: fc.Arbitrary<string>) =>
  fc.tuple(text, inserted, fc.nat()).map(([base, bad, at]) => {
    const index = base.length === 0 ? 0 : at % (base.length + 1);
    // Never split a surrogate pair of the base text.
    const safe = index > 0 && /[\ud800-\udbff]/.test(base[index - 1] ?? '') ? index - 1 : index;
    return base.slice(0, safe) + bad + base.slice(safe);
  });

describe('safe text', () => {
  it('accepts text in any script without control characters', () => {
    fc.assert(
      fc.property(plainText, (text) => {
        expect(safeText('Name').safeParse(text).success).toBe(true);
      }),
    );
  });

  it('refuses NUL, every other C0 and C1 control and DEL anywhere, naming the field', () => {
    fc.assert(
      fc.property(withInserted(plainText, control), (text) => {
        const parsed = safeText('The name').safeParse(text);
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues[0]?.message).toMatch(/^The name cannot contain control characters/);
      }),
    );
  });

  it('refuses lone surrogates, and keeps line breaks for text areas only', () => {
    fc.assert(
      fc.property(withInserted(plainText, loneSurrogate), (text) => {
        expect(isSafeText(text)).toBe(false);
      }),
    );
    expect(isSafeText('line one\nline two')).toBe(false);
    expect(isSafeText('line one\r\nline\ttwo', { multiline: true })).toBe(true);
    expect(isSafeText('line one\u0000', { multiline: true })).toBe(false);
    expect(isSafeText('😀 Zoë 東京')).toBe(true);
  });
});

describe('whole numbers', () => {
  const bounds = { min: 1, max: 1_000_000 };

  it('accepts exactly the plain decimal digits, within bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom('', ' ', '0', '00'), (value, pad) => {
        expect(readInteger(`${pad.trim()}${value}`, 'Count', bounds)).toEqual({ ok: true, value });
        expect(readInteger(` ${value} `, 'Count', bounds)).toEqual({ ok: true, value });
      }),
    );
  });

  it.each(['0x10', '0X1F', '1e3', '1E3', '10e0', '1.0', '2.5', '.5', '0b101', '0o17', 'Infinity', 'NaN', '1_000', '1,000', '١٢', '１２', '+', '-', '', '  ', '\u00001', '1\u0000'])(
    'refuses %j with a message that says digits only',
    (text) => {
      const reading = readInteger(text, 'Quantity', bounds);
      expect(reading.ok).toBe(false);
      if (!reading.ok) expect(reading.message).toMatch(/^Quantity must be a whole number/);
    },
  );

  it('never reads anything that is not ASCII digits as a number (Number() would)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (text) => {
        const reading = readInteger(text, 'N', { min: -1e15, max: 1e15 });
        expect(reading.ok).toBe(/^[+-]?\d+$/.test(text.trim()));
      }),
    );
  });

  it('gives range messages, also for numbers too long to be exact', () => {
    expect(readInteger('0', 'Quantity', bounds)).toEqual({ ok: false, message: 'Quantity must be at least 1' });
    expect(readInteger('-4', 'Quantity', bounds)).toEqual({ ok: false, message: 'Quantity must be at least 1' });
    expect(readInteger('1000001', 'Quantity', bounds)).toEqual({ ok: false, message: 'Quantity can be at most 1,000,000' });
    expect(readInteger('9'.repeat(400), 'Quantity', bounds)).toEqual({ ok: false, message: 'Quantity can be at most 1,000,000' });
    expect(readInteger(`${'0'.repeat(30)}7`, 'Quantity', bounds)).toEqual({ ok: true, value: 7 });
  });

  it('works as zod fields: required, optional, and page links that fall back to page 1', () => {
    expect(integerField('Channels', bounds).safeParse('12').data).toBe(12);
    expect(integerField('Channels', bounds).safeParse(12).data).toBe(12);
    expect(integerField('Channels', bounds).safeParse(1.5).success).toBe(false);
    expect(optionalIntegerField('Channels', bounds).safeParse('  ').data).toBeUndefined();
    expect(optionalIntegerField('Channels', bounds).safeParse('0x10').error?.issues[0]?.message).toBe('Channels must be a whole number, written with the digits 0–9 only');
    expect(pageParam(100).parse('7')).toBe(7);
    for (const text of ['0x10', '1e1', '0', '101', '-1', 'two', undefined, ['3']]) expect(pageParam(100).parse(text)).toBe(1);
  });
});

describe('calendar dates', () => {
  const pad = (value: number, width: number) => String(value).padStart(width, '0');

  it('accepts a date exactly when the calendar has that day (from 1900 on)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (year, month, day) => {
        const date = new Date(Date.UTC(year, month - 1, day));
        const exists = month >= 1 && month <= 12 && day >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
        expect(isCalendarDate(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`)).toBe(exists && year >= 1900);
      }),
      { numRuns: 2000 },
    );
  });

  it('explains what is wrong', () => {
    const field = calendarDate('From');
    expect(field.safeParse('2024-02-29').data).toBe('2024-02-29');
    expect(field.safeParse('9999-99-99').error?.issues.map((issue) => issue.message)).toEqual(['From is not a real date: check the month and the day']);
    expect(field.safeParse('2023-02-29').success).toBe(false);
    expect(field.safeParse('2024-04-31').success).toBe(false);
    expect(field.safeParse('2024-1-5').error?.issues.map((issue) => issue.message)).toEqual(['From must be a date written YYYY-MM-DD, like 2026-03-31']);
    expect(field.safeParse('2024-01-05\u0000').success).toBe(false);
    expect(field.safeParse('+2024-01-05').success).toBe(false);
  });
});

describe('query strings', () => {
  it('reads the first of repeated keys, and never an inherited property', () => {
    expect(firstParam({ page: ['2', '3'] }, 'page')).toBe('2');
    expect(firstParam(new URLSearchParams('page=2&page=3'), 'page')).toBe('2');
    expect(firstParam({}, 'constructor')).toBeUndefined();
    expect(firstParam({}, '__proto__')).toBeUndefined();
  });

  it('flags control characters in any key or value of a query string', () => {
    expect(queryStringProblems(new URLSearchParams('state=IL&npa=312'))).toBeNull();
    expect(queryStringProblems(new URLSearchParams('trunk=abc%00def'))).toEqual({ trunk: ['trunk cannot contain control characters (such as NUL, tab or a line break)'] });
    expect(Object.keys(queryStringProblems(new URLSearchParams('a%0Ab=1')) ?? {})).toEqual(['query']);
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), withInserted(plainText, control), (key, value) => {
        expect(queryStringProblems(new URLSearchParams([[key, value]]))).not.toBeNull();
      }),
    );
  });
});

describe('a streamed body that fails part-way', () => {
  const encoder = new TextEncoder();
  function source(chunks: string[], failAfter: number) {
    let index = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (index === failAfter) return controller.error(new Error('database went away'));
        const chunk = chunks[index++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(encoder.encode(chunk));
      },
    });
  }
  async function drain(stream: ReadableStream<Uint8Array>) {
    const reader = stream.getReader();
    let text = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return { text, error: undefined };
        text += new TextDecoder().decode(value);
      }
    } catch (error) {
      return { text, error };
    }
  }

  it('passes a healthy stream through unchanged', async () => {
    const body = await streamFailingLoudly(source(['a\r\n', 'b\r\n', 'c\r\n'], -1), { prefetch: 2 });
    expect(await drain(body)).toEqual({ text: 'a\r\nb\r\nc\r\n', error: undefined });
  });

  it('throws before the response exists when the prefetched part fails', async () => {
    await expect(streamFailingLoudly(source(['a\r\n', 'b\r\n'], 1), { prefetch: 2 })).rejects.toThrow('database went away');
  });

  it('ends with the incomplete line and then errors, never a clean end', async () => {
    const body = await streamFailingLoudly(source(['a\r\n', 'b\r\n', 'c\r\n'], 2), { prefetch: 1 });
    const { text, error } = await drain(body);
    expect(text).toBe(`a\r\nb\r\n${INCOMPLETE_EXPORT_LINE}`);
    expect(error).toBeInstanceOf(Error);
  });
});

describe('callback URLs after sign-in', () => {
  const base = 'http://portal.test';

  it.each([
    ['/numbers?state=IL', '/numbers?state=IL'],
    ['/e911#coverage', '/e911#coverage'],
    ['/numbers\n', DEFAULT_CALLBACK_URL],
    ['/numbers\r\nSet-Cookie: x=1', DEFAULT_CALLBACK_URL],
    ['/\t/evil.example', DEFAULT_CALLBACK_URL],
    ['//evil.example', DEFAULT_CALLBACK_URL],
    ['/\\evil.example', DEFAULT_CALLBACK_URL],
    ['/a\\b', DEFAULT_CALLBACK_URL],
    ['https://evil.example/', DEFAULT_CALLBACK_URL],
    ['javascript:alert(1)', DEFAULT_CALLBACK_URL],
    ['numbers', DEFAULT_CALLBACK_URL],
    ['/a/../..//evil.example', DEFAULT_CALLBACK_URL],
    ['/\u0000', DEFAULT_CALLBACK_URL],
    [`/${'a'.repeat(3000)}`, DEFAULT_CALLBACK_URL],
    [['/numbers', '//evil.example'], '/numbers'],
    [undefined, DEFAULT_CALLBACK_URL],
  ])('%j → %j', (input, expected) => {
    expect(safeCallbackUrl(input)).toBe(expected);
  });

  it('only ever yields a plain path on this site', () => {
    const nasty = fc.constantFrom('/', '//', '\\', '\n', '\r', '\t', '\u0000', ' ', '..', '.', ':', '@', '%2F', 'evil.example', '?', '#', 'https:', '\ud800');
    const candidate = fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.oneof(nasty, fc.string({ maxLength: 4 })), { maxLength: 8 }).map((parts) => parts.join('')));
    fc.assert(
      fc.property(candidate, (input) => {
        const output = safeCallbackUrl(input);
        expect(output.startsWith('/')).toBe(true);
        expect(output.startsWith('//')).toBe(false);
        expect(output).not.toMatch(/[\u0000-\u0020\u007f-\u009f\\]/);
        expect(new URL(output, base).origin).toBe(base);
        expect(safeCallbackUrl(output)).toBe(output);
      }),
      { numRuns: 2000 },
    );
  });
});
