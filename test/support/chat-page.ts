// The chat page as a ChatBridge sees it in a test: every host message it was posted, kept in order,
// and requests that wait for their reply the way webview/requests.ts does.
import { ChatBridge } from '../../src/extension/chat-bridge';
import type { ChatController } from '../../src/extension/chat-controller';
import type { HostServices } from '../../src/extension/host-services';
import type { HostMessage, RequestMethod } from '../../src/protocol/webview';
import { waitFor } from './wait';

export type Reply = Extract<HostMessage, { type: 'reply' }>;

export function chatPage(controller: ChatController, services: HostServices, posted: HostMessage[] = []) {
  const bridge = new ChatBridge({
    controller,
    services,
    post: (m) => posted.push(m),
    connection: () => ({ kind: 'connected', title: 'ok', actions: [] }),
    log: () => undefined,
  });
  let nextId = 0;
  /** Sends a page request and waits (up to `timeoutMs`) for its reply. */
  const ask = (method: RequestMethod, params: Record<string, unknown>, timeoutMs?: number): Promise<Reply> => {
    const id = ++nextId;
    bridge.receive({ type: 'request', id, method, params });
    return waitFor(() => posted.find((m): m is Reply => m.type === 'reply' && m.id === id), `reply ${id} to ${method}`, timeoutMs);
  };
  return { bridge, posted, ask };
}
