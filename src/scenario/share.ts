// Share links: a scenario, the selected request, the hop shown, the lesson step and the seed in a
// URL fragment (`#s=2.<base64url(deflate-raw(json))>`). The fragment never reaches a server, so a
// link is the whole lab. The codec version ("2.") says what the payload may hold (1: scenario,
// request, step, seed; 2: and the hop being shown, and how the request was sent: repeats, cookie
// jar, the request shown); this code reads both. The scenario's own format
// version sits inside the payload, so an old link goes through the loader's migrations like an old
// file. Everything a link can hold is capped before it is inflated in full (zip-bomb safe), and a
// link that fails at any step changes nothing: the caller gets a reason, never a half-loaded lab.

import { Inflate, deflateSync, strFromU8, strToU8 } from 'fflate';
import { defaultIngressAddon, defaultLabSettings, type IngressAddon } from '../sim/lab';
import { loadScenarioText } from './load';
import { formatProblem, type Problem } from './problem';
import { CURRENT_VERSION, SCENARIO_FORMAT } from './schema';
import type { Scenario } from './types';

/** The fragment key and the packing version this code writes and reads. */
export const SHARE_PREFIX = 's=';
export const SHARE_CODEC_VERSION = 2;

export const SHARE_LIMITS = {
  /** Characters of the encoded part (browsers keep far longer URLs; a link this long is not one we wrote). */
  maxEncodedChars: 64 * 1024,
  /** Bytes after inflating: the scenario JSON of any real lesson is a few kilobytes. */
  maxDecodedBytes: 512 * 1024,
} as const;

/** A request the link selects: a saved request's id, or one written in the composer. */
export type SharedRequest =
  | string
  | { from: string; method: string; url: string; headers: Record<string, string>; connect: string };

export interface SharedSend {
  repeat: number;
  run: number;
  cookieJar: boolean;
}

/** The most repeats a link may ask for (the composer sends at most 50). */
const MAX_SHARED_REPEAT = 100;

export interface SharedLab {
  scenario: Scenario;
  request?: SharedRequest;
  /** The lesson step (lessons only). */
  step?: number;
  /** The hop of the request's trace being shown, 0-based (codec 2 on). */
  hop?: number;
  /** How the request was sent (codec 2 on): `repeat` times in a row, with or without a cookie jar,
   *  and which of those requests (`run`, 0-based) was being shown. Absent: sent once, no jar. */
  send?: SharedSend;
  seed: string;
}

export type ShareErrorKind = 'not-a-link' | 'too-new' | 'too-large' | 'corrupt' | 'invalid';

/**
 * Why a link did not open, for the page to say in the reader's language (`message` is the English,
 * as the CLI prints it): a key of the page's `share.why.*` messages with its parameters, or the
 * loader's first problem with the scenario inside.
 */
export interface ShareReason {
  key: ShareReasonKey;
  params?: Readonly<Record<string, string | number>>;
  problem?: Problem;
}

export type ShareReasonKey =
  | 'not-a-link'
  | 'no-codec'
  | 'link-format'
  | 'too-long'
  | 'not-base64'
  | 'too-big'
  | 'not-decompress'
  | 'not-json'
  | 'no-scenario'
  | 'scenario-format'
  | 'seed'
  | 'step'
  | 'hop'
  | 'send'
  | 'request'
  | 'scenario'
  | 'broken';

export type DecodeResult =
  | { ok: true; lab: SharedLab }
  | { ok: false; kind: ShareErrorKind; message: string; reason: ShareReason };

