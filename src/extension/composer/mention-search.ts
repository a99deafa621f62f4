/**
 * What `@query` offers: the editor's own sources (selection, problems, diff, terminal) whose name
 * starts with the query, then workspace files matched fuzzily, best first. It runs on every
 * keystroke over the whole workspace (20,000 files in BENCHMARKS.md), so a file is rejected with
 * a few indexOf calls before anything is scored, and nothing is allocated per file that does not match.
 */
import type { MentionCandidate, MentionKind } from '../../protocol/webview';
import { MAX_MENTION_RESULTS } from './limits';

/** The sources `@` offers besides files, in the order offered. */
export const MENTION_SOURCES: ReadonlyArray<{ kind: Exclude<MentionKind, 'file'>; label: string; detail: string }> = [
  { kind: 'selection', label: 'selection', detail: 'The text selected in the editor' },
  { kind: 'problems', label: 'problems', detail: 'Errors and warnings of the active file, or of the workspace' },
  { kind: 'diff', label: 'diff', detail: "The working tree's changes (git diff)" },
  { kind: 'terminal', label: 'terminal', detail: 'The last output of the active terminal' },
];

/** Workspace-relative file paths, searchable fuzzily. */
export class FileIndex {
  private readonly lower: string[];
  /** Where each path's file name starts. */
  private readonly baseAt: number[];

  constructor(readonly paths: readonly string[]) {
    this.lower = paths.map((p) => p.toLowerCase());
    this.baseAt = paths.map((p) => p.lastIndexOf('/') + 1);
    this.scores = new Float64Array(paths.length);
  }

  /** Every path, shortest first: what a bare `@` offers. Sorted once per index, on first use. */
  private shortestFirst: string[] | undefined;
  /** The last query and every path it matched: a query that extends it can only match among those. */
  private last: { q: string; hits: number[] } | undefined;
  /** Each path's score for the query being searched (one buffer, reused by every search). */
  private readonly scores: Float64Array;

  /**
   * The paths that hold the query's characters in order, best first: the query inside the file
   * name beats the query inside the path, which beats the characters spread out; then matches at
   * word starts and runs of matched characters; then shorter paths. Typing narrows: each key
   * scores only what the previous query matched, and only the best `limit` are kept in order
   * (no sort of thousands of hits for a one-letter query).
   */
  search(query: string, limit = MAX_MENTION_RESULTS): string[] {
    const q = query.toLowerCase().replace(/\s+/g, '');
    if (!q) {
      this.shortestFirst ??= [...this.paths].sort((a, b) => a.length - b.length || a.localeCompare(b));
      return this.shortestFirst.slice(0, limit);
    }
    const from = this.last && q.startsWith(this.last.q) ? this.last.hits : undefined;
    const scores = this.scores;
    const hits: number[] = [];
    const best: number[] = [];
    const better = (a: number, b: number) => scores[a] - scores[b] || this.paths[b].length - this.paths[a].length || (this.paths[a] < this.paths[b] ? 1 : -1);
    const consider = (i: number) => {
      const score = this.score(i, q);
      if (score <= 0) return;
      hits.push(i);
      scores[i] = score;
      if (best.length === limit && better(best[limit - 1], i) >= 0) return;
      // Binary insertion into the best `limit`, best first.
      let lo = 0;
      let hi = best.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (better(best[mid], i) > 0) lo = mid + 1;
        else hi = mid;
      }
      best.splice(lo, 0, i);
      if (best.length > limit) best.pop();
    };
    if (from) for (const i of from) consider(i);
    else for (let i = 0; i < this.lower.length; i++) consider(i);
    this.last = { q, hits };
    return best.map((i) => this.paths[i]);
  }

  private score(i: number, q: string): number {
    const path = this.lower[i];
    const base = this.baseAt[i];
    // The query's characters in order, or nothing: the cheap test every path takes.
    let at = path.indexOf(q[0]);
    if (at < 0) return 0;
    for (let k = 1, from = at + 1; k < q.length; k++) {
      const next = path.indexOf(q[k], from);
      if (next < 0) return 0;
      from = next + 1;
    }
    const inName = path.indexOf(q, base);
    let score: number;
    if (inName === base) score = 10_000;
    else if (inName > 0) score = 8_000 + (isWordStart(path, inName) ? 500 : 0);
    else {
      const inPath = path.indexOf(q);
      if (inPath >= 0) score = 6_000 + (isWordStart(path, inPath) ? 500 : 0);
      else {
        // Spread out: reward characters at word starts and runs of them, prefer the file name.
        score = 1_000;
        let run = 0;
        at = -1;
        for (let k = 0; k < q.length; k++) {
          const next = path.indexOf(q[k], at + 1);
          run = next === at + 1 ? run + 1 : 0;
          score += run * 30 + (isWordStart(path, next) ? 60 : 0) + (next >= base ? 40 : 0);
          at = next;
        }
      }
    }
    return score - path.length;
  }
}

function isWordStart(path: string, at: number): boolean {
  if (at === 0) return true;
  const before = path.charCodeAt(at - 1);
  // '/', '.', '-', '_', ' '
  return before === 47 || before === 46 || before === 45 || before === 95 || before === 32;
}

/**
 * The `@` list for a query: matching sources first (they are few and always at hand), then files.
 * The index is rebuilt only when the editor hands over a new file list.
 */
export class MentionSearch {
  private index: FileIndex | undefined;

  search(query: string, files: readonly string[], limit = MAX_MENTION_RESULTS): MentionCandidate[] {
    if (this.index?.paths !== files) this.index = new FileIndex(files);
    const q = query.trim().toLowerCase();
    const sources: MentionCandidate[] = MENTION_SOURCES.filter((s) => s.label.startsWith(q)).map((s) => ({ kind: s.kind, label: s.label, detail: s.detail }));
    const paths = this.index.search(q, limit - sources.length);
    return [...sources, ...paths.map((path): MentionCandidate => ({ kind: 'file', label: path.split('/').pop() ?? path, detail: path, path }))];
  }
}
