// The one LabApi object the UI talks to. In Electron the preload puts it on window.classlab; in a
// browser it is built here over the bridge's WebSocket, with the same client and the same contract.
import { unavailableApi } from '../../electron/api/by-area';
import { createApiClient } from '../../electron/api/client';
import type { LabApi } from '../../electron/api/contract';
import { staticConnection, type ConnectionMonitor } from './connection/connectionState';
import { takeBridgeToken } from './connection/token';
import { createWsTransport } from './connection/wsTransport';

declare global {
  interface Window {
    classlab?: LabApi;
  }
}

export interface ApiSetup {
  api: LabApi;
  connection: ConnectionMonitor;
}

export function setUpApi(): ApiSetup {
  if (window.classlab) return { api: window.classlab, connection: staticConnection({ kind: 'open', generation: 1 }) };
  const token = takeBridgeToken();
  if (!token) {
    return {
      api: unavailableApi('No ClassLab token: open the address that `classlab serve` printed.'),
      connection: staticConnection({ kind: 'no-token' }),
    };
  }
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const transport = createWsTransport(`${scheme}://${window.location.host}/api`, token);
  return { api: createApiClient(transport), connection: transport };
}
