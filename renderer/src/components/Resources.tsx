import type { LabView } from '../../../electron/api/contract';
import { formatMiB } from '../../../electron/api/units';

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function Resources({ lab }: { lab: LabView }) {
  const { memoryMiB, cpus } = lab.resources;
  return (
    <ul className="resources" aria-label="Resources">
      <li>{formatMiB(memoryMiB)} memory</li>
      <li>
        {number.format(cpus)} {cpus === 1 ? 'CPU' : 'CPUs'}
      </li>
      <li>{lab.network === 'none' ? 'No network' : 'Internet access'}</li>
    </ul>
  );
}
