/**
 * What each kind of chip becomes as text: a file or selection with its name and numbered lines, the
 * problems with file:line:column, a diff, a terminal's output, a note for an image. Each is cut to
 * MAX_ITEM_CHARS, and a cut one says what was left out, in its text and on its chip. Pure: the
 * editor's side (reading files, diagnostics) hands in plain values.
 */
import { formatBytes, MAX_ITEM_CHARS, MAX_PROBLEMS } from './limits';
import type { ContextBlock } from './context-text';

export interface SelectionInfo {
  /** Workspace-relative path (or the file name of a file outside the workspace). */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  languageId: string;
  text: string;
}

export interface DiagnosticInfo {
  path: string;
  /** 1-based. */
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  source?: string;
  code?: string;
}

/** A whole text file: its path, its numbered lines, cut at the limit. */
export function fileBlock(path: string, text: string, languageId = languageOf(path)): ContextBlock {
  const lines = splitLines(text);
  const shown = fitLines(lines, 1);
  const total = lines.length;
  const range = shown.count === total ? `${total} line${total === 1 ? '' : 's'}` : `lines 1-${shown.count} of ${total}`;
  const cut = shown.count < total ? cutNote(text.length, shown.chars, `lines ${shown.count + 1}-${total}`) : '';
  return {
    kind: 'file',
    label: path,
    detail: shown.count < total ? `cut to ${range}` : formatBytes(byteLength(text)),
    body: `File ${path} (${range}):\n${fence(shown.text, languageId)}${cut}`,
  };
}

/** The selection, numbered with the lines it has in its file. */
export function selectionBlock(selection: SelectionInfo): ContextBlock {
  const lines = splitLines(selection.text);
  const shown = fitLines(lines, selection.startLine);
  const last = selection.startLine + shown.count - 1;
  const where = `${selection.path}:${selection.startLine}-${selection.endLine}`;
  const cut = shown.count < lines.length ? cutNote(selection.text.length, shown.chars, `lines ${last + 1}-${selection.endLine}`) : '';
  return {
    kind: 'selection',
    label: where,
    detail: shown.count < lines.length ? `cut to lines ${selection.startLine}-${last}` : undefined,
    body: `Selected in ${selection.path}, lines ${selection.startLine}-${selection.endLine}:\n${fence(shown.text, selection.languageId)}${cut}`,
  };
}

/**
 * The problems VS Code shows: of the active file when one is open, else of the whole workspace.
 * Errors first, then warnings, then the rest; at most MAX_PROBLEMS.
 */
export function problemsBlock(items: readonly DiagnosticInfo[], activePath: string | undefined): ContextBlock {
  const scoped = activePath ? items.filter((d) => d.path === activePath) : items;
  const where = activePath ?? 'the workspace';
  const order = { error: 0, warning: 1, info: 2, hint: 3 } as const;
  const sorted = [...scoped].sort((a, b) => order[a.severity] - order[b.severity] || a.path.localeCompare(b.path) || a.line - b.line);
  const lines: string[] = [];
  let chars = 0;
  for (const d of sorted.slice(0, MAX_PROBLEMS)) {
    const tag = [d.source, d.code].filter(Boolean).join(' ');
    const line = `${d.path}:${d.line}:${d.column} ${d.severity}: ${d.message.replace(/\s*\n\s*/g, ' ')}${tag ? ` [${tag}]` : ''}`;
    if (chars + line.length + 1 > MAX_ITEM_CHARS) break;
    lines.push(line);
    chars += line.length + 1;
  }
  const counts = (['error', 'warning'] as const).map(
    (s) => `${scoped.filter((d) => d.severity === s).length} ${s}${scoped.filter((d) => d.severity === s).length === 1 ? '' : 's'}`,
  );
  const left = scoped.length - lines.length;
  const body = scoped.length
    ? `Problems in ${where} (${counts.join(', ')}):\n${lines.join('\n')}${left ? `\n[cut: ${left} more problem${left === 1 ? '' : 's'} left out to stay within the limit]` : ''}`
    : `There are no problems in ${where}.`;
  return {
    kind: 'problems',
    label: activePath ? `problems in ${activePath}` : 'problems',
    detail: `${scoped.length} problem${scoped.length === 1 ? '' : 's'}`,
    body,
  };
}

