/** The trunk group list's URL after a delete: the notice, and how many upstream copies were left. */
import { createLoader, createParser, createSerializer } from 'nuqs/server';
import { readInteger } from '@/lib/validations/common';

/** A provider keeps its copy when its API cannot delete one; at most one per upstream. */
const MAX_KEPT = 4;

const parseAsFlag = createParser<boolean>({ parse: (value) => (value === '1' ? true : null), serialize: () => '1' });
const parseAsKept = createParser({
  parse: (value: string) => {
    const reading = readInteger(value, 'Kept', { min: 0, max: MAX_KEPT });
    return reading.ok ? reading.value : null;
  },
  serialize: (kept: number) => String(kept),
});

export const trunkGroupListParsers = { deleted: parseAsFlag.withDefault(false), kept: parseAsKept.withDefault(0) };
export const loadTrunkGroupListParams = createLoader(trunkGroupListParsers);
export const serializeTrunkGroupList = createSerializer(trunkGroupListParsers);
