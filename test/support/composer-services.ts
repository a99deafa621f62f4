// The editor side of the composer for unit tests: a workspace held in memory, a file picker that
// answers what the test queued, and a record of what was asked (next to the caller's own calls).
import type { DiagnosticInfo, SelectionInfo } from '../../src/extension/composer/context-blocks';
import type { HostServices } from '../../src/extension/host-services';

export interface FakeEditor {
  /** Workspace files by relative path. */
  files: Map<string, Uint8Array>;
  /** What the next file picker returns (URIs: `file:///…` are read from `outside`, else workspace paths). */
  picks: string[];
  /** Files outside the workspace, by URI. */
  outside: Map<string, Uint8Array>;
  selection?: SelectionInfo;
  diagnostics: DiagnosticInfo[];
  activePath?: string;
  diff?: string;
  terminal?: { name: string; text: string };
  busyMode?: string;
}

export function fakeEditor(): FakeEditor {
  return { files: new Map(), picks: [], outside: new Map(), diagnostics: [] };
}

type ComposerServices = Omit<HostServices, 'copyText' | 'insertIntoActiveEditor' | 'openExternal' | 'notify' | 'confirm' | 'runAction'>;

export function composerServices(calls: string[], editor: FakeEditor = fakeEditor()): ComposerServices {
  const read = (uri: string, workspaceOnly: boolean) => {
    const inside = editor.files.get(uri);
    if (inside) return { name: uri, bytes: inside };
    const out = editor.outside.get(uri);
    if (!out) throw new Error(`Could not read ${uri}: not found`);
    if (workspaceOnly) throw new Error(`${uri} is outside the workspace: attach it with the paperclip instead.`);
    return { name: uri.split('/').pop()!, bytes: out };
  };
  return {
    pickFiles: async () => {
      calls.push('pickFiles');
      return editor.picks.splice(0);
    },
    readFile: async (uri, options) => read(uri, !!options?.workspaceOnly),
    workspaceFiles: async () => [...editor.files.keys()],
    readWorkspaceFile: async (path) => {
      const bytes = editor.files.get(path);
      if (!bytes) throw new Error(`Could not read ${path}: not found`);
      return bytes;
    },
    activeSelection: () => editor.selection,
    diagnostics: () => ({ activePath: editor.activePath, items: editor.diagnostics }),
    gitDiff: async () => {
      if (editor.diff === undefined) throw new Error('No folder is open on this computer, so there is no git diff to mention.');
      return editor.diff;
    },
    terminalOutput: async () => {
      if (!editor.terminal) throw new Error('No terminal is open: run the command in a terminal, then mention @terminal again.');
      return editor.terminal;
    },
    saveBusyMode: async (mode) => {
      calls.push(`busyMode ${mode}`);
      editor.busyMode = mode;
    },
  };
}

/**
 * Host services for a chat core under test that nobody watches: the editor's side from
 * `composerServices`, the rest answering quietly (no editor to insert into, every modal confirmed),
 * with `overrides` for what a test records or answers itself.
 */
export function hostServices(overrides: Partial<HostServices> = {}, calls: string[] = [], editor: FakeEditor = fakeEditor()): HostServices {
  return {
    copyText: async () => undefined,
    insertIntoActiveEditor: async () => false,
    openExternal: async () => undefined,
    notify: async () => undefined,
    confirm: async () => true,
    runAction: () => undefined,
    ...composerServices(calls, editor),
    ...overrides,
  };
}
