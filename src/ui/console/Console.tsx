// The console view: a terminal over the lab. The engine (src/state/console) reads the commands;
// this draws the prompt, keeps history (Up/Down), completes with Tab, continues a heredoc, and
// commits a change through the store (one undo step) with the events it set off.

import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import {
  complete,
  defaultShell,
  needsMoreInput,
  prompt,
  run,
  type ConsoleEnv,
  type Shell,
} from '../../state/console/engine';
import type { Scenario } from '../../state';
import { labStore, useLab } from '../app-store';
import { labFor } from '../engines';
import { useShownLang, useT } from '../i18n';
import { resultLines, type Line } from './result-lines';
import { setSession } from '../share/session';


function envFor(scenario: Scenario, shell: Shell): ConsoleEnv {
  return {
    scenario,
    lab: labFor(scenario),
    shell,
    labFor,
    trace(request) {
      labStore.getState().sendRequest(request);
      const p = labStore.getState().playback;
      if (p.status.kind === 'error') throw new Error(p.status.message);
      return p.trace;
    },
  };
}

/** The chosen shell while it exists in the lab, else the default one (the first pod, as the seeds' kubectl exec). */
function useShell(scenario: Scenario | null) {
  const [shellChoice, setShell] = useState<Shell | null>(null);
  const shell = useMemo<Shell | null>(() => {
    if (!scenario) return null;
    const lab = labFor(scenario);
    const c = lab.reconcile.cluster;
    const alive =
      shellChoice &&
      (shellChoice.kind === 'pod'
        ? c.pods.some((p) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}` === shellChoice.pod)
        : shellChoice.kind === 'node'
          ? c.nodes.some((n) => n.metadata.name === shellChoice.node)
          : scenario.clients.some((x) => x.name === shellChoice.client));
    return alive ? shellChoice : defaultShell(lab);
  }, [scenario, shellChoice]);
  return [shell, setShell] as const;
}

/** The commands run (the last 200), walked with Up and Down as a shell does. */
function useHistory(setInput: (line: string) => void) {
  const [history, setHistory] = useState<string[]>([]);
  const [at, setAt] = useState<number | null>(null);
  const up = () => {
    const i = at === null ? history.length - 1 : Math.max(0, at - 1);
    setAt(i);
    setInput(history[i]!);
  };
  const down = () => {
    const i = (at ?? 0) + 1;
    if (i >= history.length) {
      setAt(null);
      setInput('');
    } else {
      setAt(i);
      setInput(history[i]!);
    }
  };
  return {
    /** Up or Down when there is somewhere to go: true when the key was used. */
    walk(e: KeyboardEvent) {
      const go = e.key === 'ArrowUp' && history.length > 0 ? up : e.key === 'ArrowDown' && at !== null ? down : null;
      if (!go) return false;
      e.preventDefault();
      go();
      return true;
    },
    remember(command: string) {
      setAt(null);
      if (command.trim()) setHistory((h) => [...h, command].slice(-200));
    },
    leave: () => setAt(null),
  };
}

export default function Console() {
  const t = useT();
  const lang = useShownLang();
  const scenario = useLab((s) => s.scenario.current);
  const [lines, setLines] = useState<Line[]>([{ kind: 'info', text: t('console.welcome') }]);
  const [input, setInput] = useState('');
  const [pending, setPending] = useState<string | null>(null);
  const history = useHistory(setInput);
  const [shell, setShell] = useShell(scenario);
  const field = useRef<HTMLInputElement>(null);

  if (!scenario || !shell) return null;
  const ps1 = pending !== null ? '>' : prompt(shell);

  const submit = () => {
    const full = pending !== null ? `${pending}\n${input}` : input;
    const shown: Line = { kind: 'in', text: `${ps1} ${input}` };
    setInput('');
    // A heredoc goes on: the line waits for the rest.
    if (needsMoreInput(full)) {
      history.leave();
      setPending(full);
      setLines((ls) => [...ls, shown]);
      return;
    }
    setPending(null);
    history.remember(full);
    const r = run(envFor(scenario, shell), full);
    if (r.clear) {
      setLines([]);
      return;
    }
    if (r.command) labStore.getState().run(r.command);
    setShell(r.shell ?? shell); // the prompt stays in its pod while it exists, whatever an edit reorders
    setLines((ls) => [...ls, shown, ...resultLines(t, lang, r)].slice(-500));
  };

  // Tab: the line completed as far as it is unambiguous; the candidates listed when there are several.
  const completeLine = () => {
    const c = complete({ lab: labFor(scenario) }, input);
    setInput(c.line);
    if (c.candidates.length > 1) {
      const typed: Line = { kind: 'in', text: `${ps1} ${input}` };
      setLines((ls) => [...ls, typed, { kind: 'out', text: c.candidates.join('  ') }]);
    }
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      submit();
    } else if (e.key === 'Tab') {
      e.preventDefault();
      completeLine();
    } else if (history.walk(e)) {
      // Up or Down: an earlier or later command is on the line.
    } else if (e.key === 'c' && e.ctrlKey) {
      setPending(null);
      setInput('');
      setLines((ls) => [...ls, { kind: 'in', text: `${ps1} ${input}^C` }]);
    } else if (e.key === 'l' && e.ctrlKey) {
      e.preventDefault();
      setLines([]);
    }
  };

  return (
    <section
      className="console"
      aria-label={t('console.title')}
      data-testid="console"
      onClick={() => field.current?.focus()}
    >
      <ConsoleHead />
      <ConsoleOutput lines={lines} />
      <ConsoleInput ps1={ps1} input={input} setInput={setInput} onKey={onKey} field={field} />
    </section>
  );
}

/** The prompt (">" while a heredoc goes on) and the line being typed. */
function ConsoleInput({ ps1, input, setInput, onKey, field }: {
  ps1: string;
  input: string;
  setInput: (line: string) => void;
  onKey: (e: KeyboardEvent<HTMLInputElement>) => void;
  field: RefObject<HTMLInputElement | null>;
}) {
  const t = useT();
  return (
    <div className="console-in mono">
      <label htmlFor="console-input" className="console-prompt" data-testid="console-prompt">
        {ps1}
      </label>
      <input
        id="console-input"
        ref={field}
        value={input}
        onChange={(e) => setInput(e.target.value)}
        onKeyDown={onKey}
        autoComplete="off"
        spellCheck={false}
        autoFocus
        data-testid="console-input"
        aria-label={t('console.input')}
      />
    </div>
  );
}

function ConsoleHead() {
  const t = useT();
  return (
    <header className="console-head">
      <strong>{t('console.title')}</strong>
      <span className="muted">{t('console.hint')}</span>
      <button
        type="button"
        className="btn btn-ghost"
        onClick={() => setSession({ console: false })}
        aria-label={t('dialog.close')}
      >
        ×
      </button>
    </header>
  );
}

/** The lines so far, kept scrolled to the newest. */
function ConsoleOutput({ lines }: { lines: readonly Line[] }) {
  const out = useRef<HTMLDivElement>(null);
  useEffect(() => {
    out.current?.scrollTo({ top: out.current.scrollHeight });
  }, [lines]);
  return (
    <div className="console-out mono" ref={out} data-testid="console-out" role="log" aria-live="polite">
      {lines.map((l, i) => (
        <pre key={i} className={`console-line is-${l.kind}`}>
          {l.text}
        </pre>
      ))}
    </div>
  );
}
