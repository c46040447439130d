// The host area of the methods table (host:*): what the UI may ask of the workshop host's side. No
// method takes a path on this computer: backups are named by lab and file name in the data folder.
import type { CoreService } from '../types';
import type { Host } from './host';

export type HostMethods = Pick<
  CoreService,
  'host:status' | 'host:backup' | 'host:backups' | 'host:restore' | 'host:resetPlan' | 'host:reset' | 'host:removeOrphans' | 'host:deleteLab'
>;

export function hostHandlers(host: Host): HostMethods {
  return {
    'host:status': () => host.status(),
    'host:backup': (lab) => host.backups.backup(lab),
    'host:backups': () => host.backups.list(),
    'host:restore': async (lab, fileName, into) => host.restore(host.backups.fileOf(lab, fileName), into),
    'host:resetPlan': (options) => host.machine.plan(options),
    'host:reset': (options) => host.machine.reset(options),
    'host:removeOrphans': () => host.machine.removeOrphans(),
    'host:deleteLab': (lab) => host.machine.deleteLab(lab),
  };
}
