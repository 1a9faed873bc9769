/**
 * The resolver the host, bestmx and dns classes use for one map
 * environment: built from the cf's HostsFile and ServiceSwitchFile options
 * and /etc/resolv.conf, unless a program or test installs its own with
 * `useResolver` (e.g. one pointing at a loopback DNS server).
 */
import { Resolver, type QueryLimits } from '../../dns/index.js';
import { rawFlagValue } from '../common.js';
import type { MapEnvironment, MapFlags } from '../types.js';

const installed = new WeakMap<MapEnvironment, Resolver>();

/** Make every map of `env` use `resolver`. */
export function useResolver(env: MapEnvironment, resolver: Resolver): void {
  installed.set(env, resolver);
}

/** The resolver of `env`, made on first use from its options. */
export function resolverFor(env: MapEnvironment): Resolver {
  let r = installed.get(env);
  if (!r) {
    r = new Resolver({
      hostsFile: env.option('HostsFile') || '/etc/hosts',
      serviceSwitchFile: env.option('ServiceSwitchFile') || '/etc/mail/service.switch',
    });
    installed.set(env, r);
  }
  return r;
}

/** A map's -d (seconds per try) and -r (number of tries) as query limits. */
export function resolverLimits(flags: MapFlags): QueryLimits {
  const limits: QueryLimits = {};
  const delay = Number(rawFlagValue(flags, 'd'));
  const retry = Number(rawFlagValue(flags, 'r'));
  if (rawFlagValue(flags, 'd') && Number.isInteger(delay) && delay > 0) limits.timeoutMs = delay * 1000;
  if (rawFlagValue(flags, 'r') && Number.isInteger(retry) && retry >= 0) limits.attempts = retry + 1;
  return limits;
}
