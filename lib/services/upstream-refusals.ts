import 'server-only';

/**
 * One translator for every upstream refusal a customer meets: each refusal code becomes a sentence
 * saying what the customer can do next, never the carrier's own words (those are kept for staff).
 * Where only the operator's staff can act, it names the staff task to open; the sentence then says
 * a task was opened.
 */
import type { StaffTaskKind } from '@/lib/db/schema';
import { isAppError } from '@/lib/errors';
import { isProviderError, refusalOf, type Refusal, type RefusalCode, type RefusedField } from '@/lib/providers/errors';

/** Where the refusal was met: the same code asks for a different next step in each. */
export type RefusalOperation = 'trunk_sync' | 'number_order' | 'e911_register' | 'e911_remove' | 'release' | 'route_number';

export interface TranslatedRefusal {
  refusal: Refusal;
  /** What the customer reads: what happened and what to do next. */
  customer: string;
  /** The carrier's own words (or our own for a refusal we made), for staff only. */
  staffDetail: string;
  /** Set where only staff can act: the task to open (the customer sentence says it was opened). */
  staffTask?: StaffTaskKind;
}

export const TASK_OPENED = "We opened a task for our team; you'll see the result here.";

const FIELD_WORDS: Record<RefusedField, string> = {
  direction: 'direction (inbound, outbound or both)',
  auth: 'authentication method',
  allowedIps: 'allowed IP addresses',
  destinations: 'destinations (hosts, ports and transports)',
  maxChannels: 'channel limit',
  maxCps: 'calls-per-second limit',
  codecs: 'codec list',
  name: 'name',
};

const STAFF_TASK_OF: Partial<Record<RefusalCode, StaffTaskKind>> = {
  credentials: 'credentials',
  trunk_not_linked: 'link_trunk',
  number_not_on_account: 'number_not_on_account',
};

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

interface Wording {
  /** Who refused, as the viewer may call it ("Carrier 2", "the carrier", or the provider's name for staff). */
  carrier: string;
  /** The number concerned, formatted, where there is one. */
  number?: string;
  /** A portal-worded rule the setting broke (from the carrier's declared limits), where known. */
  settingHint?: string;
}

type Sentences = Record<RefusalOperation, (words: Required<Pick<Wording, 'carrier'>> & Wording, refusal: Refusal) => string>;

const settingName = (refusal: Refusal) => (refusal.field ? `the trunk group's ${FIELD_WORDS[refusal.field]}` : 'one of the trunk group’s settings');
const numberText = (words: Wording) => words.number ?? 'this number';

