/**
 * The seeded session store (tools/gateway/seed-store.ts) is read by the real `openclaw` gateway as
 * its own: `sessions.list` shows the seeded sessions with their names, `chat.history` pages a
 * 1,000-message session from the end to the start with no gaps or repeats, `sessions.search` finds
 * a word that is in one seeded message only, and a turn sent to a seeded session is answered by
 * the offline model and appended after the seeded rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GatewayClient } from '../../src/gateway/gateway-client';
import { messageText } from '../../src/gateway/run-stream';
import type { HistoryMessage, SearchHit } from '../../src/protocol/gateway';
import { makeClient } from '../support/clients';
import { sleep, waitForState } from '../support/wait';
import type { GatewayHandle } from '../../tools/gateway/gateway';
import { startSeededGateway, type SeedMessage, type SeededSession } from '../../tools/gateway/seed-store';

const LONG = 1000;
const PAGE = 90;
/** In one message of the whole store (the 6th of the plan session). */
const RARE = `quokka${Date.now().toString(36)}`;

const plan: SeedMessage[] = [
  { role: 'user', text: 'What is left before the release?' },
  { role: 'assistant', text: 'The changelog and the signing key.' },
  { role: 'user', text: 'Who signs it?' },
  { role: 'assistant', text: 'Whoever holds the key this week.' },
  { role: 'user', text: 'Where is the key kept?' },
  { role: 'assistant', text: `In the ${RARE} vault, as always.` },
];
const long: SeedMessage[] = Array.from({ length: LONG }, (_, i) => ({
  role: i % 2 ? 'assistant' : 'user',
  text: `Row ${i + 1} of the long session`,
}));

const textOf = (m: HistoryMessage) => messageText(m.content).trim();

describe('a seeded store read by the real openclaw gateway', { timeout: 20 * 60_000 }, () => {
  let gw: GatewayHandle;
  let seeded: SeededSession[];
  let client: GatewayClient;

  before(async () => {
    ({ gw, seeded } = await startSeededGateway([
      { key: 'agent:main:seeded-long', label: 'A very long session', messages: long },
      {
        key: 'agent:main:seeded-notes',
        messages: [
          { role: 'user', text: 'Draft the notes' },
          { role: 'assistant', text: 'Here is a draft.' },
        ],
      },
      { key: 'agent:main:seeded-plan', label: 'Plan the release', messages: plan },
    ]));
    client = makeClient(gw.url, { token: gw.token, handshakeTimeoutMs: 30_000, requestTimeoutMs: 120_000 });
    client.start();
    await waitForState(client, 'connected', 120_000);
  });

  after(async () => {
    client?.close();
    await gw?.dispose();
  });

  it('lists the seeded sessions with their names, newest first', async () => {
    const rows = await client.sessions.list();
    const seededRows = rows.filter((r) => r.key.startsWith('agent:main:seeded-'));
    assert.deepEqual(
      seededRows.map((r) => [r.key, r.label, r.displayName]),
      [
        ['agent:main:seeded-plan', 'Plan the release', 'Plan the release'],
        ['agent:main:seeded-notes', undefined, 'seeded-notes'],
        ['agent:main:seeded-long', 'A very long session', 'A very long session'],
      ],
    );
    assert.equal(seededRows[0].sessionId, seeded[2].sessionId);
  });

  it('pages the 1,000-message session from the end to the start with no gaps or repeats', async () => {
    const key = 'agent:main:seeded-long';
    const rows: HistoryMessage[] = [];
    let offset = 0;
    for (let pages = 0; ; pages++) {
      assert.ok(pages <= LONG / PAGE + 1, 'paging ends');
      const page = await client.sessions.historyPage(key, { limit: PAGE, offset });
      assert.equal(page.totalMessages, LONG);
      rows.unshift(...page.messages);
      if (!page.hasMore) {
        assert.equal(page.nextOffset, undefined);
        break;
      }
      assert.equal(page.nextOffset, offset + page.messages.length, 'the next page starts where this one ended');
      offset = page.nextOffset!;
    }
    assert.deepEqual(
      rows.map((m) => m.__openclaw?.seq),
      Array.from({ length: LONG }, (_, i) => i + 1),
    );
    assert.deepEqual(
      rows.map((m) => m.__openclaw?.id),
      seeded[0].messageIds,
    );
    rows.forEach((m, i) => assert.deepEqual([m.role, textOf(m)], [long[i].role, long[i].text]));
  });

  it('finds a word that is in one seeded message, naming its session and message', async () => {
    // The gateway builds its search index of seeded transcripts itself, after it starts: it answers
    // `indexing: true` (and no hits from a session not indexed yet) until it has.
    let answer: { results: SearchHit[]; indexing?: boolean } = { results: [] };
    for (const deadline = Date.now() + 180_000; Date.now() < deadline; await sleep(1000)) {
      answer = await client.request('sessions.search', { query: RARE, limit: 25 });
      if (!answer.indexing && answer.results.length) break;
    }
    assert.equal(answer.results.length, 1, JSON.stringify(answer));
    const [hit] = answer.results;
    assert.deepEqual(
      [hit.sessionKey, hit.sessionId, hit.messageId, hit.role],
      ['agent:main:seeded-plan', seeded[2].sessionId, seeded[2].messageIds[5], 'assistant'],
    );
    assert.match(hit.snippet ?? '', new RegExp(RARE));
    // A word in every row of the long session finds rows of it only.
    const many = await client.sessions.search('long session');
    assert.equal(many.length, 25);
    assert.ok(many.every((h) => h.sessionKey === 'agent:main:seeded-long' && seeded[0].messageIds.includes(h.messageId)));
  });

  it('answers a turn in a seeded session and appends it after the seeded rows', { timeout: 5 * 60_000 }, async () => {
    const key = 'agent:main:seeded-plan';
    const result = await client.runTurn({ sessionKey: key, message: 'Thanks, and the changelog?' });
    assert.equal(result.status, 'ok', JSON.stringify(result));
    const history = await client.sessions.historyPage(key, { limit: 100, offset: 0 });
    const rows = history.messages;
    assert.equal(history.sessionId, seeded[2].sessionId, 'the same transcript');
    assert.deepEqual(
      rows.slice(0, plan.length).map((m) => [m.role, textOf(m), m.__openclaw?.id]),
      plan.map((m, i) => [m.role, m.text, seeded[2].messageIds[i]]),
    );
    assert.deepEqual(
      rows.slice(plan.length).map((m) => [m.role, m.__openclaw?.seq]),
      [
        ['user', plan.length + 1],
        ['assistant', plan.length + 2],
      ],
    );
    assert.equal(textOf(rows[plan.length]), 'Thanks, and the changelog?');
    assert.ok(textOf(rows[plan.length + 1]).startsWith('Echo: ') && textOf(rows[plan.length + 1]).includes('the changelog'), textOf(rows[plan.length + 1]));
  });
});
