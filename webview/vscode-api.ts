// The webview's only door to the extension host. VS Code injects `acquireVsCodeApi` into the page;
// it may be called once per load, so this module calls it once and hands out a typed wrapper.
import type { WebviewMessage, WebviewUiState } from '../src/protocol/webview';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** What the rest of the webview may do with the host: post typed messages and keep UI state. */
export interface HostChannel {
  post(message: WebviewMessage): void;
  /** The UI state saved before the webview was last hidden or reloaded (defaults if none or invalid). */
  loadUiState(): WebviewUiState;
  saveUiState(state: WebviewUiState): void;
}

export const DEFAULT_UI_STATE: WebviewUiState = { draft: '', scrollTop: 0, openTools: [], stickToBottom: true };

export function connectHost(): HostChannel {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    loadUiState: () => readUiState(api.getState()),
    saveUiState: (state) => api.setState(state),
  };
}

/** Saved state may come from an older build of the webview: keep each field only if it still fits. */
function readUiState(saved: unknown): WebviewUiState {
  const state = { ...DEFAULT_UI_STATE, openTools: [] as string[] };
  if (typeof saved !== 'object' || saved === null) return state;
  const s = saved as Record<string, unknown>;
  if (typeof s.draft === 'string') state.draft = s.draft;
  if (typeof s.scrollTop === 'number' && Number.isFinite(s.scrollTop) && s.scrollTop >= 0) state.scrollTop = s.scrollTop;
  if (Array.isArray(s.openTools)) state.openTools = s.openTools.filter((id): id is string => typeof id === 'string');
  if (typeof s.stickToBottom === 'boolean') state.stickToBottom = s.stickToBottom;
  return state;
}
