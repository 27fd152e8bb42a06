// kube-proxy's modes by Kubernetes release (SEMANTICS.md 5.1): which modes a release's kube-proxy
// accepts, at what stage, and the validation error it exits with for one it does not
// (pkg/proxy/apis/config/validation validateProxyModeLinux).

import type { ClusterEvent } from '../events';
import type { KubeProxySettings, ProxyMode } from '../lab';
import { kubernetesMinor } from '../lab';

/** The releases the lab models, newest first; the default is the newest. */
export const KUBERNETES_VERSIONS = [
  '1.35', '1.34', '1.33', '1.32', '1.31', '1.30', '1.29', '1.28', '1.27', '1.26',
  '1.25', '1.24', '1.23', '1.22', '1.21', '1.20', '1.19', '1.18', '1.17', '1.16', '1.15',
] as const;
export const LATEST_KUBERNETES_VERSION = KUBERNETES_VERSIONS[0];
/** The last release whose kube-proxy had the userspace proxier (removed in 1.26). */
export const LAST_USERSPACE_VERSION = '1.25';

/**
 * A mode in one release: `ga`/`beta` run; `alpha` runs only with its feature gate
 * (NFTablesProxyMode, 1.29-1.30); `deprecated` runs and says so (userspace 1.23-1.25, IPVS from
 * 1.35); `removed` (userspace from 1.26) and `not-yet` (nftables before 1.29) do not start.
 */
export type ModeStage = 'ga' | 'beta' | 'alpha' | 'deprecated' | 'removed' | 'not-yet';

export function modeStage(mode: ProxyMode, version: string): ModeStage {
  const v = kubernetesMinor(version);
  switch (mode) {
    case 'iptables':
      return 'ga';
    case 'ipvs':
      return v >= 35 ? 'deprecated' : 'ga';
    case 'nftables':
      return v >= 33 ? 'ga' : v >= 31 ? 'beta' : v >= 29 ? 'alpha' : 'not-yet';
    case 'userspace':
      // Deprecated in 1.23 (kubernetes#104631), removed in 1.26 (kubernetes#112133).
      return v >= 26 ? 'removed' : v >= 23 ? 'deprecated' : 'ga';
  }
}

function nftablesEnabled(version: string, gates: KubeProxySettings['featureGates']): boolean {
  const stage = modeStage('nftables', version);
  // Beta and GA gates default to on; alpha's to off.
  if (stage === 'ga' || stage === 'beta') return gates?.NFTablesProxyMode !== false;
  return stage === 'alpha' && gates?.NFTablesProxyMode === true;
}

/**
 * kube-proxy's start-up failure for this mode in this release, in its own words, or null when
 * the mode runs. Before 1.26 the valid modes were joined with "," and included userspace.
 */
export function proxyModeStartupError(
  settings: Pick<KubeProxySettings, 'mode' | 'featureGates'>,
  version: string,
): string | null {
  const v = kubernetesMinor(version);
  const valid: string[] = ['iptables', 'ipvs'];
  if (v < 26) valid.push('userspace');
  if (nftablesEnabled(version, settings.featureGates)) valid.push('nftables');
  if (valid.includes(settings.mode)) return null;
  valid.sort();
  const list = v < 26 ? valid.join(',') : valid.join(', ');
  return (
    `KubeProxyConfiguration.ProxyMode: Invalid value: "${settings.mode}": must be ${list} or blank ` +
    '(blank means the best-available proxy [currently iptables])'
  );
}

/** What kube-proxy logs when it starts in a mode that runs but is on its way out. */
export function proxyModeStartupWarning(
  mode: ProxyMode,
  version: string,
  nodeName: string,
): Omit<ClusterEvent, 'seq'> | null {
  // KEP-5495: from 1.35 kube-proxy logs this at error level and records it on its Node.
  if (mode === 'ipvs' && modeStage('ipvs', version) === 'deprecated') {
    return {
      type: 'Warning',
      reason: 'IPVSDeprecation',
      object: { kind: 'Node', name: nodeName },
      message:
        'The ipvs proxier is now deprecated and may be removed in a future release. ' +
        "Please use 'nftables' instead.",
      source: 'kube-proxy',
      node: nodeName,
    };
  }
  return null;
}
