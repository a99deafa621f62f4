/**
 * The bounds of the webview contract: every length cap, number range, list of allowed values and
 * strict object in HOST_MESSAGES, ChatItem, WEBVIEW_MESSAGES and WEBVIEW_REQUESTS, read from the
 * schemas and compared with the table below (written from webview.ts and checked by hand). The caps
 * are what keeps a hostile webview or a runaway host from pushing unbounded data across; a cap
 * dropped, a value quietly added to a list, or an object no longer strict shows up here. Each cap
 * is then tried at its edge through the real parse functions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ChatItem,
  HOST_MESSAGES,
  MAX_ATTACHMENT_DATA_CHARS,
  parseRequestResult,
  parseWebviewMessage,
  WEBVIEW_MESSAGES,
  WEBVIEW_REQUESTS,
} from '../../src/protocol/webview';

/** What the walk reads of a schema. */
interface Walkable {
  check(value: unknown): string | undefined;
  shape?: Record<string, Walkable>;
  shapes?: Record<string, Record<string, Walkable>>;
  inner?: Walkable;
  item?: Walkable;
  max?: number;
  strict?: boolean;
  limits?: { min?: number; max?: number; integer?: boolean };
  values?: readonly string[];
}

/** `path: bound` for every bounded schema under `schema`; each object is walked once, at its first path. */
function bounds(schema: Walkable, path: string, seen: Set<unknown>, out: string[]): void {
  const s = schema.inner ?? schema;
  const fields = (shape: Record<string, Walkable>, at: string) => {
    for (const [key, field] of Object.entries(shape)) bounds(field, `${at}.${key}`, seen, out);
  };
  if (s.shape || s.shapes) {
    if (seen.has(s)) return;
    seen.add(s);
    if (s.strict) out.push(`${path}: strict`);
    if (s.shape) fields(s.shape, path);
    for (const [kind, shape] of Object.entries(s.shapes ?? {})) fields(shape, `${path}(${kind})`);
    return;
  }
  if (s.item) {
    if (s.max !== Infinity) out.push(`${path}: at most ${s.max}`);
    bounds(s.item, `${path}[]`, seen, out);
    return;
  }
  if (s.values) out.push(`${path}: ${s.values.join('|')}`);
  const { min, max, integer } = s.limits ?? {};
  const range = [min !== undefined && `>= ${min}`, max !== undefined && `<= ${max}`, integer && 'integer'].filter(Boolean);
  if (range.length) out.push(`${path}: ${range.join(' ')}`);
}

function contractBounds(): string[] {
  const seen = new Set<unknown>([ChatItem]);
  const out: string[] = [];
  bounds(ChatItem, 'item', new Set(), out);
  for (const [type, shape] of Object.entries(HOST_MESSAGES)) bounds({ check: () => undefined, shape }, `host.${type}`, seen, out);
  for (const [type, shape] of Object.entries(WEBVIEW_MESSAGES)) bounds({ check: () => undefined, shape }, `webview.${type}`, seen, out);
  for (const [method, { params, result }] of Object.entries(WEBVIEW_REQUESTS)) {
    bounds({ check: () => undefined, shape: params }, `${method}.params`, seen, out);
    bounds(result, `${method}.result`, seen, out);
  }
  return out;
}

