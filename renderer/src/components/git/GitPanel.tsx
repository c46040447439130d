import type { LabView } from '../../../../electron/api/contract';
import type { CourseState } from '../../hooks/useCourse';
import { CourseSection } from './CourseSection';
import { RepoSection } from './RepoSection';
import '../../git.css';

interface Props {
  id: string;
  lab: LabView;
  ready: boolean;
  course: CourseState;
}

/** Beside the notebook: the lab's course (sync, what changed, snapshots) and pushing a folder to one's own remote. */
export function GitPanel({ id, lab, ready, course }: Props) {
  return (
    <aside id={id} className="side-panel git-panel" aria-label="Course and git">
      <header className="files-header">
        <h2 className="files-title">Course and git</h2>
      </header>
      <div className="side-panel-scroll">
        <CourseSection labId={lab.id} course={course} ready={ready} />
        <RepoSection labId={lab.id} ready={ready} initialFolder={course.status?.course?.folder ?? ''} />
      </div>
    </aside>
  );
}
