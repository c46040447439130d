import { useAdminLock } from '../../context';
import { SetPinDialog } from './SetPinDialog';
import { UnlockDialog } from './UnlockDialog';

/** The one place the UI asks for the admin PIN: whichever admin action asked, or the header's button. */
export function AdminPrompt() {
  const admin = useAdminLock();
  const { request } = admin;
  if (!request) return null;
  const done = (status: Parameters<typeof admin.statusChanged>[0] | null) => {
    if (status) admin.statusChanged(status);
    request.finish(status?.unlocked ?? false);
  };
  return request.kind === 'set' ? (
    <SetPinDialog what={request.what} lockMinutes={admin.status?.lockMinutes ?? 10} onDone={done} />
  ) : (
    <UnlockDialog what={request.what} onDone={done} />
  );
}
