'use server';

import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { accountAction, type ErrorActionState } from '@/lib/auth/action';
import type { AccountAccess } from '@/lib/auth/access';
import { PORT_WIZARD_STEPS } from '@/lib/ports/types';
import { signPortLoa } from '@/lib/services/port-documents';
import {
  addCustomerPortComment,
  cancelPortIn,
  checkPortPortability,
  choosePortConnection,
  createPortDraft,
  getPortDetail,
  reachPortStep,
  savePortNumbers,
  savePortSchedule,
  savePortSubscriber,
  submitPortIn,
  type PortabilityOutcome,
  type SavedNumbers,
} from '@/lib/services/port-ins';
import { safeText } from '@/lib/validations/common';
import { wizardHref } from './port-views';

const portForm = z.object({ portInId: z.string().trim().default('') });

/** The port the form names, in the caller's account: a foreign or unknown id is "not found" before anything else. */
const portOf = (raw: Record<string, string>, access: AccountAccess) => getPortDetail(access, raw.portInId?.trim() ?? '');

function refresh(portInId?: string) {
  revalidatePath('/port-ins');
  if (portInId) {
    revalidatePath(`/port-ins/${portInId}`);
    revalidatePath(`/port-ins/${portInId}/wizard`);
  }
}

/** The PIN is a secret of the losing carrier's account: never sent back to the browser. */
function withoutPin(state: ErrorActionState): ErrorActionState {
  if (!state.values) return state;
  return { ...state, values: Object.fromEntries(Object.entries(state.values).filter(([name]) => name !== 'pin')) };
}

export const createPortDraftAction = accountAction({
  schema: z.object({ label: safeText('The label').trim().max(80, 'At most 80 characters.').optional() }),
  permission: 'technical.write',
  async run({ label }, access) {
    const { id } = await createPortDraft(access, { label });
    refresh();
    redirect(wizardHref(id, 'numbers'));
  },
});

export const savePortNumbersAction = accountAction<typeof portForm, SavedNumbers, Awaited<ReturnType<typeof portOf>>>({
  schema: portForm,
  permission: 'technical.write',
  load: portOf,
  async run(_input, access, { raw, subject }) {
    const saved = await savePortNumbers(access, subject.id, { numbers: raw.numbers ?? '' });
    refresh(subject.id);
    return { data: saved };
  },
});

export const checkPortabilityAction = accountAction<typeof portForm, PortabilityOutcome, Awaited<ReturnType<typeof portOf>>>({
  schema: portForm,
  permission: 'technical.write',
  load: portOf,
  async run(_input, access, { subject }) {
    const outcome = await checkPortPortability(access, subject.id);
    refresh(subject.id);
    const unanswered = outcome.unavailable.length ? ` ${outcome.unavailable.map((entry) => entry.provider).join(', ')} could not answer.` : '';
    return {
      message: `${outcome.portable} of ${outcome.checked} number${outcome.checked === 1 ? '' : 's'} can be ported.${unanswered}`,
      ...(outcome.unavailable.length || outcome.portable < outcome.checked ? { tone: 'partial' as const } : {}),
      data: outcome,
    };
  },
});

export const choosePortConnectionAction = accountAction({
  schema: portForm,
  permission: 'technical.write',
  load: portOf,
  async run(_input, access, { raw, subject }) {
    await choosePortConnection(access, subject.id, { connectionId: raw.connectionId ?? '' });
    refresh(subject.id);
    return { message: 'Winning carrier chosen.' };
  },
});

export const savePortSubscriberAction = accountAction({
  schema: portForm,
  permission: 'technical.write',
  load: portOf,
  presentError: withoutPin,
  async run(_input, access, { raw, subject }) {
    await savePortSubscriber(access, subject.id, raw);
    refresh(subject.id);
    redirect(wizardHref(subject.id, 'documents'));
  },
});

/** A step that saves nothing of its own (documents are saved as they are added): moves on. */
export const continuePortStepAction = accountAction({
  schema: portForm.extend({ to: z.enum(PORT_WIZARD_STEPS) }),
  permission: 'technical.write',
  load: portOf,
  async run({ to }, access, { subject }) {
    await reachPortStep(access, subject.id, to);
    refresh(subject.id);
    redirect(wizardHref(subject.id, to));
  },
});

export const savePortScheduleAction = accountAction({
  schema: portForm,
  permission: 'technical.write',
  load: portOf,
  async run(_input, access, { raw, subject }) {
    await savePortSchedule(access, subject.id, { requestedFocDate: raw.requestedFocDate ?? '', trunkGroupId: raw.trunkGroupId ?? '' });
    refresh(subject.id);
    redirect(wizardHref(subject.id, 'review'));
  },
});

export const submitPortInAction = accountAction({
  schema: portForm,
  permission: 'technical.write',
  load: portOf,
  async run(_input, access, { subject }) {
    // The page says "Submitted" only when the carrier took it; waiting or refused reads differently.
    const { delivery } = await submitPortIn(access, subject.id);
    refresh(subject.id);
    redirect(`/port-ins/${subject.id}?submitted=${delivery}`);
  },
});

export const cancelPortInAction = accountAction({
  schema: portForm.extend({ reason: safeText('The reason', { multiline: true }).trim().max(1000, 'At most 1,000 characters.').optional() }),
  permission: 'technical.write',
  load: portOf,
  async run({ reason }, access, { subject }) {
    await cancelPortIn(access, subject.id, { reason });
    refresh(subject.id);
    redirect(subject.status === 'draft' ? '/port-ins?discarded=1' : `/port-ins/${subject.id}`);
  },
});

export const addPortCommentAction = accountAction({
  schema: portForm.extend({ body: safeText('The comment', { multiline: true }).default('') }),
  permission: 'technical.write',
  load: portOf,
  async run({ body }, access, { subject }) {
    await addCustomerPortComment(access, subject.id, body);
    refresh(subject.id);
    return { message: 'Comment added.' };
  },
});

/** Signs the generated LOA; the signer's address and browser are recorded on the signed PDF. */
export const signPortLoaAction = accountAction({
  schema: portForm.extend({ typedName: safeText('Your name').default(''), signature: z.string().max(400_000, 'The drawing is too large; clear it and sign again.').default('') }),
  permission: 'technical.write',
  load: portOf,
  // The drawing is large and is drawn again anyway.
  presentError: (state) => (state.values ? { ...state, values: { typedName: state.values.typedName ?? '' } } : state),
  async run({ typedName, signature }, access, { subject }) {
    await signPortLoa(access, subject.id, { typedName, signature, ipAddress: access.ip ?? null, userAgent: (await headers()).get('user-agent') });
    refresh(subject.id);
    return { message: 'LOA signed. It replaces any LOA uploaded before.' };
  },
});