/** The working tree's diff against HEAD, cut at the limit (the first files kept whole). */
export function diffBlock(diff: string): ContextBlock {
  if (!diff.trim()) return { kind: 'diff', label: 'diff', detail: 'no changes', body: 'The working tree has no changes against HEAD.' };
  const files = (diff.match(/^diff --git /gm) ?? []).length;
  const kept = diff.length > MAX_ITEM_CHARS ? diff.slice(0, diff.lastIndexOf('\n', MAX_ITEM_CHARS) + 1 || MAX_ITEM_CHARS) : diff;
  const cut = kept.length < diff.length ? cutNote(diff.length, kept.length, 'the rest of the diff') : '';
  return {
    kind: 'diff',
    label: 'diff',
    detail: `${files} file${files === 1 ? '' : 's'}${cut ? ', cut' : ''}`,
    body: `The working tree's changes (git diff HEAD):\n${fence(kept.trimEnd(), 'diff')}${cut}`,
  };
}

/** A terminal's last output: the end is what matters, so a cut keeps the last lines. */
export function terminalBlock(name: string, output: string): ContextBlock {
  const clean = stripAnsi(output).trimEnd();
  const kept = clean.length > MAX_ITEM_CHARS ? clean.slice(clean.indexOf('\n', clean.length - MAX_ITEM_CHARS) + 1) : clean;
  const cut =
    kept.length < clean.length
      ? `\n[cut: the first ${formatBytes(byteLength(clean.slice(0, clean.length - kept.length)))} of the output were left out to stay within ${formatBytes(MAX_ITEM_CHARS)}]`
      : '';
  return {
    kind: 'terminal',
    label: `terminal ${name}`,
    detail: kept.length < clean.length ? 'last lines' : undefined,
    body: `The last output of the terminal "${name}":\n${fence(kept || '(no output)', 'text')}${cut}`,
  };
}

/** An image goes as an attachment; the text names it, so the agent (and history) knows which. */
export function imageBlock(fileName: string, bytes: number): ContextBlock {
  return { kind: 'image', label: fileName, detail: formatBytes(bytes), body: `The image ${fileName} (${formatBytes(bytes)}) is attached to this message.` };
}

/** Lines from `first` on, numbered, as many as fit in MAX_ITEM_CHARS. */
function fitLines(lines: readonly string[], first: number): { text: string; count: number; chars: number } {
  const width = String(first + lines.length - 1).length;
  const out: string[] = [];
  let chars = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = `${String(first + i).padStart(width)} | ${lines[i]}`;
    if (chars + line.length + 1 > MAX_ITEM_CHARS && out.length) break;
    out.push(line);
    chars += lines[i].length + 1;
  }
  return { text: out.join('\n'), count: out.length, chars };
}

function cutNote(total: number, kept: number, what: string): string {
  return `\n[cut: ${what} (${formatBytes(Math.max(0, total - kept))}) left out to stay within ${formatBytes(MAX_ITEM_CHARS)}]`;
}

/** A fenced block whose fence is longer than any run of backticks inside. */
function fence(text: string, language: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- terminal escape sequences are control characters by nature
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g, '');
}

const LANGUAGES: Record<string, string> = {
  ts: 'ts',
  tsx: 'tsx',
  js: 'js',
  jsx: 'jsx',
  mjs: 'js',
  cjs: 'js',
  json: 'json',
  md: 'markdown',
  py: 'python',
  rs: 'rust',
  go: 'go',
  java: 'java',
  c: 'c',
  h: 'c',
  cpp: 'cpp',
  cs: 'csharp',
  rb: 'ruby',
  sh: 'sh',
  yml: 'yaml',
  yaml: 'yaml',
  css: 'css',
  html: 'html',
  sql: 'sql',
};

/** The fence language for a file name (empty when unknown). */
export function languageOf(path: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  // Own keys only: "a.constructor" must not find Object's constructor as a language.
  return ext && Object.hasOwn(LANGUAGES, ext) ? LANGUAGES[ext] : '';
}
