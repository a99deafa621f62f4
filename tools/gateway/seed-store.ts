// Seeds the real gateway's session store on disk, so that tests and benches can have thousands of
// sessions, or one of 1,000 messages, without running a model turn for each message.
//
// openclaw 2026.9.6 keeps sessions in SQLite: <state>/agents/main/agent/openclaw-agent.sqlite
// (schema 23), registered in <state>/state/openclaw.sqlite. A session is a `session_nodes` row (its
// key, label and the entry JSON that `sessions.list` shows), a `session_windows` row (its current
// transcript, named by sessionId), and `transcript_events`: a `session` header at seq 0, then one
// `message` event per row, each naming its parent, with `transcript_event_identities` beside them.
// The `__openclaw.id` that `chat.history` and `sessions.search` give is the event's id; the
// `__openclaw.seq` is the message's position from 1.
//
// What the gateway derives (the active-event projection that `chat.history` pages, and the FTS
// index that `sessions.search` reads) is not written here: a transcript with events and no index
// state is what `openclaw doctor` imports leave, and the gateway reconciles such sessions itself
// (search answers with `indexing: true` until it has). Inserted `session_nodes` rows are marked for
// validation by the schema's own triggers.
//
// The schema is the gateway's own: the store must have been made by a gateway of the same version.
// It makes it when it first needs it (a gateway that only started has none), so startSeededGateway
// starts one, has it create and delete a session, stops it, seeds, and starts it again.
//
//   const { gw, seeded } = await startSeededGateway([{ key: 'agent:main:a', label: 'A', messages: [...] }]);
//   try { ... seeded[0].messageIds ... } finally { await gw.dispose(); }
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import { GatewayClient } from '../../src/gateway/gateway-client';
import { ROOT } from '../paths';
import { OPENCLAW_VERSION } from '../versions';
import { ensureOpenclaw, startGateway, type GatewayHandle, type StartGatewayOptions } from './gateway';
import { MODEL_ID } from './model-server';

export interface SeedMessage {
  role: 'user' | 'assistant';
  text: string;
}

export interface SeedSession {
  /** "agent:main:<name>" */
  key: string;
  /** The name a person gave it (`sessions.patch {label}`); none when omitted. */
  label?: string;
  messages: SeedMessage[];
}

export interface SeededSession {
  key: string;
  sessionId: string;
  /** `__openclaw.id` of each message, in order (seq = index + 1). */
  messageIds: string[];
}

const PROVIDER = 'harness';
/** One millisecond apart is enough for order; the newest session ends a second before seeding. */
const MESSAGE_SPACING_MS = 1;

type Row = Record<string, string | number | null>;

function agentDatabase(stateDir: string): string {
  return path.join(stateDir, 'agents', 'main', 'agent', 'openclaw-agent.sqlite');
}

function messageEvent(id: string, parentId: string, at: number, message: SeedMessage): Record<string, unknown> {
  const body =
    message.role === 'user'
      ? { role: 'user', content: message.text, timestamp: at }
      : {
          role: 'assistant',
          content: [{ type: 'text', text: message.text }],
          api: 'openai-completions',
          provider: PROVIDER,
          model: MODEL_ID,
          usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } },
          stopReason: 'stop',
          timestamp: at,
        };
  return { type: 'message', id, parentId, timestamp: new Date(at).toISOString(), message: body };
}

