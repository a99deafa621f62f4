/**
 * The host's word on a decision or an answer the person gave (in the chat, a notification or the
 * palette): a decision that outlasts this one command is confirmed in a native modal first, and
 * answers are checked against what the agent asked. No `vscode` import.
 */
import type { AgentQuestion } from '../gateway/payloads';
import type { ApprovalDecision } from '../protocol/gateway';
import type { Approvals } from './approvals';
import type { HostServices } from './host-services';

/**
 * Decides as the person asked, with their consent for what outlasts this one command: "allow
 * always" is asked again in a native modal first. Resolves false when the person cancelled.
 */
export async function decideWithConsent(
  approvals: Approvals,
  services: Pick<HostServices, 'confirm'>,
  id: string,
  decision: ApprovalDecision,
): Promise<boolean> {
  const entry = approvals.checkDecidable(id, decision);
  if (decision === 'allow-always') {
    const { command, host, cwd } = entry.approval;
    const where = [host && `on ${host}`, cwd && `in ${cwd}`].filter(Boolean).join(' ');
    const confirmed = await services.confirm(
      'Always allow this command?',
      `From now on the gateway runs it${where ? ` ${where}` : ''} without asking anyone:\n\n${command}`,
      'Allow Always',
    );
    if (!confirmed) return false;
  }
  await approvals.decide(id, decision);
  return true;
}

/**
 * The answers as the gateway takes them, `{<questionId>: [values]}`, from what the page sent; or an
 * error saying what is missing or not allowed.
 */
export function checkAnswers(question: AgentQuestion, given: ReadonlyArray<{ questionId: string; values: readonly string[] }>): Record<string, string[]> {
  // A map, not an object: a question the agent names `constructor` or `__proto__` is a question like any other.
  const out = new Map<string, string[]>();
  for (const { questionId, values } of given) {
    const asked = question.questions.find((q) => q.id === questionId);
    if (!asked) throw new Error(`The agent did not ask "${questionId}".`);
    if (out.has(questionId)) throw new Error(`"${asked.header || asked.question}" was answered twice.`);
    // A secret is taken exactly as typed; other answers without the spaces around them.
    const kept = values.map((v) => (asked.secret ? v : v.trim())).filter((v) => v !== '');
    const labels = new Set(asked.options.map((o) => o.label));
    const own = kept.filter((v) => !labels.has(v));
    if (own.length && asked.options.length && !asked.other) throw new Error(`"${asked.header || asked.question}" takes one of its options only.`);
    if (!asked.multiSelect && kept.length > 1) throw new Error(`"${asked.header || asked.question}" takes one answer.`);
    out.set(questionId, kept);
  }
  for (const asked of question.questions) {
    if (!out.get(asked.id)?.length) throw new Error(`Answer "${asked.header || asked.question}" first, or skip the question.`);
  }
  return Object.fromEntries(out);
}
