import { describe, expect, it } from 'vitest';
import { notificationMessage } from '@/lib/views/notifications';

const base = { disputeId: '6b0f2a8e-1d5c-4f7e-9a3b-2c4d5e6f7a8b', invoiceId: '0e1d2c3b-4a59-4687-8796-a5b4c3d2e1f0', invoiceNumber: 'INV-2026-11-0A1B2', status: 'accepted' as const, decidedAt: '2026-11-24T12:01:00.000Z', automatic: true };

describe('the dispute.decided notification', () => {
  it('says what was credited, and never “in full” when the job had nothing left to credit', () => {
    const credited = notificationMessage('dispute.decided', { ...base, credited: '0.12', currency: 'USD' }, { accountName: 'Acme Telecom' });
    expect(credited.body).toBe('The dispute on invoice INV-2026-11-0A1B2 of Acme Telecom was not decided in time, so it was accepted in full. A credit note of $0.12 shows on the next invoice.');
    const nothing = notificationMessage('dispute.decided', { ...base, credited: '0.00', currency: 'USD' }, { accountName: 'Acme Telecom' });
    expect(nothing.body).not.toContain('accepted in full');
    expect(nothing.body).toContain('Nothing further is credited: earlier disputes already credited these calls in full.');
    // Events stored before the amount was part of them still read sensibly.
    const older = notificationMessage('dispute.decided', base, { accountName: 'Acme Telecom' });
    expect(older.body).toContain('open the dispute to see the amount');
  });
});
