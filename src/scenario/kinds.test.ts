// Every built-in kind the lab serves has one scope, the core's: the loader, the store's keys and
// validation all read it from there (a kind missing from both lists had its namespace refused).

import { describe, expect, it } from 'vitest';
import { CLUSTER_SCOPED_KINDS, NAMESPACED_KINDS, SIMULATED_KINDS } from '../sim/api/types';
import { keptBuiltinKinds } from './kinds';

describe('the scope of each built-in kind', () => {
  it('is namespaced or cluster-scoped, never both or neither', () => {
    for (const kind of [...SIMULATED_KINDS, ...keptBuiltinKinds()]) {
      expect([kind, NAMESPACED_KINDS.has(kind) !== CLUSTER_SCOPED_KINDS.has(kind)]).toEqual([kind, true]);
    }
  });
});