/** Compact JSON: lab settings equal to the defaults are left out (the loader puts them back). */
function settingsDiff(value: unknown, base: unknown): unknown {
  if (isPlainObject(value) && isPlainObject(base)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const d = settingsDiff(v, base[k]);
      if (d !== undefined) out[k] = d;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return JSON.stringify(value) === JSON.stringify(base) ? undefined : value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The scenario as the smallest file that loads back to the same scenario. */
export function compactScenarioDocument(s: Scenario): Record<string, unknown> {
  const { seed: _seed, ...settings } = s.settings;
  const { seed: _baseSeed, ...base } = defaultLabSettings();
  // "format" is implied by the link and put back on reading.
  const doc: Record<string, unknown> = { version: CURRENT_VERSION };
  if (Object.keys(s.meta).length > 0) doc.meta = s.meta;
  const { ingress, ...rest } = settings;
  const diff = (settingsDiff(rest, base) ?? {}) as Record<string, unknown>;
  // Each ingress addon keeps only what differs from its controller's defaults (controller always).
  const addonDiff = (a: IngressAddon) => ({
    controller: a.controller,
    ...(settingsDiff(a, defaultIngressAddon(a.controller)) as object),
  });
  if (ingress.length > 0) diff.ingress = ingress.map(addonDiff);
  // userspace without a version would load as 1.25 (settleUserspaceVersion): keep the one it ran.
  if (settings.kubeProxy.mode === 'userspace') diff.kubernetesVersion = settings.kubernetesVersion;
  if (Object.keys(diff).length > 0) doc.settings = diff;
  doc.objects = s.objects;
  if (s.clients.length > 0) doc.clients = s.clients;
  if (s.requests.length > 0) doc.requests = s.requests;
  if (s.lesson.length > 0) doc.lesson = s.lesson;
  if (Object.keys(s.view).length > 0) doc.view = s.view;
  if (s.edits.length > 0) doc.edits = s.edits;
  return doc;
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  let bin: string;
  try {
    bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  } catch {
    return null;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The fragment (without "#") for a lab: `s=1.<base64url(deflate-raw(json))>`. */
export function encodeShare(lab: {
  scenario: Scenario;
  request?: SharedRequest;
  step?: number;
  hop?: number;
  send?: SharedSend;
  seed?: string;
}): string {
  const payload: Record<string, unknown> = {
    scenario: compactScenarioDocument(lab.scenario),
    seed: lab.seed ?? lab.scenario.settings.seed,
  };
  if (lab.request !== undefined) payload.request = lab.request;
  if (lab.step !== undefined) payload.step = lab.step;
  // A hop means something only with the request it is a hop of.
  if (lab.hop !== undefined && lab.request !== undefined) payload.hop = lab.hop;
  if (lab.send && lab.request !== undefined && (lab.send.repeat > 1 || lab.send.cookieJar)) payload.send = lab.send;
  const bytes = deflateSync(strToU8(JSON.stringify(payload)), { level: 9 });
  return `${SHARE_PREFIX}${SHARE_CODEC_VERSION}.${toBase64Url(bytes)}`;
}

class TooLarge extends Error {}

/** Inflate in small input chunks, stopping as soon as the output passes the cap. */
function boundedInflate(data: Uint8Array, maxBytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let done = false;
  const inflate = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > maxBytes) throw new TooLarge();
    chunks.push(chunk);
    if (final) done = true;
  });
  // A 1 KiB deflate block expands to at most ~1 MiB, so the overshoot past the cap stays bounded.
  const STEP = 1024;
  for (let i = 0; i < data.length; i += STEP) inflate.push(data.subarray(i, i + STEP), i + STEP >= data.length);
  if (data.length === 0) inflate.push(new Uint8Array(0), true);
  if (!done) throw new Error('unexpected end of data');
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const fail = (kind: ShareErrorKind, message: string, reason: ShareReason): Extract<DecodeResult, { ok: false }> => ({
  ok: false,
  kind,
  message,
  reason,
});

/** Whether a URL fragment (with or without "#") is a share link at all. */
export function isShareFragment(fragment: string): boolean {
  return fragment.replace(/^#/, '').startsWith(SHARE_PREFIX);
}

/** Reads a share fragment back to a lab. Never throws. */
export function decodeShare(fragment: string): DecodeResult {
  try {
    return decodeUnsafe(fragment);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return fail('corrupt', `the link is damaged: ${detail}`, { key: 'broken', params: { detail } });
  }
}

type Payload = Record<string, unknown> & { scenario: Record<string, unknown> };

/** The link's data: base64url, then raw deflate (bounded), then JSON with a scenario inside. */
function unpack(encoded: string): { ok: true; payload: Payload } | Extract<DecodeResult, { ok: false }> {
  const bytes = fromBase64Url(encoded);
  if (!bytes || bytes.length === 0) {
    return fail('corrupt', 'the link is damaged: the data is not base64url', { key: 'not-base64' });
  }
  let json: string;
  try {
    json = strFromU8(boundedInflate(bytes, SHARE_LIMITS.maxDecodedBytes));
  } catch (e) {
    if (e instanceof TooLarge) {
      const max = SHARE_LIMITS.maxDecodedBytes;
      const reason = { key: 'too-big', params: { max } } as const;
      return fail('too-large', `the link expands past ${max} bytes; netlab stops there`, reason);
    }
    return fail('corrupt', 'the link is damaged: the data does not decompress', { key: 'not-decompress' });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return fail('corrupt', 'the link is damaged: the data is not JSON', { key: 'not-json' });
  }
  if (!isPlainObject(payload) || !isPlainObject(payload.scenario)) {
    return fail('corrupt', 'the link is damaged: no scenario inside', { key: 'no-scenario' });
  }
  return { ok: true, payload: payload as Payload };
}

function decodeUnsafe(fragment: string): DecodeResult {
  const body = fragment.replace(/^#/, '');
  if (!body.startsWith(SHARE_PREFIX)) return fail('not-a-link', 'not a netlab share link', { key: 'not-a-link' });
  const rest = body.slice(SHARE_PREFIX.length);
  const dot = rest.indexOf('.');
  const codec = dot < 0 ? NaN : Number(rest.slice(0, dot));
  if (!Number.isInteger(codec) || codec < 1) {
    return fail('corrupt', 'the link is damaged: no codec version before the data', { key: 'no-codec' });
  }
  if (codec > SHARE_CODEC_VERSION) {
    const reads = `this version reads up to ${SHARE_CODEC_VERSION}`;
    const reason = { key: 'link-format', params: { codec, reads: SHARE_CODEC_VERSION } } as const;
    return fail('too-new', `the link was made by a newer netlab (link format ${codec}; ${reads})`, reason);
  }
  const encoded = rest.slice(dot + 1);
  if (encoded.length > SHARE_LIMITS.maxEncodedChars) {
    const most = `netlab reads at most ${SHARE_LIMITS.maxEncodedChars}`;
    const reason = { key: 'too-long', params: { length: encoded.length, max: SHARE_LIMITS.maxEncodedChars } } as const;
    return fail('too-large', `the link is ${encoded.length} characters long; ${most}`, reason);
  }
  const unpacked = unpack(encoded);
  if (!unpacked.ok) return unpacked;
  const payload = unpacked.payload;
  const version = payload.scenario.version;
  if (typeof version === 'number' && version > CURRENT_VERSION) {
    const reads = `this version reads up to ${CURRENT_VERSION}`;
    const reason = { key: 'scenario-format', params: { version, reads: CURRENT_VERSION } } as const;
    return fail('too-new', `the scenario was written by a newer netlab (format version ${version}; ${reads})`, reason);
  }
  const seed = payload.seed;
  if (seed !== undefined && typeof seed !== 'string') return fail('invalid', 'seed: must be a string', { key: 'seed' });
  const step = payload.step;
  if (step !== undefined && !isIndex(step)) {
    return fail('invalid', 'step: must be a non-negative integer', { key: 'step' });
  }
  // Codec 1 had no hop: a "hop" in a version-1 payload is not ours to read.
  const hop = codec >= 2 ? payload.hop : undefined;
  if (hop !== undefined && !isIndex(hop, 10_000)) {
    return fail('invalid', 'hop: must be a non-negative integer', { key: 'hop' });
  }
  const send = codec >= 2 ? parseSharedSend(payload.send) : undefined;
  if (send === null) {
    const shape = `{repeat: 1-${MAX_SHARED_REPEAT}, run: below repeat, cookieJar: true or false}`;
    return fail('invalid', `send: must be ${shape}`, { key: 'send', params: { max: MAX_SHARED_REPEAT } });
  }
  const request = parseSharedRequest(payload.request);
  if (request === null) {
    return fail('invalid', 'request: must be a saved request id or {from, method, url, headers, connect}', {
      key: 'request',
    });
  }

  // The scenario goes through the loader like any file: migrations, validation, located problems.
  const withFormat = { format: SCENARIO_FORMAT, ...payload.scenario };
  const given = isPlainObject(payload.scenario.settings) ? payload.scenario.settings : {};
  const doc = seed === undefined ? withFormat : { ...withFormat, settings: { ...given, seed } };
  const loaded = loadScenarioText('share link', JSON.stringify(doc));
  if (!loaded.ok || loaded.problems.some((p) => p.severity === 'error')) {
    const first = loaded.problems.find((p) => p.severity === 'error');
    const message = first ? formatProblem(first) : 'the scenario in the link does not load';
    return fail('invalid', message, { key: 'scenario', ...(first && { problem: first }) });
  }
  const lab: SharedLab = { scenario: loaded.scenario, seed: loaded.scenario.settings.seed };
  if (request !== undefined) lab.request = request;
  if (step !== undefined) lab.step = step;
  if (hop !== undefined && request !== undefined) lab.hop = hop;
  if (send !== undefined && request !== undefined) lab.send = send;
  return { ok: true, lab };
}

/** A whole number from 0 to `max`. */
const isIndex = (n: unknown, max = Infinity): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max;

function parseSharedRequest(v: unknown): SharedRequest | undefined | null {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (!isPlainObject(v)) return null;
  const { from, method, url, headers, connect } = v;
  if (typeof from !== 'string' || typeof method !== 'string') return null;
  if (typeof url !== 'string' || typeof connect !== 'string') return null;
  if (!isPlainObject(headers) || !Object.values(headers).every((h) => typeof h === 'string')) return null;
  return { from, method, url, headers: headers as Record<string, string>, connect };
}

function parseSharedSend(v: unknown): SharedSend | undefined | null {
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) return null;
  const { repeat, run, cookieJar } = v;
  const whole = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);
  if (!whole(repeat) || repeat < 1 || repeat > MAX_SHARED_REPEAT) return null;
  if (!whole(run) || run < 0 || run >= repeat || typeof cookieJar !== 'boolean') return null;
  return { repeat, run, cookieJar };
}
