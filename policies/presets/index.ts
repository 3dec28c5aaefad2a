// The five presets, one per seed text, by the ids DESIGN.md fixes.
import type { Policy } from '../policy';
import { allSalesFinal } from './all-sales-final';
import { cloudProviderFault } from './cloud-provider-fault';
import { proxyStrict } from './proxy-strict';
import { servicesFixFirst } from './services-fix-first';
import { usageProrata } from './usage-prorata';

export const PRESET_IDS = [
  'all-sales-final',
  'proxy-strict',
  'services-fix-first',
  'cloud-provider-fault',
  'usage-prorata',
] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export const presets: Readonly<Record<PresetId, Policy>> = {
  'all-sales-final': allSalesFinal,
  'proxy-strict': proxyStrict,
  'services-fix-first': servicesFixFirst,
  'cloud-provider-fault': cloudProviderFault,
  'usage-prorata': usageProrata,
};

export function isPresetId(id: string): id is PresetId {
  return (PRESET_IDS as readonly string[]).includes(id);
}

/** The preset with this id; a deep copy, so a caller can never change the shared preset. */
export function getPreset(id: string): Policy | undefined {
  return isPresetId(id) ? clonePolicy(presets[id]) : undefined;
}

/** Every preset, in PRESET_IDS order. */
export function listPresets(): Policy[] {
  return PRESET_IDS.map((id) => clonePolicy(presets[id]));
}

/** Policies are plain JSON, so a JSON round trip is a faithful deep copy (and works in the workflow sandbox). */
function clonePolicy(policy: Policy): Policy {
  return JSON.parse(JSON.stringify(policy)) as Policy;
}