describe('the webview contract, bound by bound', () => {
  it('caps every field as the table says', () => {
    if (process.env.PRINT_BOUNDS) console.log(contractBounds().join('\n'));
    assert.deepEqual(contractBounds(), BOUNDS);
  });

  it('takes a 25 MiB attachment as base64, and not one 4 bytes more', () => {
    const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4;
    const cap = 25 * 1024 * 1024;
    assert.ok(base64Length(cap) <= MAX_ATTACHMENT_DATA_CHARS, `${base64Length(cap)} > ${MAX_ATTACHMENT_DATA_CHARS}`);
    assert.ok(base64Length(cap + 4) > MAX_ATTACHMENT_DATA_CHARS);
    const attach = (data: string) => parseWebviewMessage({ type: 'request', id: 1, method: 'attachData', params: { name: 'a.bin', mimeType: 'x/y', data } });
    assert.ok('message' in attach('A'.repeat(base64Length(cap))));
    assert.ok('problem' in attach('A'.repeat(base64Length(cap + 4))));
  });

  it('refuses a request with a fractional, zero or negative id', () => {
    const request = (id: number) => parseWebviewMessage({ type: 'request', id, method: 'setModel', params: { model: 'p/m' } });
    assert.ok('message' in request(1));
    for (const id of [1.5, 0, -1]) assert.ok('problem' in request(id), String(id));
  });

  it('holds each string and list cap at its edge, through the real parse', () => {
    // One of each kind, in both directions: a request param, a message field, a reply's result.
    const setModel = (model: string) => parseWebviewMessage({ type: 'request', id: 1, method: 'setModel', params: { model } });
    assert.ok('message' in setModel('m'.repeat(500)));
    assert.ok('problem' in setModel('m'.repeat(501)));
    assert.ok('problem' in setModel(''));
    const discard = (n: number) => parseWebviewMessage({ type: 'discard', ids: Array.from({ length: n }, (_, i) => `c${i}`) });
    assert.ok('message' in discard(100));
    assert.ok('problem' in discard(101));
    const refused = (n: number) => parseRequestResult('decideChanges', { refused: Array.from({ length: n }, () => 'r') });
    assert.ok(refused(1_000));
    assert.equal(refused(1_001), undefined);
  });
});

