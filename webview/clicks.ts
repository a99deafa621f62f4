// What a click in the conversation does: a link goes to the host (which asks before opening it), a
// code block's button copies or inserts its code through a request the host answers.
import { codeOfButton, isSafeLink } from './markdown';
import type { RequestChannel } from './requests';
import type { HostChannel } from './vscode-api';

const DONE_TICK_MS = 1500;

/**
 * Links take one path: in the capture phase on the window, before VS Code's own webview script
 * (which would open the link at once, without asking) can see the click; the host opens it through
 * openExternal, which asks for an untrusted domain. Middle-click counts as a click.
 */
export function routeLinksToHost(host: HostChannel): void {
  const onClick = (event: MouseEvent) => {
    const link = (event.target as Element | null)?.closest?.('a');
    if (!link) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (event.button > 1) return;
    const href = link.getAttribute('href');
    if (href && isSafeLink(href)) host.post({ type: 'openLink', href });
  };
  for (const type of ['click', 'auxclick'] as const) window.addEventListener(type, onClick, true);
}

/** Copy and Insert at Cursor on code blocks: each says what happened once the host answers. */
export function handleCodeActions(log: HTMLElement, requests: RequestChannel, announce: (text: string) => void): void {
  log.addEventListener('click', (event) => {
    const action = (event.target as Element).closest<HTMLButtonElement>('button[data-code-action]');
    if (!action) return;
    const text = codeOfButton(action);
    if (text === undefined) return;
    if (action.dataset.codeAction === 'copy') {
      void requests.request('copy', { text }).then(
        () => {
          announce('Copied code to the clipboard');
          tick(action);
        },
        (error: Error) => announce(`Could not copy: ${error.message}`),
      );
    } else {
      void requests.request('insert', { text }).then(
        ({ inserted }) => {
          announce(inserted ? 'Inserted the code at the cursor' : 'No editor is active: nothing was inserted');
          if (inserted) tick(action);
        },
        (error: Error) => announce(`Could not insert: ${error.message}`),
      );
    }
  });
}

/** A tick for the eye (CSS, outside the accessible name, which stays "Copy" or "Insert at Cursor"). */
function tick(action: HTMLButtonElement): void {
  action.classList.add('is-done');
  setTimeout(() => action.classList.remove('is-done'), DONE_TICK_MS);
}

/**
 * A user message's own buttons: "Edit and resend" (the host forks the session there and puts the
 * message in the box) and "Rewind to here" (the host asks first). Each says what happened.
 */
export function handleMessageActions(log: HTMLElement, requests: RequestChannel, announce: (text: string) => void): void {
  log.addEventListener('click', (event) => {
    const action = (event.target as Element).closest<HTMLButtonElement>('button[data-msg-action]');
    const id = action?.closest<HTMLElement>('[data-item-id]')?.dataset.itemId;
    if (!action || !id || action.getAttribute('aria-disabled') === 'true') return;
    // One request at a time per button: a double click must not fork twice.
    action.setAttribute('aria-disabled', 'true');
    const done = () => action.removeAttribute('aria-disabled');
    if (action.dataset.msgAction === 'fork') {
      void requests
        .request('forkFrom', { id }, FORK_TIMEOUT_MS)
        .then(
          () => announce('A new session starts from this message: it is in the box to edit and send'),
          (error: Error) => announce(`Could not edit and resend: ${error.message}`),
        )
        .finally(done);
    } else {
      // The host asks the person first; the answer may take them a while.
      void requests
        .request('rewindTo', { id }, REWIND_TIMEOUT_MS)
        .then(
          ({ done: rewound }) => announce(rewound ? 'Rewound: the message is back in the box' : 'Not rewound'),
          (error: Error) => announce(`Could not rewind: ${error.message}`),
        )
        .finally(done);
    }
  });
}

const FORK_TIMEOUT_MS = 60_000;
const REWIND_TIMEOUT_MS = 10 * 60_000;
