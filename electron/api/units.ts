// Sizes in words, the same on both sides: the core's messages (a full disk, an upload that does not fit,
// an image download) and the UI's figures (the file list, the disk meter) say the same number for the
// same bytes. Bytes are counted in powers of 1000 with KB/MB/GB, as file managers and Docker's own
// progress show them; a profile's limits are written in MiB and shown in MiB/GiB, as the profile says.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1234567 → "1.2 MB", 273 → "273 B", 150_000_000 → "150 MB". */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** A limit in MiB as the profile states it: 512 → "512 MiB", 2048 → "2 GiB", 1536 → "1.5 GiB". */
export function formatMiB(mib: number): string {
  if (mib < 1024) return `${mib} MiB`;
  const gib = mib / 1024;
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
}
