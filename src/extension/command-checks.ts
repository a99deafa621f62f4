/**
 * The refusals of commands, out of their vscode handlers so that unit tests load them: what
 * "Set Gateway Token" and "Ask About Selection" say no to, and the words they say it with. No
 * `vscode` import; commands.ts shows what these return.
 */
import { redactUrl } from '../gateway/gateway-url';

/**
 * Where "Set Gateway Token" keeps a token: under the gateway's origin, since a token goes only to
 * the gateway it was set for. A URL that is no URL has no origin, and gets no token.
 */
export function tokenTarget(gateway: { origin?: string; url: string }): { origin: string } | { refusal: string } {
  if (!gateway.origin) return { refusal: `The gateway URL "${redactUrl(gateway.url)}" is not a URL: fix openclaw.gatewayUrl first, then set its token.` };
  return { origin: gateway.origin };
}

/** What is wrong with a token as typed into the box, for its inline message; undefined when it may be kept. */
export function tokenInputProblem(value: string): string | undefined {
  return value.trim() ? undefined : 'Paste the token';
}

/** The editor "Ask About Selection" asks about, or why it cannot: no editor, or nothing selected in it. */
export function selectionTarget<E extends { selection: { isEmpty: boolean } }>(editor: E | undefined): { editor: E } | { refusal: string } {
  return !editor || editor.selection.isEmpty ? { refusal: 'Select some code first, then ask OpenClaw about it.' } : { editor };
}
