interface Props {
  path: string;
  onNavigate(path: string): void;
}

/** Where the list is: "Workspace › data › 2024", each part a way back up. */
export function Breadcrumbs({ path, onNavigate }: Props) {
  const parts = path ? path.split('/') : [];
  const crumbs = [{ label: 'Workspace', path: '' }, ...parts.map((p, i) => ({ label: p, path: parts.slice(0, i + 1).join('/') }))];
  return (
    <nav aria-label="Folder path" className="breadcrumbs">
      <ol>
        {crumbs.map((c, i) => {
          const last = i === crumbs.length - 1;
          return (
            <li key={c.path}>
              {last ? (
                <span aria-current="location" title={c.label}>
                  {c.label}
                </span>
              ) : (
                <button type="button" className="link-button" title={c.label} onClick={() => onNavigate(c.path)}>
                  {c.label}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
