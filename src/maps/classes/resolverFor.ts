/**
 * The resolver the host, bestmx and dns classes use for one map
 * environment: built from the cf's HostsFile and ServiceSwitchFile options
 * and /etc/resolv.conf, unless a program or test installs its own with
 * `useResolver` (e.g. one pointing at a loopback DNS server).
 */
import { Resolver } from '../../dns/index.js';
import type { MapEnvironment } from '../types.js';

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