const SENTENCES: Record<RefusalCode, Sentences> = {
  credentials: {
    trunk_sync: ({ carrier }) => `${carrier} is not accepting our connection right now; your settings are saved. ${TASK_OPENED}`,
    number_order: ({ carrier }) => `${carrier} is not accepting our connection right now, so this number was not bought and nothing was charged. ${TASK_OPENED}`,
    e911_register: ({ carrier }) => `${carrier} is not accepting our connection right now, so the address is not registered yet. ${TASK_OPENED}`,
    e911_remove: ({ carrier }) => `${carrier} is not accepting our connection right now, so the address is still registered. ${TASK_OPENED}`,
    release: ({ carrier }) => `${carrier} is not accepting our connection right now, so the number is still yours and nothing was changed. ${TASK_OPENED}`,
    route_number: ({ carrier }) => `${carrier} is not accepting our connection right now, so the number keeps its previous routing. ${TASK_OPENED}`,
  },
  trunk_not_linked: {
    trunk_sync: ({ carrier }) => `On ${carrier}, a trunk group can only be set up by our team, so the numbers it carries are not routed here yet. ${TASK_OPENED}`,
    number_order: ({ carrier }) => `On ${carrier}, a trunk group can only be set up by our team: the number is bought, and routed once that is done. ${TASK_OPENED}`,
    e911_register: ({ carrier }) => `${carrier} could not register the address yet. ${TASK_OPENED}`,
    e911_remove: ({ carrier }) => `${carrier} could not remove the address yet. ${TASK_OPENED}`,
    release: ({ carrier }) => `${carrier} could not release the number yet; it is still yours. ${TASK_OPENED}`,
    route_number: ({ carrier }) => `On ${carrier}, a trunk group can only be set up by our team, so this number is not routed to it yet. ${TASK_OPENED}`,
  },
  number_not_on_account: {
    trunk_sync: ({ carrier }) => `${carrier} does not list some of these numbers on our account, so they could not be routed. ${TASK_OPENED}`,
    number_order: ({ carrier }) => `${carrier} did not put this number on our account, so it was not bought and nothing was charged. ${TASK_OPENED}`,
    e911_register: (words) => `${words.carrier} does not list ${numberText(words)} on our account, so no address could be registered. ${TASK_OPENED}`,
    e911_remove: (words) => `${words.carrier} does not list ${numberText(words)} on our account any more. ${TASK_OPENED}`,
    release: (words) => `${words.carrier} does not list ${numberText(words)} on our account; nothing was changed here. ${TASK_OPENED}`,
    route_number: (words) => `${words.carrier} does not list ${numberText(words)} on our account, so it could not be routed. ${TASK_OPENED}`,
  },
  unsupported_setting: {
    trunk_sync: (words, refusal) =>
      `${words.carrier} cannot carry ${settingName(refusal)}.${words.settingHint ? ` ${capitalize(words.settingHint)}.` : ''} Change it with Edit, or move the numbers it carries to a trunk group without it; the other carriers are not affected.`,
    number_order: ({ carrier }) => `${carrier} does not offer this number with what was asked, so it was not bought and nothing was charged. Choose another number.`,
    e911_register: (words) => `${words.carrier} cannot register an emergency address on ${numberText(words)}. Use the number only where a registered address is not needed, or buy a number that supports E911.`,
    e911_remove: (words) => `${words.carrier} cannot remove the emergency address from ${numberText(words)} through its system. Contact support to have it removed.`,
    release: (words) => `${words.carrier} cannot release ${numberText(words)} through its system; it is still yours. Contact support to have it released.`,
    route_number: (words, refusal) =>
      `${words.carrier} cannot carry ${settingName(refusal)}, so ${numberText(words)} is not routed as configured. Change the trunk group with Edit, or move the number to another group.`,
  },
  address_rejected: {
    trunk_sync: ({ carrier }) => `${carrier} refused the trunk group. Check its settings with Edit, then Re-apply.`,
    number_order: ({ carrier }) => `${carrier} did not accept the emergency address for this number; the number is bought. Check the address on the E911 page and register it again.`,
    e911_register: (words) => `${words.carrier} did not find this address in the emergency database for ${numberText(words)}. Check the street, city and ZIP (or pick one of the suggested spellings) on the E911 page, then register it again.`,
    e911_remove: (words) => `${words.carrier} did not remove the address from ${numberText(words)}. Try again shortly.`,
    release: (words) => `${words.carrier} did not confirm the release; ${numberText(words)} is still yours. Try again shortly.`,
    route_number: (words) => `${words.carrier} did not route ${numberText(words)}. Re-apply the trunk group shortly.`,
  },
  rate_limited: {
    trunk_sync: ({ carrier }) => `${carrier} asked us to slow down; your settings are saved. Press Re-apply in a few minutes.`,
    number_order: ({ carrier }) => `${carrier} asked us to slow down, so this number was not bought and nothing was charged. Try again in a few minutes.`,
    e911_register: ({ carrier }) => `${carrier} asked us to slow down, so the address is not registered yet. Register it again in a few minutes.`,
    e911_remove: ({ carrier }) => `${carrier} asked us to slow down, so the address is still registered. Try again in a few minutes.`,
    release: (words) => `${words.carrier} asked us to slow down; ${numberText(words)} is still yours and nothing was changed. Try again in a few minutes.`,
    route_number: (words) => `${words.carrier} asked us to slow down, so ${numberText(words)} keeps its previous routing. Re-apply the trunk group in a few minutes.`,
  },
  upstream_down: {
    trunk_sync: ({ carrier }) => `${carrier} is not answering right now; your settings are saved. Press Re-apply in a few minutes.`,
    number_order: ({ carrier }) => `${carrier} is not answering right now, so this number was not bought and nothing was charged. Try again in a few minutes.`,
    e911_register: ({ carrier }) => `${carrier} is not answering right now, so the address is not registered yet. Register it again in a few minutes.`,
    e911_remove: ({ carrier }) => `${carrier} is not answering right now, so the address is still registered. Try again in a few minutes.`,
    release: (words) => `${words.carrier} is not answering right now; ${numberText(words)} is still yours and nothing was changed. Try again in a few minutes.`,
    route_number: (words) => `${words.carrier} is not answering right now, so ${numberText(words)} keeps its previous routing. Re-apply the trunk group in a few minutes.`,
  },
  unknown: {
    trunk_sync: ({ carrier }) => `${carrier} refused these settings without saying which one. Check the hosts, addresses and limits with Edit, then Re-apply; if it keeps failing, contact support.`,
    number_order: ({ carrier }) => `${carrier} refused to sell this number, so it was not bought and nothing was charged. Choose another number.`,
    e911_register: (words) => `${words.carrier} did not register the address on ${numberText(words)}. Check the address on the E911 page and register it again; if it keeps failing, contact support.`,
    e911_remove: (words) => `${words.carrier} did not remove the address from ${numberText(words)}. Try again shortly; if it keeps failing, contact support.`,
    release: (words) => `${words.carrier} did not confirm the release; ${numberText(words)} is still yours and nothing was changed. Try again later.`,
    route_number: (words) => `${words.carrier} did not route ${numberText(words)} to the trunk group. Re-apply the trunk group; if it keeps failing, contact support.`,
  },
};

