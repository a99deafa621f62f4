/**
 * The model and thinking pickers of the chat's header, for the session shown: the models from
 * `models.list`, the session's own model and thinking level from its `sessions.list` row (kept in
 * step by `sessions.changed`, which refreshes the list), changes applied with `sessions.patch`.
 * Also what the composer needs to know of the model: whether it takes images.
 */
import type { GatewayClient, ModelInfo } from '../gateway/gateway-client';
import { readLevels } from '../gateway/payloads';
import type { SessionRow } from '../protocol/gateway';
import { str } from '../protocol/schema';
import type { ControlsView, Delivery } from '../protocol/webview';
import { modelName, Refusal } from './composer/attachments';

export interface SessionControlsDeps {
  client: GatewayClient;
  /** The session list as last read (SessionList.rows). */
  rows(): readonly SessionRow[];
  /** Reads the session list again (after a patch, so the header shows what the gateway holds). */
  refreshRows(): Promise<void>;
  /** What Enter does while a reply runs (a setting). */
  busyMode(): Delivery;
  changed(): void;
  log(message: string): void;
}

export class SessionControls {
  /** The models on offer, from `models.list`; empty until connected. */
  models: ModelInfo[] = [];

  constructor(private readonly deps: SessionControlsDeps) {}

  /** Lists the models again; a failure leaves the last list and is logged. */
  async refreshModels(): Promise<void> {
    try {
      this.models = await this.deps.client.listModels();
      this.deps.changed();
    } catch (error) {
      this.deps.log(`could not list the models: ${(error as Error).message}`);
    }
  }

  /** The model a session runs with: its own, else the gateway's default; with what `models.list` says of it. */
  modelOf(key: string): { ref: string; name?: string; input?: readonly string[]; info?: ModelInfo } | undefined {
    const row = this.deps.rows().find((r) => r.key === key);
    const defaults = this.deps.client.sessionDefaults;
    const model = str(row, 'model') ?? defaults?.model;
    if (!model) return undefined;
    const provider = str(row, 'model') ? str(row, 'modelProvider') : defaults?.modelProvider;
    const ref = model.includes('/') || !provider ? model : `${provider}/${model}`;
    const info = this.models.find((m) => m.ref === ref) ?? this.models.find((m) => m.id === model && (!provider || m.provider === provider));
    return { ref: info?.ref ?? ref, name: info?.name, input: info?.input, info };
  }

  /** The header's pickers for a session, and the composer's busy mode. */
  view(key: string): ControlsView {
    const row = this.deps.rows().find((r) => r.key === key);
    const model = this.modelOf(key);
    const levels = readLevels(row?.thinkingLevels);
    const thinkingLevels = levels.length
      ? levels
      : model?.info?.thinkingLevels.length
        ? model.info.thinkingLevels
        : (this.deps.client.sessionDefaults?.thinkingLevels ?? []);
    const thinking = str(row, 'thinkingLevel') ?? str(row, 'thinkingDefault') ?? model?.info?.thinkingDefault;
    const view: ControlsView = {
      models: this.models.map((m) => ({ id: m.ref, label: modelName(m), images: m.input?.includes('image') ?? false })),
      thinkingLevels,
      busyMode: this.deps.busyMode(),
    };
    if (model) view.model = model.ref;
    if (thinking) view.thinking = thinking;
    return view;
  }

  /**
   * Gives the session another model. The gateway creates a session it does not have yet, so a new
   * chat can pick its model before its first message. Its refusal ("Unknown provider") is the error.
   */
  async setModel(key: string, ref: string): Promise<void> {
    if (this.models.length && !this.models.some((m) => m.ref === ref)) throw new Refusal(`The gateway offers no model ${ref}: choose one from the list.`);
    await this.deps.client.patchSession(key, { model: ref });
    await this.deps.refreshRows();
  }

  /** Sets the session's thinking level, one of its model's own. */
  async setThinking(key: string, level: string): Promise<void> {
    const levels = this.view(key).thinkingLevels;
    if (levels.length && !levels.includes(level)) {
      throw new Refusal(`${this.modelOf(key)?.ref ?? 'This model'} has no thinking level "${level}": choose one of ${levels.join(', ')}.`);
    }
    await this.deps.client.patchSession(key, { thinkingLevel: level });
    await this.deps.refreshRows();
  }

  /**
   * The thinking level a new session starts with (the `openclaw.thinkingLevel` setting), if the
   * gateway's default model has it; undefined leaves it to the model.
   */
  newSessionThinking(wanted: string | undefined): string | undefined {
    if (!wanted) return undefined;
    const levels = this.deps.client.sessionDefaults?.thinkingLevels ?? [];
    if (levels.length && !levels.includes(wanted)) {
      this.deps.log(`thinking level "${wanted}" (openclaw.thinkingLevel) is not one the default model has (${levels.join(', ')}): left to the model`);
      return undefined;
    }
    return wanted;
  }
}
