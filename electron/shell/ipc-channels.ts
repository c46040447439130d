// IPC channel names that are not contract methods: how the preload asks main for the events its window
// wants, and how main delivers them. Shared by preload and main so the two cannot drift apart.
export const EVENT_CHANNEL = 'classlab:event';
export const SUBSCRIBE_CHANNEL = 'classlab:subscribe';
export const UNSUBSCRIBE_CHANNEL = 'classlab:unsubscribe';
