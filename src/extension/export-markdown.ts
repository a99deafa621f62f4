/**
 * A session's history as a Markdown document: a heading per message with who spoke and when,
 * the assistant's own markdown as it is, the person's words quoted (a line of theirs that starts
 * with `#` escaped, so it stays a line), and each tool call as a collapsible `<details>` block with its arguments
 * and result in fences long enough for whatever backticks they hold. Renders the same in VS Code's
 * Markdown preview and on GitHub. Pure: rows in, text out.
 */
import { messageText } from '../gateway/run-stream';
import type { HistoryMessage } from '../protocol/gateway';
import { isRecord, str } from '../protocol/schema';

/** A tool's arguments or result longer than this is cut in the export, saying how much was left out. */
export const MAX_EXPORT_TOOL_CHARS = 20_000;

export interface ExportHeader {
  title: string;
  key: string;
  /** When the export was made (ms); stated under the title. */
  exportedAt: number;
}

/** The Markdown of a session's rows (oldest first). */
export function sessionToMarkdown(header: ExportHeader, rows: readonly HistoryMessage[]): string {
  const out: string[] = [`# ${escapeInline(header.title)}`, ''];
  const counted = rows.filter((r) => r.role === 'user' || r.role === 'assistant').length;
  out.push(`*Session \`${header.key.replace(/`/g, '')}\` · ${counted} messages · exported ${when(header.exportedAt)}*`, '');
  const results = new Map<string, HistoryMessage>();
  for (const row of rows) if (row.role === 'toolResult' && row.toolCallId) results.set(row.toolCallId, row);

  for (const row of rows) {
    const at = typeof row.timestamp === 'number' ? ` · ${when(row.timestamp)}` : '';
    switch (row.role) {
      case 'user': {
        const text = messageText(row.content).trim();
        if (!text) break;
        if (isRecord(row.provenance) && row.provenance.kind === 'internal_system') {
          out.push(`*System note${at}:* ${escapeInline(firstLine(text))}`, '');
          break;
        }
        out.push(`## You${at}`, '', quote(text), '');
        break;
      }
      case 'assistant': {
        const parts = Array.isArray(row.content) ? row.content : [{ type: 'text', text: messageText(row.content) }];
        const text = parts
          .filter((p) => isRecord(p) && p.type === 'text' && typeof p.text === 'string')
          .map((p) => (p as { text: string }).text)
          .join('')
          .trim();
        const calls = parts.filter((p): p is Record<string, unknown> => isRecord(p) && p.type === 'toolCall');
        const error = row.stopReason === 'error' && typeof row.errorMessage === 'string' ? row.errorMessage : undefined;
        // A reply that failed before it said anything still says why.
        if (!text && !calls.length && !error) break;
        // A tool call's row repeats the heading of the text before it only when it stands alone.
        if (text || !isContinuation(rows, row)) out.push(`## OpenClaw${at}`, '');
        if (text) out.push(text, '');
        if (row.stopReason === 'aborted') out.push('*(stopped)*', '');
        if (error) out.push(`*Error: ${escapeInline(error)}*`, '');
        for (const call of calls) out.push(...toolDetails(call, results.get(str(call, 'id') ?? '')));
        break;
      }
      case 'toolResult':
        // Shown inside its call's details; a result without a call stands alone.
        if (!rows.some((r) => r.role === 'assistant' && Array.isArray(r.content) && r.content.some((p) => isRecord(p) && p.id === row.toolCallId))) {
          out.push(...toolDetails({ name: row.toolName ?? 'tool', id: row.toolCallId }, row));
        }
        break;
      case 'system': {
        const kind = row.__openclaw?.kind;
        if (kind === 'reset') out.push(`*Session reset${at}*`, '');
        if (kind === 'compaction') out.push(`*Session compacted${at}: earlier turns were replaced by a summary*`, '');
        break;
      }
      default:
        break;
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** One tool call as a collapsed `<details>`: name and outcome in the summary, arguments and result inside. */
function toolDetails(call: Record<string, unknown>, result: HistoryMessage | undefined): string[] {
  const name = str(call, 'name') ?? 'tool';
  const outcome = !result ? 'no result' : result.isError ? 'failed' : 'done';
  const lines = ['<details>', `<summary>Tool <code>${escapeHtml(name)}</code> · ${outcome}</summary>`, ''];
  if (call.arguments !== undefined) lines.push('**Arguments**', '', fence(pretty(call.arguments), 'json'), '');
  if (result) lines.push(`**${result.isError ? 'Error' : 'Result'}**`, '', fence(resultText(result.content), ''), '');
  lines.push('</details>', '');
  return lines;
}

function pretty(value: unknown): string {
  if (typeof value === 'string') return cut(value);
  try {
    return cut(JSON.stringify(value, null, 2) ?? String(value));
  } catch {
    return cut(String(value));
  }
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return cut(content);
  if (Array.isArray(content) && content.every((p) => isRecord(p) && p.type === 'text')) return cut(messageText(content));
  return pretty(content);
}

function cut(text: string): string {
  return text.length > MAX_EXPORT_TOOL_CHARS ? `${text.slice(0, MAX_EXPORT_TOOL_CHARS)}\n… (${text.length - MAX_EXPORT_TOOL_CHARS} more characters)` : text;
}

/** A fenced block whose fence is longer than any run of backticks inside it, so the content cannot close it. */
export function fence(text: string, lang: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const marks = '`'.repeat(Math.max(3, longest + 1));
  return `${marks}${lang}\n${text.replace(/\n$/, '')}\n${marks}`;
}

/**
 * The person's words as a blockquote, every line (blank ones too) kept inside it. A line of theirs
 * that Markdown would make a heading (`# ...`, or a `===`/`---` underline) is escaped: inside a
 * quote it would still be one. The rest (code fences they pasted, lists) renders as they wrote it.
 */
function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `> ${line.replace(/^(\s{0,3})(#|=+\s*$|-+\s*$)/, '$1\\$2')}` : '>'))
    .join('\n');
}

/** An assistant row that only carries the tool call of the text row before it (same message id). */
function isContinuation(rows: readonly HistoryMessage[], row: HistoryMessage): boolean {
  const index = rows.indexOf(row);
  const before = index > 0 ? rows[index - 1] : undefined;
  return !!before && before.role === 'assistant' && !!row.__openclaw?.id && before.__openclaw?.id === row.__openclaw.id;
}

function firstLine(text: string): string {
  const line = text.replace(/^\s*\[System\]\s*/i, '').split('\n')[0];
  return line.length > 300 ? `${line.slice(0, 297)}…` : line;
}

/** "2026-12-02 04:58 UTC": the same whoever opens the file. */
function when(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Text for a heading or an emphasis: markdown and HTML punctuation escaped, one line. */
function escapeInline(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]<>#|])/g, '\\$1');
}
