// Requests from the page to the host, each answered by a `reply` of the same id: what the webview
// asks (copy, insert, later a file picker or a decision) and must hear back about. Ids count up per
// page; an answer that does not come within the timeout ends the request with an error.
import { parseRequestResult, type HostMessage, type RequestMethod, type RequestParams, type RequestResult, type WebviewMessage } from '../src/protocol/webview';

const DEFAULT_TIMEOUT_MS = 30_000;

type Reply = Extract<HostMessage, { type: 'reply' }>;

interface Pending {
  method: RequestMethod;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class RequestChannel {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly post: (message: WebviewMessage) => void) {}

  /** Asks the host; resolves with the result the method promises, or rejects with why not. */
  request<M extends RequestMethod>(method: M, params: RequestParams<M>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RequestResult<M>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the editor did not answer "${method}" within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: (result) => resolve(result as RequestResult<M>), reject, timer });
      this.post({ type: 'request', id, method, params } as WebviewMessage);
    });
  }

  /** Settles the request a reply answers; a reply for no pending request, or of the wrong shape, is dropped. */
  settle(reply: Reply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (!reply.ok) return pending.reject(new Error(reply.error ?? `"${pending.method}" failed`));
    const result = parseRequestResult(pending.method, reply.result);
    if (result === undefined) pending.reject(new Error(`the editor's answer to "${pending.method}" does not fit the contract`));
    else pending.resolve(result);
  }
}
