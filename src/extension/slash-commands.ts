/**
 * The gateway's slash commands (`commands.list`), per session, and which messages are one: a
 * message whose first word is a command's `/name` or alias goes through `chat.send`, where the
 * gateway runs it (through `agent` the model would only read the words).
 */
import type { CommandInfo, GatewayClient } from '../gateway/gateway-client';

/** `/name` at the start of a message, then nothing or a space and the arguments. */
const COMMAND_WORD = /^(\/[\w.-]{1,100})(?:\s|$)/;

export class SlashCommands {
  private readonly lists = new Map<string, Promise<CommandInfo[]>>();

  constructor(private readonly client: GatewayClient) {}

  /** The commands of a session, asked once per session and connection; a failed ask is asked again next time. */
  list(sessionKey: string): Promise<CommandInfo[]> {
    let list = this.lists.get(sessionKey);
    if (!list) {
      list = this.client.listCommands(sessionKey);
      this.lists.set(sessionKey, list);
      list.catch(() => this.lists.delete(sessionKey));
    }
    return list;
  }

  /** Whether the text could be a command at all (cheap: no list needed). */
  static looksLikeCommand(text: string): boolean {
    return COMMAND_WORD.test(text);
  }

  /** The command a message runs, if its first word is one of the session's commands. */
  async match(sessionKey: string, text: string): Promise<CommandInfo | undefined> {
    const word = COMMAND_WORD.exec(text)?.[1];
    if (!word) return undefined;
    const commands = await this.list(sessionKey);
    return commands.find((c) => c.aliases.includes(word));
  }

  /** Forgets every list (a new connection may reach another gateway). */
  clear(): void {
    this.lists.clear();
  }
}
