// The packs area of the methods table: lab packs exported, uploaded, inspected and imported (core/packs).
import { LabError } from '../../api/errors';
import type { CoreService } from '../types';

export type PackMethods = Pick<
  CoreService,
  'packs:signer' | 'packs:export' | 'packs:cancel' | 'packs:downloadLink' | 'packs:uploadPlan' | 'packs:inspect' | 'packs:import' | 'packs:discard'
>;

// Placeholder while core/packs is written (issue #11): every method answers NOT_SUPPORTED.
export function packHandlers(): PackMethods {
  const later = () => Promise.reject(new LabError('NOT_SUPPORTED', 'Lab packs are not available in this ClassLab yet.'));
  return {
    'packs:signer': later,
    'packs:export': later,
    'packs:cancel': later,
    'packs:downloadLink': later,
    'packs:uploadPlan': later,
    'packs:inspect': later,
    'packs:import': later,
    'packs:discard': later,
  };
}
