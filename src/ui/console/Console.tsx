// The console view: a terminal over the lab. The engine (src/state/console) reads the commands;
// this draws the prompt, keeps history (Up/Down), completes with Tab, continues a heredoc, and
// commits a change through the store (one undo step) with the events it set off.

import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
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
import { useT } from '../i18n';
import { setSession } from '../share/session';

type Line = { kind: 'in' | 'out' | 'err' | 'event' | 'info'; text: string };

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

export default function Console() {
  const t = useT();
  const scenario = useLab((s) => s.scenario.current);
  const [lines, setLines] = useState<Line[]>([{ kind: 'info', text: t('console.welcome') }]);
  const [input, setInput] = useState('');
  const [pending, setPending] = useState<string | null>(null);
  const [history, setHistory] = useState<string[]>([]);
  const [at, setAt] = useState<number | null>(null);
  const [shellChoice, setShell] = useState<Shell | null>(null);
  const out = useRef<HTMLDivElement>(null);
  const field = useRef<HTMLInputElement>(null);

  // The chosen shell while it exists in the lab, else the default one (the first pod, as the seeds' kubectl exec).
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

  useEffect(() => {
    out.current?.scrollTo({ top: out.current.scrollHeight });
  }, [lines]);

  if (!scenario || !shell) return null;
  const ps1 = pending !== null ? '>' : prompt(shell);

  const submit = () => {
    const full = pending !== null ? `${pending}\n${input}` : input;
    const shown: Line = { kind: 'in', text: `${ps1} ${input}` };
    setInput('');
    setAt(null);
    if (needsMoreInput(full)) {
      setPending(full);
      setLines((ls) => [...ls, shown]);
      return;
    }
    setPending(null);
    if (full.trim()) setHistory((h) => [...h, full].slice(-200));
    const r = run(envFor(scenario, shell), full);
    if (r.clear) {
      setLines([]);
      return;
    }
    if (r.command) labStore.getState().run(r.command);
    if (r.shell) setShell(r.shell);
    const add: Line[] = [shown];
    if (r.out) add.push({ kind: 'out', text: r.out.replace(/\n$/, '') });
    if (r.err) add.push({ kind: 'err', text: r.err.replace(/\n$/, '') });
    if (r.events.length > 0) add.push({ kind: 'event', text: `${t('console.events')}\n${r.events.map((e) => `  ${e.replace(/\t/g, '  ')}`).join('\n')}` });
    if (r.trace) add.push({ kind: 'info', text: t('console.traced', { hops: r.trace.result.hops.length }) });
    setLines((ls) => [...ls, ...add].slice(-500));
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      submit();
    } else if (e.key === 'Tab') {
      e.preventDefault();
      const c = complete({ lab: labFor(scenario) }, input);
      setInput(c.line);
      if (c.candidates.length > 1) setLines((ls) => [...ls, { kind: 'in', text: `${ps1} ${input}` }, { kind: 'out', text: c.candidates.join('  ') }]);
    } else if (e.key === 'ArrowUp' && history.length > 0) {
      e.preventDefault();
      const i = at === null ? history.length - 1 : Math.max(0, at - 1);
      setAt(i);
      setInput(history[i]!);
    } else if (e.key === 'ArrowDown' && at !== null) {
      e.preventDefault();
      const i = at + 1;
      if (i >= history.length) {
        setAt(null);
        setInput('');
      } else {
        setAt(i);
        setInput(history[i]!);
      }
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
      <div className="console-out mono" ref={out} data-testid="console-out" role="log" aria-live="polite">
        {lines.map((l, i) => (
          <pre key={i} className={`console-line is-${l.kind}`}>
            {l.text}
          </pre>
        ))}
      </div>
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
    </section>
  );
}