/** The sentence for a refusal met during `operation`; `carrier` starts it (capitalized). */
export function customerSentence(refusal: Refusal, operation: RefusalOperation, words: Wording): string {
  return SENTENCES[refusal.code][operation]({ ...words, carrier: capitalize(words.carrier) }, refusal);
}

/** Whether only staff can act on this refusal (a task is opened for it). */
export function staffTaskFor(refusal: Refusal): StaffTaskKind | undefined {
  return STAFF_TASK_OF[refusal.code];
}

/** The carrier's words for staff: the upstream's message where it gave one, else our own. */
export function staffDetailOf(error: unknown): string {
  if (isProviderError(error)) return (error.upstreamMessage ? `${error.upstreamMessage} (${error.message})` : error.message).slice(0, 1000);
  if (isAppError(error)) return error.message;
  if (error instanceof Error) return error.message.slice(0, 1000);
  return String(error).slice(0, 1000);
}

/** Operations about one number of ours: there an upstream's "not found" means the number is not on our account. */
const ABOUT_A_NUMBER: readonly RefusalOperation[] = ['route_number', 'release', 'e911_register', 'e911_remove'];

function readRefusal(error: unknown, operation: RefusalOperation): Refusal {
  const refusal = refusalOf(error);
  if (refusal.code === 'unknown' && isProviderError(error) && error.providerKind === 'not_found' && ABOUT_A_NUMBER.includes(operation)) return { code: 'number_not_on_account' };
  return refusal;
}

/** A thrown failure as the customer and staff each see it. */
export function translateRefusal(error: unknown, operation: RefusalOperation, words: Wording): TranslatedRefusal {
  const refusal = readRefusal(error, operation);
  return { refusal, customer: customerSentence(refusal, operation, words), staffDetail: staffDetailOf(error), staffTask: staffTaskFor(refusal) };
}

/** A refusal reported as data (an order line, a routed number) with the upstream's words beside it. */
export function translateReported(refusal: Refusal | undefined, upstreamWords: string | undefined, operation: RefusalOperation, words: Wording): TranslatedRefusal {
  const read = refusal ?? { code: 'unknown' as const };
  return { refusal: read, customer: customerSentence(read, operation, words), staffDetail: (upstreamWords ?? 'no reason given').slice(0, 1000), staffTask: staffTaskFor(read) };
}
