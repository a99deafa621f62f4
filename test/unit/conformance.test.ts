/**
 * Every frame the client sends must validate against the official schema shipped in
 * `@openclaw/gateway-protocol` (protocol.schema.json): the request frame itself, and its params
 * against the method's `<Method>Params` definition (params are closed objects on the gateway).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv';
import { makeClient, TOKEN } from '../support/clients';
import { FakeGateway } from '../../tools/fake-gateway';
import { waitFor, waitForState } from '../support/wait';

const schemaFile = path.resolve(__dirname, '../../node_modules/@openclaw/gateway-protocol/protocol.schema.json');
const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
// The schema's top-level discriminator uses a mapping ajv does not support; its oneOf says the same.
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema(schema, 'protocol');
const ref = (name: string) => ajv.getSchema(`protocol#/definitions/${name}`)!;

/** `sessions.delete` -> `SessionsDeleteParams`, `chat.abort` -> `ChatAbortParams`. */
function paramsDefinition(method: string): string {
  return (
    method
      .split('.')
      .map((part) => part[0].toUpperCase() + part.slice(1))
      .join('') + 'Params'
  );
}

describe('conformance with @openclaw/gateway-protocol', () => {
  let gw: FakeGateway;
  let sent: Array<Record<string, any>> = [];

  before(async () => {
    // Drive every method the client uses, then keep the frames it sent.
    gw = await new FakeGateway({ token: TOKEN, deltaDelayMs: 5 }).start();
    const client = makeClient(gw.url);
    client.start();
    await waitForState(client, 'connected');
    await client.runTurn({ sessionKey: 'agent:main:conf', message: 'conform', thinking: 'low' });
    let runId = '';
    const turn = client.runTurn({ sessionKey: 'agent:main:conf2', message: 'a b c d e f g h i j k l m n o p' }, { onAccepted: (id) => (runId = id) });
    await waitFor(() => runId, 'accepted');
    await client.abortTurn('agent:main:conf2', runId);
    await turn;
    await client.listSessions();
    await client.history('agent:main:conf', 50);
    await client.deleteSession('agent:main:conf');
    await client.request('agent.wait', { runId, timeoutMs: 10 });
    client.close();
    const withoutAdmin = await new FakeGateway({ token: TOKEN, grantScopes: ['operator.read', 'operator.write'] }).start();
    const writer = makeClient(withoutAdmin.url);
    writer.start();
    await waitForState(writer, 'connected');
    await writer.runTurn({ sessionKey: 'agent:main:w', message: 'w' });
    await writer.deleteSession('agent:main:w');
    writer.close();
    sent = [...gw.received, ...withoutAdmin.received].map((r) => r.frame);
    await withoutAdmin.stop();
  });

  after(() => gw.stop());

  it('sent every method a chat client needs', () => {
    const methods = new Set(sent.map((f) => f.method));
    for (const m of [
      'connect',
      'agent',
      'chat.abort',
      'sessions.list',
      'chat.history',
      'sessions.delete',
      'sessions.patch',
      'sessions.subscribe',
      'agent.wait',
    ]) {
      assert.ok(methods.has(m), `the client sent ${m}`);
    }
  });

  it('every frame is a valid RequestFrame of a method the schema lists', () => {
    const validate = ref('RequestFrame');
    for (const frame of sent) {
      assert.ok(validate(frame), `${frame.method}: ${ajv.errorsText(validate.errors)}`);
      assert.ok(frame.method in schema.methods, `${frame.method} is a gateway method`);
    }
  });

  it('every params object validates against its <Method>Params definition', () => {
    let checked = 0;
    for (const frame of sent) {
      const name = paramsDefinition(frame.method);
      const validate = ajv.getSchema(`protocol#/definitions/${name}`);
      if (!validate) {
        // sessions.subscribe has no params definition: the client sends an empty object.
        assert.deepEqual(frame.params, {}, `${frame.method} has no ${name}, so it must send {}`);
        continue;
      }
      assert.ok(validate(frame.params), `${frame.method} params: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(frame.params).slice(0, 300)}`);
      checked += 1;
    }
    assert.ok(checked >= 10, `checked ${checked} params objects`);
  });

  it('the validators do refuse what the gateway refuses', () => {
    assert.equal(ref('SessionsListParams')({ bogus: true }), false);
    assert.equal(ref('AgentParams')({ message: 'no key' }), false);
    assert.equal(
      ref('ConnectParams')({ minProtocol: 4, maxProtocol: 4, client: { id: 'vscode-openclaw', version: '1', platform: 'linux', mode: 'ui' } }),
      false,
    );
  });

  it('the connect params use an allowed client id and mode', () => {
    const connect = sent.find((f) => f.method === 'connect')!;
    const clientSchema = schema.definitions.ConnectParams.properties.client.properties;
    assert.ok(clientSchema.id.enum.includes(connect.params.client.id));
    assert.ok(clientSchema.mode.enum.includes(connect.params.client.mode));
  });
});
