import type { FakeGateway } from '../../tools/fake-gateway';

/**
 * A session of `count` rows on the fake gateway, numbered as the real one numbers them
 * (`__openclaw.id`, `seq` from 1): "question N" from the person, "answer N" from the agent.
 */
export function seedLongSession(gw: FakeGateway, key: string, count: number): void {
  gw.sessionStore.ensure(key);
  for (let i = 0; i < count; i++) {
    gw.sessionStore.addRow(
      key,
      i % 2
        ? { role: 'assistant', content: [{ type: 'text', text: `answer ${i}` }], timestamp: 1_796_000_000_000 + i * 1000 }
        : { role: 'user', content: `question ${i}`, timestamp: 1_796_000_000_000 + i * 1000 },
    );
  }
}
