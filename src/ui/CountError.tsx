// The problem with a count typed into a form (whole-number.ts), beside its field: which field,
// what was typed and the range it takes, in the reader's language.

import { useT } from './i18n';
import type { WholeNumberProblem } from './whole-number';

export function CountError({ problem, field, id }: { problem: WholeNumberProblem; field: string; id: string }) {
  const t = useT();
  return (
    <span className="field-error" role="alert" id={id} data-testid={id}>
      {t(problem.key, { ...problem.params, field })}
    </span>
  );
}
