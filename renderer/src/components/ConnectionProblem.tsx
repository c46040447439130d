interface Props {
  kind: 'expired' | 'no-token';
}

/** The bridge refused the token, or the page was opened without one: nothing works until a new address. */
export function ConnectionProblem({ kind }: Props) {
  return (
    <main className="screen screen-center" aria-labelledby="connection-title">
      <div className="panel">
        <h1 id="connection-title">{kind === 'expired' ? 'This link has expired' : 'This address has no access token'}</h1>
        {kind === 'expired' ? (
          <p>
            This link has expired: run <code>classlab serve</code> again and open the new address.
          </p>
        ) : (
          <p>
            Open the address that <code>classlab serve</code> printed: it ends with <code>#token=…</code>.
          </p>
        )}
      </div>
    </main>
  );
}
