/**
 * A turn whose last item is not a reply (live-turn.ts): a tool card or an approval card after the
 * text. The activity line, the outcome and a failure still go to the last reply, and the card is
 * left as it was. Pure, on a real TranscriptModel, as in live-turn.test.ts.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { LiveTurn } from '../../src/extension/live-turn';
import { TranscriptModel } from '../../src/extension/transcript-model';
import type { ChatItem } from '../../src/protocol/webview';

function setup() {
  const transcript = new TranscriptModel(
    () => 'main',
    () => undefined,
  );
  const turn = new LiveTurn('k1', 'main', { text: 'hello', pending: 'sending' }, transcript);
  transcript.upsert(turn.user, turn);
  return { turn, items: () => transcript.items as ChatItem[] };
}

const running: ChatItem = { kind: 'tool', id: 't:c1', tool: { toolCallId: 'c1', name: 'ls', state: 'running' } };

it('a tool card after the reply: the activity line and the outcome go to the reply', () => {
  const { turn, items } = setup();
  turn.onEvent({ kind: 'text', itemId: 'i1', delta: 'Looking' });
  turn.onEvent({ kind: 'tool', phase: 'start', toolCallId: 'c1', name: 'ls' });
  turn.onEvent({ kind: 'status', phase: 'starting_model' });
  assert.deepEqual(items().slice(1), [{ kind: 'assistant', id: 'a:k1:i1', text: 'Looking', streaming: true, activity: 'Starting the model…' }, running]);

  turn.finish({ runId: 'k1', sessionKey: 'main', status: 'ok', text: 'Looking', usage: { input: 4, output: 5 } });
  assert.deepEqual(items().slice(1), [
    {
      kind: 'assistant',
      id: 'a:k1:i1',
      text: 'Looking',
      streaming: false,
      activity: undefined,
      outcome: 'ok',
      usage: { input: 4, output: 5, total: undefined },
    },
    running,
  ]);
});

it('an approval card after the reply: a failure is said on the reply', () => {
  const { turn, items } = setup();
  turn.onEvent({ kind: 'text', itemId: 'i1', delta: 'Running it' });
  const card: ChatItem = { kind: 'notice', id: 'card', level: 'info', text: 'approve?' };
  turn.showCard(card);
  turn.fail('socket closed');
  assert.deepEqual(items().slice(1), [
    { kind: 'assistant', id: 'a:k1:i1', text: 'Running it', streaming: false, activity: undefined, outcome: 'error', error: 'socket closed' },
    card,
  ]);
});
