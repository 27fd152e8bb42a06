// The Paste dialog's text is the user's work: a paste that fails, or waits in the partial-load
// dialog and is kept out, leaves it in the dialog; it goes only once it has opened (or is cleared).

import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { labStore } from '../app-store';
import { engines } from '../engines';
import { forgetOpenedPaste, openPasted } from './files-io';
import { session, setSession } from './session';

const NODE = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: alpha\n';
const TABS = 'apiVersion: v1\nkind: Service\nmetadata:\n\tname: web\nspec:\n  ports:\n  - port: 80\n';
const PARTIAL = `${NODE.replace('alpha', 'beta')}---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 8888
`;

beforeAll(() => labStore.getState().installEngines(engines));
beforeEach(() => {
  labStore.getState().openFiles([{ name: 'a.yaml', text: NODE }]);
  setSession({ paste: '' });
});

describe('the pasted text', () => {
  it('stays after a paste that does not load', () => {
    setSession({ paste: TABS });
    expect(openPasted(TABS)).toBe(false);
    expect(labStore.getState().loadReport?.applied).toBe(false);
    expect(session.getState().paste).toBe(TABS);
  });

  it('stays after "keep the current lab" on a partly refused paste, goes once it opens without them', () => {
    setSession({ paste: PARTIAL });
    expect(openPasted(PARTIAL)).toBe(false);
    const pending = labStore.getState().pendingLoad!;
    labStore.getState().resolvePendingLoad('keep');
    expect(session.getState().paste).toBe(PARTIAL);
    expect(openPasted(PARTIAL)).toBe(false);
    labStore.getState().resolvePendingLoad('open');
    forgetOpenedPaste(pending.sources);
    expect(session.getState().paste).toBe('');
  });

  it('goes once it has opened', () => {
    setSession({ paste: NODE });
    expect(openPasted(NODE)).toBe(true);
    expect(session.getState().paste).toBe('');
  });
});