/** The rows of every table, in an order that keeps foreign keys satisfied. */
function buildRows(sessions: SeedSession[], workspace: string, now: number) {
  const nodes: Row[] = [];
  const windows: Row[] = [];
  const events: Row[] = [];
  const identities: Row[] = [];
  const watermarks: Row[] = [];
  const seeded: SeededSession[] = [];
  const total = sessions.reduce((n, s) => n + s.messages.length + 1, 0);
  // Oldest first, so that the first session given is the oldest and the last the newest.
  let clock = now - 1000 - total * MESSAGE_SPACING_MS;
  for (const session of sessions) {
    const sessionId = randomUUID();
    const createdAt = clock;
    const name = session.key.split(':').slice(2).join(':') || session.key;
    const header = { type: 'session', version: 4, id: sessionId, timestamp: new Date(clock).toISOString(), cwd: workspace };
    events.push({
      session_id: sessionId,
      seq: 0,
      event_json: JSON.stringify(header),
      created_at: clock,
      event_utf8_bytes: Buffer.byteLength(JSON.stringify(header)),
    });
    identities.push({ session_id: sessionId, event_id: sessionId, seq: 0, event_type: 'session', parent_id: null, created_at: clock });
    let parent: string | null = null;
    const messageIds: string[] = [];
    session.messages.forEach((message, i) => {
      clock += MESSAGE_SPACING_MS;
      const id = randomUUID();
      const json = JSON.stringify(messageEvent(id, parent as string, clock, message));
      events.push({ session_id: sessionId, seq: i + 1, event_json: json, created_at: clock, event_utf8_bytes: Buffer.byteLength(json) });
      identities.push({ session_id: sessionId, event_id: id, seq: i + 1, event_type: 'message', parent_id: parent, created_at: clock });
      messageIds.push(id);
      parent = id;
    });
    clock += MESSAGE_SPACING_MS;
    const updatedAt = clock;
    const entry = {
      sessionId,
      updatedAt,
      sessionStartedAt: createdAt,
      lastInteractionAt: updatedAt,
      lastActivityAt: updatedAt,
      delivery: { kind: 'none' },
      displayName: name,
      createdVia: 'run',
      createdAt,
      status: 'done',
      model: MODEL_ID,
      modelProvider: PROVIDER,
      ...(session.label ? { label: session.label } : {}),
    };
    nodes.push({
      session_key: session.key,
      current_session_id: sessionId,
      entry_json: JSON.stringify(entry),
      updated_at: updatedAt,
      status: 'done',
      created_at: createdAt,
      created_via: 'run',
      label: session.label ?? null,
      display_name: name,
      last_interaction_at: updatedAt,
      last_activity_at: updatedAt,
    });
    windows.push({
      session_id: sessionId,
      session_key: session.key,
      session_scope: 'conversation',
      created_at: createdAt,
      updated_at: updatedAt,
      transcript_updated_at: updatedAt,
      transcript_observed_at: updatedAt,
      session_entry_provenance: 1,
      status: 'done',
      model_provider: PROVIDER,
      model: MODEL_ID,
      display_name: name,
    });
    watermarks.push({ session_id: sessionId, generation: randomBytes(16).toString('hex'), updated_at: updatedAt });
    seeded.push({ key: session.key, sessionId, messageIds });
  }
  const tables = [
    { table: 'session_nodes', rows: nodes },
    { table: 'session_windows', rows: windows },
    { table: 'transcript_events', rows: events },
    { table: 'transcript_event_identities', rows: identities },
    { table: 'transcript_rewrite_watermarks', rows: watermarks },
  ];
  return { tables, seeded };
}

/**
 * Writes `sessions` into the store under `stateDir` while no gateway runs on it. The store must
 * exist (made by a gateway of `version`), and the keys must be new to it.
 */
export async function seedStore(stateDir: string, sessions: SeedSession[], version = OPENCLAW_VERSION): Promise<SeededSession[]> {
  const database = agentDatabase(stateDir);
  if (!existsSync(database)) throw new Error(`no session store at ${database}: start and stop a gateway on ${stateDir} first`);
  const { tables, seeded } = buildRows(sessions, path.join(stateDir, 'workspace'), Date.now());
  const rowsFile = path.join(stateDir, `seed-${process.pid}-${randomBytes(3).toString('hex')}.json`);
  writeFileSync(rowsFile, JSON.stringify(tables), { mode: 0o600 });
  try {
    const install = await ensureOpenclaw(version);
    const writer = path.join(ROOT, 'tools', 'gateway', 'seed-store-writer.mjs');
    await new Promise<void>((resolve, reject) => {
      const proc = spawn(install.node, [writer, database, rowsFile], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      proc.once('error', reject);
      proc.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`seeding ${database} failed (${code}):\n${stderr}`))));
    });
  } finally {
    rmSync(rowsFile, { force: true });
  }
  return seeded;
}

/** Has the running gateway create its session store: it makes a session and deletes it again. */
async function makeStore(gw: GatewayHandle): Promise<void> {
  const client = new GatewayClient({
    url: gw.url,
    token: gw.token,
    store: new MemoryCredentialStore(),
    clientVersion: 'seed-store',
    handshakeTimeoutMs: 30_000,
    requestTimeoutMs: 60_000,
  });
  client.start();
  try {
    await client.whenConnected(AbortSignal.timeout(120_000));
    const created = await client.request<{ key: string }>('sessions.create', { label: 'seed-store' });
    await client.request('sessions.delete', { key: created.key });
  } finally {
    client.close();
  }
  if (!existsSync(agentDatabase(gw.stateDir))) throw new Error(`the gateway made no session store at ${agentDatabase(gw.stateDir)}`);
}

/**
 * A real gateway whose store holds `sessions`: started once so that it creates its store, stopped,
 * seeded, and started again on the same state dir, port and token.
 */
export async function startSeededGateway(sessions: SeedSession[], options: StartGatewayOptions = {}): Promise<{ gw: GatewayHandle; seeded: SeededSession[] }> {
  const gw = await startGateway(options);
  try {
    await makeStore(gw);
    await gw.stop();
    const seeded = await seedStore(gw.stateDir, sessions, gw.version);
    await gw.start();
    return { gw, seeded };
  } catch (error) {
    await gw.dispose();
    throw error;
  }
}
