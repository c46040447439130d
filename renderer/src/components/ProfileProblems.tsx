import type { ProfileProblem } from '../../../electron/api/contract';

/** Catalog profiles that failed validation, by name and field; the other labs still load. */
export function ProfileProblems({ problems }: { problems: ProfileProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <section className="notice" role="note" aria-labelledby="profile-problems-title">
      <h2 id="profile-problems-title">{problems.length === 1 ? 'A lab profile could not be loaded' : `${problems.length} lab profiles could not be loaded`}</h2>
      <ul>
        {problems.map((p, i) => (
          <li key={`${p.profile}-${p.field}-${i}`}>
            Profile {p.profile}: field {p.field}: {p.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
