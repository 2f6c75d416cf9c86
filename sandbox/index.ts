import type { SandboxDefinition } from './common/server';
import { carrierxSandbox } from './carrierx';
import { vitcomSandbox } from './vitcom';
import { voicemeupSandbox } from './voicemeup';
import { voicetelSandbox } from './voicetel';

/** Every sandbox by name, with its fixed default port (sandbox/README.md). */
export const sandboxDefinitions = {
  voicetel: voicetelSandbox,
  vitcom: vitcomSandbox,
  carrierx: carrierxSandbox,
  voicemeup: voicemeupSandbox,
} satisfies Record<string, SandboxDefinition>;
