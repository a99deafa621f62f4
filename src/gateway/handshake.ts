/**
 * The exchange between a socket opening and `hello-ok`: wait for `connect.challenge`, answer with
 * signed `connect` params, and turn every way it can fail (timeout, refused upgrade, transport
 * error, early close, refusal) into one typed rejection. Kept apart from GatewayConnection because
 * it runs once per attempt and settles once; what follows (handlers, retry, backoff) is the connection's.
 */

import type { TLSSocket } from 'node:tls';
import type WebSocket from 'ws';
import { HelloOkSchema, type ConnectChallenge, type ConnectParams, type HelloOk } from '../protocol/gateway';
import { classifyTransportError, classifyUpgradeStatus, type FailedState } from './connection-state';
import { GatewayClosedError, GatewayConnectError, GatewayRequestError, GatewayTimeoutError } from './errors';
import { FrameProblem, parseFrame } from './frames';
import { isRecord } from '../protocol/schema';

/** What the handshake needs from the connection that opened the socket. */
export interface HandshakeHooks {
  /** The signed `connect` params answering a challenge. */
  connectParams(challenge: ConnectChallenge): Promise<ConnectParams>;
  newId(method: string): string;
  sendFrame(socket: WebSocket, frame: { type: 'req'; id: string; method: string; params: unknown }): void;
  traceIn(frame: unknown): void;
  /** Counts (and logs once) a frame that was dropped. */
  problem(kind: string): void;
  /** Called synchronously on `hello-ok`, so that frames right behind it reach the connected handlers. */
  onHello(socket: WebSocket, hello: HelloOk): void;
  /** The upgrade was refused with 503: the gateway is draining for a restart. */
  onRestarting(): void;
  /** Free text from the gateway with every known secret taken out. */
  redact(text: string): string;
  /** For `wss://`: whether the certificate may be used (tls-trust.ts); a failure ends the attempt before any frame. */
  checkTls(socket: TLSSocket): FailedState | undefined;
}

/** Runs handshakes for one connection, one socket at a time. */
export class Handshake {
  constructor(private readonly hooks: HandshakeHooks) {}

  /**
   * Resolves with the `hello-ok` once `onHello` has run, or rejects with a GatewayTimeoutError, a
   * GatewayRequestError (`connect` refused), a GatewayConnectError or a GatewayClosedError.
   */
  run(socket: WebSocket, url: string, timeoutMs: number): Promise<HelloOk> {
    const hooks = this.hooks;
    return new Promise<HelloOk>((resolve, reject) => {
      let connectId: string | undefined;
      // Set at the first challenge, before its params are signed (asynchronously): a second
      // challenge in that gap must not get a second connect.
      let challenged = false;
      const timer = setTimeout(() => {
        reject(new GatewayTimeoutError(`no ${connectId ? 'hello-ok' : 'connect.challenge'} from the gateway at ${url} within ${timeoutMs} ms`, timeoutMs));
      }, timeoutMs);
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        socket.off('message', onMessage);
        fn();
      };
      const onMessage = (data: WebSocket.RawData) => {
        const text = (data as Buffer).toString();
        const frame = parseFrame(text);
        if (frame instanceof FrameProblem) return hooks.problem(frame.problem);
        hooks.traceIn(frame);
        if (frame.type === 'event' && frame.event === 'connect.challenge' && !challenged) {
          const challenge = readChallenge(frame.payload);
          if (!challenge) return hooks.problem('connect.challenge without nonce and ts');
          challenged = true;
          void hooks.connectParams(challenge).then(
            (params) => {
              connectId = hooks.newId('connect');
              hooks.sendFrame(socket, { type: 'req', id: connectId, method: 'connect', params });
            },
            (error: Error) => settle(() => reject(error)),
          );
        } else if (frame.type === 'res' && frame.id === connectId) {
          if (!frame.ok) return settle(() => reject(new GatewayRequestError('connect', { ...frame.error!, message: hooks.redact(frame.error!.message) })));
          const payload = frame.payload;
          if (!isRecord(payload) || payload.type !== 'hello-ok') {
            return settle(() => reject(new GatewayClosedError('the gateway answered connect without hello-ok')));
          }
          const problem = HelloOkSchema.check(payload);
          if (problem) return settle(() => reject(unusableHello(url, hooks.redact(problem))));
          // Synchronously, so that frames right behind hello-ok reach the connected handler.
          settle(() => {
            hooks.onHello(socket, payload as HelloOk);
            resolve(payload as HelloOk);
          });
        }
      };
      socket.on('message', onMessage);
      // The upgrade answer arrives before any frame, so an untrusted certificate stops the attempt
      // before the challenge is answered: no token or signature ever reaches that server.
      socket.on('upgrade', (res) => {
        const tls = res.socket as TLSSocket;
        if (!tls.encrypted) return;
        const failure = hooks.checkTls(tls);
        if (failure) settle(() => reject(new GatewayConnectError(failure.message, failure)));
      });
      socket.on('unexpected-response', (_req, res) => {
        // 503 while the gateway drains for a restart: come back when it is up again.
        const status = res.statusCode ?? 0;
        res.resume();
        if (status === 503) hooks.onRestarting();
        const sorted = classifyUpgradeStatus(url, status);
        settle(() => reject('retry' in sorted ? new GatewayConnectError(sorted.retry) : new GatewayConnectError(sorted.message, sorted)));
      });
      socket.on('error', (error) => {
        const sorted = classifyTransportError(url, error);
        settle(() => reject('retry' in sorted ? new GatewayConnectError(sorted.retry) : new GatewayConnectError(sorted.message, sorted)));
      });
      socket.on('close', (code, reason) =>
        settle(() =>
          reject(
            new GatewayClosedError(`the gateway closed the connection during the handshake (${code}${reason.length ? ` ${reason.toString()}` : ''})`, code),
          ),
        ),
      );
    });
  }
}

/** A hello-ok the client cannot work with: retrying would get the same answer, so a person must act. */
function unusableHello(url: string, problem: string): GatewayConnectError {
  const message = `The gateway at ${url} answered with a hello-ok this extension cannot use (${problem.slice(0, 200)}). Update the gateway or the extension; reconnect once it is fixed.`;
  return new GatewayConnectError(message, { kind: 'failed', url, reason: 'bad-hello', action: 'update', message });
}

function readChallenge(payload: unknown): ConnectChallenge | undefined {
  if (!isRecord(payload) || typeof payload.nonce !== 'string' || typeof payload.ts !== 'number') return undefined;
  return { nonce: payload.nonce, ts: payload.ts };
}
