import { useState } from 'react';
import type { HostLabStatus, LabView } from '../../../../electron/api/contract';
import { allowedActions } from '../../../../electron/api/phase-rules';
import type { LabActions } from '../../hooks/useLabActions';
import { formatUptime, nextSort, sortLabs, type History, type Sort, type SortKey } from '../../host/overview';
import { PhaseBadge } from '../PhaseBadge';
import { ResetButton } from '../ResetButton';
import { DeleteLabButton } from './DeleteLabButton';
import { Sparkline } from './Sparkline';
import { UsageCell } from './UsageCell';

interface Props {
  labs: HostLabStatus[];
  views: LabView[];
  history: History;
  actions: LabActions;
  onDelete(labId: string): Promise<void>;
}

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'title', label: 'Lab' },
  { key: 'phase', label: 'State' },
  { key: 'cpu', label: 'CPU' },
  { key: 'memory', label: 'Memory' },
  { key: 'disk', label: 'Disk' },
  { key: 'uptime', label: 'Uptime' },
  { key: 'terminals', label: 'Terminals' },
  { key: 'kernels', label: 'Kernels' },
];

/** Every lab of this machine, one row each, sortable by any column (a button in its header). */
export function HostLabTable({ labs, views, history, actions, onDelete }: Props) {
  const [sort, setSort] = useState<Sort>({ key: 'title', descending: false });
  const rows = sortLabs(labs, sort);
  return (
    <table className="host-table">
      <caption className="visually-hidden">Labs on this machine, sorted by {COLUMNS.find((c) => c.key === sort.key)!.label}</caption>
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th key={c.key} scope="col" aria-sort={sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
              <button type="button" className="sort-button" onClick={() => setSort((s) => nextSort(s, c.key))}>
                {c.label}
                <span aria-hidden="true" className="sort-mark">
                  {sort.key === c.key ? (sort.descending ? '▼' : '▲') : ''}
                </span>
              </button>
            </th>
          ))}
          <th scope="col">
            CPU, memory <span className="muted small">(last minutes)</span>
          </th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((l) => {
          const view = views.find((v) => v.id === l.labId);
          const busy = actions.busy[l.labId] ?? null;
          const allowed = view ? allowedActions(view.phase) : null;
          const samples = history[l.labId] ?? [];
          return (
            <tr key={l.labId} data-lab={l.labId}>
              <th scope="row" className="host-lab-title">
                {l.title}
                <span className="muted small host-lab-id">{l.labId}</span>
              </th>
              <td>
                <PhaseBadge phase={view?.phase ?? l.phase} />
                {l.warm && <span className="muted small host-lab-warm">warm</span>}
              </td>
              <td>
                <UsageCell used={l.cpuPercent} limit={l.cpuLimitPercent} unit="percent" />
              </td>
              <td>
                <UsageCell used={l.memoryBytes} limit={l.memoryLimitBytes} unit="bytes" />
              </td>
              <td>
                <UsageCell used={l.diskUsedBytes} limit={l.diskLimitBytes} unit="bytes" />
              </td>
              <td className="host-number">{formatUptime(l.uptimeSeconds)}</td>
              <td className="host-number">{l.terminals ?? '–'}</td>
              <td className="host-number">{l.kernels ?? '–'}</td>
              <td>
                <div className="host-sparks">
                  <Sparkline values={samples.map((s) => s.cpu)} label={`CPU of ${l.title}`} tone="cpu" />
                  <Sparkline values={samples.map((s) => s.memory)} label={`Memory of ${l.title}`} tone="memory" />
                </div>
              </td>
              <td>
                <div className="host-actions">
                  <button
                    type="button"
                    className="button"
                    disabled={!allowed?.stop || busy !== null}
                    onClick={() => void actions.run('stop', l.labId)}
                    aria-label={`Stop ${l.title}`}
                  >
                    {busy === 'stop' ? 'Stopping…' : 'Stop'}
                  </button>
                  {view && <ResetButton lab={view} disabled={!allowed?.reset || busy !== null} onReset={() => void actions.run('reset', l.labId)} />}
                  <DeleteLabButton title={l.title} disabled={busy !== null || view?.phase === 'building'} onDelete={() => onDelete(l.labId)} />
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