/** The contract's bounds, as webview.ts writes them (checked by hand against it). */
const BOUNDS: string[] = [
  'item(user).id: >= 1',
  'item(user).pending: queued|waiting|sending',
  'item(user).chips: at most 100',
  'item(user).chips[].kind: file|image|selection|problems|diff|terminal',
  'item(user).chips[].label: <= 1000',
  'item(user).chips[].detail: <= 1000',
  'item(user).delivery: steer|queue|interrupt',
  'item(assistant).id: >= 1',
  'item(assistant).outcome: ok|aborted|error|interrupted',
  'item(tool).id: >= 1',
  'item(tool).tool.state: running|done|error',
  'item(tool).tool.diffs: at most 100',
  'item(tool).tool.diffs[].path: <= 4096',
  'item(tool).tool.diffs[].additions: >= 0 integer',
  'item(tool).tool.diffs[].deletions: >= 0 integer',
  'item(tool).tool.diffs[].lines: at most 500',
  'item(tool).tool.diffs[].lines[].op:  |-|+|@',
  'item(notice).id: >= 1',
  'item(notice).level: info|warning|error',
  'item(changes).id: >= 1',
  'item(changes).files: at most 1000',
  'item(changes).files[].path: <= 4096',
  'item(changes).files[].additions: >= 0 integer',
  'item(changes).files[].deletions: >= 0 integer',
  'item(changes).files[].state: pending|kept|reverted',
  'item(approval).id: >= 1',
  'item(approval).approvalId: >= 1 <= 200',
  'item(approval).warnings: at most 20',
  'item(approval).decisions: at most 3',
  'item(approval).decisions[]: allow-once|allow-always|deny',
  'item(approval).expiresAtMs: >= 0',
  'item(approval).state: pending|deciding|allowed|denied|expired|cancelled',
  'item(question).id: >= 1',
  'item(question).questionId: >= 1 <= 200',
  'item(question).questions: at most 8',
  'item(question).questions[].id: >= 1 <= 200',
  'item(question).questions[].options: at most 16',
  'item(question).expiresAtMs: >= 0',
  'item(question).state: pending|submitting|answered|skipped|expired|cancelled',
  'host.snapshot.connection.kind: connecting|connected|limited|reconnecting|failed|unconfigured|closed',
  'host.snapshot.connection.actions: at most 9',
  'host.snapshot.connection.actions[].id: reconnect|setToken|approvePairing|openSettings|showLog|newSession|switchSession|trustCertificate|switchGateway',
  'host.snapshot.earlier: >= 0 integer',
  'host.snapshot.controls.models: at most 5000',
  'host.snapshot.controls.models[].id: >= 1',
  'host.snapshot.controls.models[].label: <= 1000',
  'host.snapshot.controls.thinkingLevels: at most 50',
  'host.snapshot.controls.thinkingLevels[]: <= 100',
  'host.snapshot.controls.busyMode: steer|queue|interrupt',
  'host.append.id: >= 1',
  'host.remove.id: >= 1',
  'host.prepend.earlier: >= 0 integer',
  'host.reveal.id: >= 1',
  'host.draft.text: <= 1000000',
  'host.reply.id: >= 1 integer',
  'webview.send.text: <= 1000000',
  'webview.send.chips: at most 20',
  'webview.send.chips[]: >= 1',
  'webview.send.delivery: steer|queue|interrupt',
  'webview.discard.ids: at most 100',
  'webview.discard.ids[]: >= 1',
  'webview.action.id: reconnect|setToken|approvePairing|openSettings|showLog|newSession|switchSession|trustCertificate|switchGateway',
  'webview.openLink.href: >= 1 <= 8192',
  'copy.params.text: <= 5000000',
  'copy.result: strict',
  'insert.params.text: <= 5000000',
  'insert.result: strict',
  'decideApproval.params.id: >= 1 <= 200',
  'decideApproval.params.decision: allow-once|allow-always|deny',
  'decideApproval.result: strict',
  'answerQuestion.params.id: >= 1 <= 200',
  'answerQuestion.params.answers: at most 8',
  'answerQuestion.params.answers[]: strict',
  'answerQuestion.params.answers[].questionId: >= 1 <= 200',
  'answerQuestion.params.answers[].values: at most 16',
  'answerQuestion.params.answers[].values[]: <= 10000',
  'answerQuestion.result: strict',
  'skipQuestion.params.id: >= 1 <= 200',
  'skipQuestion.result: strict',
  'loadEarlier.result: strict',
  'loadEarlier.result.earlier: >= 0 integer',
  'forkFrom.params.id: >= 1',
  'forkFrom.result: strict',
  'rewindTo.params.id: >= 1',
  'rewindTo.result: strict',
  'pickFiles.result: strict',
  'pickFiles.result.chips: at most 100',
  'pickFiles.result.chips[].id: >= 1',
  'pickFiles.result.chips[].kind: file|image|selection|problems|diff|terminal',
  'pickFiles.result.chips[].label: <= 1000',
  'pickFiles.result.chips[].detail: <= 1000',
  'pickFiles.result.chips[].thumbnail: <= 34952638',
  'pickFiles.result.refused: at most 100',
  'pickFiles.result.refused[]: <= 1000',
  'attachData.params.name: >= 1 <= 1000',
  'attachData.params.mimeType: <= 200',
  'attachData.params.data: <= 34952538',
  'attachData.result: strict',
  'attachUris.params.uris: at most 100',
  'attachUris.params.uris[]: >= 1 <= 4096',
  'attachUris.result: strict',
  'attachUris.result.chips: at most 100',
  'attachUris.result.refused: at most 100',
  'attachUris.result.refused[]: <= 1000',
  'searchMentions.params.query: <= 500',
  'searchMentions.result: strict',
  'searchMentions.result.candidates: at most 200',
  'searchMentions.result.candidates[].kind: file|selection|problems|diff|terminal',
  'searchMentions.result.candidates[].label: <= 1000',
  'searchMentions.result.candidates[].detail: <= 1000',
  'searchMentions.result.candidates[].path: <= 4096',
  'resolveMention.params.kind: file|selection|problems|diff|terminal',
  'resolveMention.params.path: <= 4096',
  'resolveMention.result: strict',
  'listCommands.result: strict',
  'listCommands.result.commands: at most 1000',
  'listCommands.result.commands[].name: >= 1 <= 200',
  'listCommands.result.commands[].description: <= 1000',
  'listCommands.result.commands[].args: <= 1000',
  'setModel.params.model: >= 1 <= 500',
  'setModel.result: strict',
  'setThinking.params.level: >= 1 <= 100',
  'setThinking.result: strict',
  'openDiff.params.id: >= 1',
  'openDiff.params.path: >= 1 <= 4096',
  'openDiff.result: strict',
  'decideChanges.params.id: >= 1',
  'decideChanges.params.path: >= 1 <= 4096',
  'decideChanges.params.decision: keep|revert',
  'decideChanges.result: strict',
  'decideChanges.result.refused: at most 1000',
  'setBusyMode.params.mode: steer|queue|interrupt',
  'setBusyMode.result: strict',
];
