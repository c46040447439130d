/** A limit the running lab hit, in the core's plain words (memory, processes, a full workspace). */
export function LimitNotice({ notice }: { notice: string | null }) {
  if (!notice) return null;
  return (
    <div className="limit-notice" role="status">
      <span aria-hidden="true">⚠</span> {notice}
    </div>
  );
}
