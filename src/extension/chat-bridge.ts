/**
 * The host's end of the chat webview, without `vscode`: everything the page posts is checked against
 * the contract and acted on here (messages and requests with replies), and everything the host tells
 * the page goes out numbered through the HostPoster. The glue (vscode/chat-view-provider.ts) only
 * hands over the page's raw messages and a function that posts to it.
 */
import {
  parseWebviewMessage,
  type ConnectionView,
  type Delivery,
  type HostMessage,
  type RequestMethod,
  type RequestParams,
  type RequestResult,
  type WebviewRequest,
} from '../protocol/webview';
import { decideWithConsent } from './approvals';
import type { ChatController } from './chat-controller';
import { ChatFeed } from './chat-feed';
import { composerHandlers } from './composer/composer-requests';
import { Staging, type MessageContext } from './composer/staging';
import { Disposable } from './disposable';
import type { HostServices } from './host-services';
import { HostPoster } from './host-poster';

/** Links a reply may open: web and mail only (a `command:` or `file:` link would act inside the editor). */
const OPENABLE = new Set(['http:', 'https:', 'mailto:']);

export interface ChatBridgeOptions {
  controller: ChatController;
  services: HostServices;
  /** Posts to the page; called only while the page is ready. */
  post: (message: HostMessage) => void;
  /** The connection banner as it reads now. */
  connection: () => ConnectionView;
  log: (message: string) => void;
}

type Handlers = { [M in RequestMethod]: (params: RequestParams<M>) => Promise<RequestResult<M>> };

export class ChatBridge extends Disposable {
  /** Streamed text is gathered for 16 ms before it is posted, so a fast stream costs few messages. */
  private readonly poster: HostPoster;
  private readonly feed: ChatFeed;
  private ready = false;
  private focusWhenReady = false;
  private readonly handlers: Handlers;
  /** The chips above the box, by id, until their message goes. */
  private readonly staging = new Staging();

  constructor(private readonly options: ChatBridgeOptions) {
    super();
    this.poster = this.register(new HostPoster((message) => this.ready && options.post(message)));
    this.feed = this.register(new ChatFeed(options.controller, this.poster, options.connection));
    const { services } = options;
    const approvals = options.controller.approvals;
    this.handlers = {
      // The page only says what the person clicked: the host checks the approval is one this
      // gateway waits for and the decision one it offers, and asks before allowing it always.
      decideApproval: async ({ id, decision }) => ({ decided: await decideWithConsent(approvals, services, id, decision) }),
      answerQuestion: async ({ id, answers }) => ({ answered: await approvals.answer(id, answers) }),
      skipQuestion: async ({ id }) => ({ skipped: await approvals.skip(id) }),
      copy: async ({ text }) => {
        await services.copyText(text);
        return {};
      },
      insert: async ({ text }) => {
        const inserted = await services.insertIntoActiveEditor(text);
        if (!inserted) void services.notify('info', 'No editor is active: click into the file where the code should go, then choose Insert at Cursor again.');
        return { inserted };
      },
      loadEarlier: async () => ({ earlier: await options.controller.loadEarlier() }),
      forkFrom: ({ id }) =>
        this.saying('Could not start a new session from this message', async () => {
          await options.controller.actions.forkFrom(id);
          return {};
        }),
      rewindTo: ({ id }) =>
        this.saying('Could not rewind the session', async () => {
          const sure = await services.confirm(
            'Rewind the session to this message?',
            'This message and everything after it are removed from the session’s history on the gateway, for every client. The message goes back into the box, to edit and send again.',
            'Rewind',
          );
          if (!sure) return { done: false };
          await options.controller.actions.rewindTo(id);
          return { done: true };
        }),
      openDiff: ({ id, path }) =>
        this.saying('Could not open the diff', async () => {
          const request = options.controller.changes.diffFor(id, path);
          if (!services.openDiff) throw new Error('this editor has no diff view.');
          await services.openDiff(request);
          return {};
        }),
      decideChanges: async ({ id, path, decision }) => {
        const refused = await this.saying('Could not decide on the changes', () => options.controller.changes.decide(id, path, decision));
        if (refused.length)
          void services.notify('warning', refused.length === 1 ? refused[0] : `${refused.length} files were not reverted: ${refused.join(' ')}`);
        return { refused };
      },
      ...composerHandlers(options.controller, services, this.staging),
    };
  }

  /** The page was (re)loaded: nothing reaches it until it says it is ready. */
  pageLoaded(): void {
    this.ready = false;
  }

  /** Puts the cursor in the chat's input, now or as soon as the page is ready. */
  focus(): void {
    if (this.ready) this.poster.post({ type: 'focus' });
    else this.focusWhenReady = true;
  }

  /** Re-sends the connection banner (e.g. each second of a reconnect countdown). */
  refreshConnection(): void {
    this.feed.refreshConnection();
  }

  /** A message from the page, as it came: checked first, because the page is not trusted. */
  receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if ('problem' in parsed) {
      this.options.log(`ignored a webview message that does not fit the contract: ${parsed.problem}`);
      return;
    }
    const message = parsed.message;
    const { controller, services } = this.options;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.feed.snapshot();
        if (this.focusWhenReady) this.poster.post({ type: 'focus' });
        this.focusWhenReady = false;
        return;
      case 'send':
        this.send(message.text, message.chips ?? [], message.delivery);
        return;
      case 'discard':
        this.staging.discard(message.ids);
        return;
      case 'stop':
        void controller.stop();
        return;
      case 'action':
        services.runAction(message.id);
        return;
      case 'openLink':
        if (isOpenable(message.href)) void services.openExternal(message.href);
        else this.options.log(`refused to open a link that is not web or mail: ${message.href.slice(0, 80)}`);
        return;
      case 'request':
        void this.answer(message);
        return;
    }
  }

  /** Runs what the person asked for; a failure is told to them (then to the page, which only logs it). */
  private async saying<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      void this.options.services.notify('error', `${what}: ${(error as Error).message}`);
      throw error;
    }
  }

  /**
   * Sends what the page typed with the chips it names. A message refused (an image for a model
   * that takes none, a chip no longer held) keeps its chips here and says why in the chat.
   */
  private send(text: string, chipIds: readonly string[], delivery: Delivery | undefined): void {
    const { controller } = this.options;
    if (!text.trim() && !chipIds.length) {
      this.options.log('ignored a blank message without chips');
      return;
    }
    let context: MessageContext | undefined;
    const refusal = controller.imageRefusal(this.staging.imageNames(chipIds));
    try {
      if (refusal) throw new Error(refusal);
      if (chipIds.length) context = this.staging.take(chipIds);
    } catch (error) {
      controller.notice('error', `Not sent: ${(error as Error).message}`);
      return;
    }
    controller.send(text, context, delivery);
  }

  private async answer(request: WebviewRequest): Promise<void> {
    try {
      const handle = this.handlers[request.method] as (params: unknown) => Promise<unknown>;
      const result = await handle(request.params);
      this.poster.post({ type: 'reply', id: request.id, ok: true, result });
    } catch (error) {
      this.poster.post({ type: 'reply', id: request.id, ok: false, error: (error as Error).message || 'failed' });
    }
  }
}

function isOpenable(href: string): boolean {
  try {
    return OPENABLE.has(new URL(href).protocol);
  } catch {
    return false;
  }
}
