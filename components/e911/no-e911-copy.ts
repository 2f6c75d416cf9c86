/**
 * What the portal says about a number whose carrier cannot register an emergency address, in one
 * place so search, checkout and /e911 say the same thing.
 */
export const NO_E911_BADGE = 'No E911';

export const NO_E911_SUMMARY =
  'This number’s carrier cannot register an emergency (E911) address through us, so the portal cannot give it one. A 911 call from it is routed by the carrier’s default handling, which may not send your street address to the emergency dispatcher.';
