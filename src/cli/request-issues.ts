// The request checker's findings (src/sim/trace/request-check.ts, the composer's field errors) as the
// CLI words them: a pod or node that does not exist in kubectl's NotFound line, a client or ingress
// class as netlab names it elsewhere; each with what the lab does have, so a typo is easy to see.

import type { RequestIssue } from '../sim/trace/request-check';
import { assertNever } from '../sim/util/assert';
import { EXIT } from './command';

/** At most this many names of what exists; a snapshot may have hundreds of pods. */
const SHOWN = 10;

function names(existing: readonly string[]): string {
  if (existing.length === 0) return 'none';
  const shown = existing.slice(0, SHOWN).join(', ');
  return existing.length > SHOWN ? `${shown}, ... (${existing.length} in all)` : shown;
}

/** The line the CLI prints for an issue, and its exit status: 2 for a malformed option, 1 for a name the
 *  lab does not have (kubectl exits 1 for NotFound). */
export function requestIssueLine(i: RequestIssue): { code: number; line: string } {
  switch (i.kind) {
    case 'syntax':
      return { code: EXIT.usage, line: `error: --${i.field}: ${i.message}` };
    case 'no-client':
      return {
        code: EXIT.problems,
        line: `error: no external client ${JSON.stringify(i.name)} in this lab (clients: ${names(i.existing)})`,
      };
    case 'no-pod': {
      const name = i.name.slice(i.name.indexOf('/') + 1);
      const line = `Error from server (NotFound): pods ${JSON.stringify(name)} not found (pods: ${names(i.existing)})`;
      return { code: EXIT.problems, line };
    }
    case 'no-node': {
      const line = `Error from server (NotFound): nodes ${JSON.stringify(i.name)} not found`;
      return { code: EXIT.problems, line: `${line} (nodes: ${names(i.existing)})` };
    }
    case 'no-ingress':
      return {
        code: EXIT.problems,
        line: i.name
          ? `error: no ingress controller serves class ${JSON.stringify(i.name)} (classes: ${names(i.existing)})`
          : 'error: this lab has no ingress controller to connect to',
      };
    default:
      return assertNever(i, 'request issue');
  }
}
