/**
 * What the composer asks the host, answered: chips from the file picker, a paste, a drop or a
 * mention (read now, held in Staging until the message goes), the `@` list, the `/` list, and the
 * header's pickers. Each answer is a result or a sentence the page shows; nothing here touches
 * VS Code (HostServices does).
 */
import type { ChatController } from '../chat-controller';
import type { HostServices } from '../host-services';
import type { MentionKind, RequestParams, RequestResult, StagedChip } from '../../protocol/webview';
import { readAttachment, Refusal } from './attachments';
import { diffBlock, problemsBlock, selectionBlock, terminalBlock } from './context-blocks';
import { attachmentLimits } from './limits';
import { MentionSearch } from './mention-search';
import type { Staging } from './staging';

type ComposerMethod =
  'pickFiles' | 'attachData' | 'attachUris' | 'searchMentions' | 'resolveMention' | 'listCommands' | 'setModel' | 'setThinking' | 'setBusyMode';
export type ComposerHandlers = { [M in ComposerMethod]: (params: RequestParams<M>) => Promise<RequestResult<M>> };

export function composerHandlers(controller: ChatController, services: HostServices, staging: Staging): ComposerHandlers {
  const limits = () => attachmentLimits(controller.client.hello?.policy?.attachments);
  const mentions = new MentionSearch();

  /** Reads files by URI into chips; each one refused says why instead. */
  const stageUris = async (uris: readonly string[], workspaceOnly: boolean): Promise<{ chips: StagedChip[]; refused: string[] }> => {
    const chips: StagedChip[] = [];
    const refused: string[] = [];
    for (const uri of uris) {
      try {
        const { name, bytes } = await services.readFile(uri, { workspaceOnly });
        chips.push(staging.stageAttachment(readAttachment(name, bytes, limits())));
      } catch (error) {
        refused.push((error as Error).message);
      }
    }
    return { chips, refused };
  };

  const resolve = async (kind: MentionKind, path: string | undefined): Promise<StagedChip> => {
    switch (kind) {
      case 'file': {
        if (!path) throw new Refusal('Name the file to mention.');
        return staging.stageAttachment(readAttachment(path, await services.readWorkspaceFile(path), limits()));
      }
      case 'selection': {
        const selection = services.activeSelection();
        if (!selection) throw new Refusal('No text is selected: select some in an editor, then mention @selection again.');
        return staging.stage(selectionBlock(selection));
      }
      case 'problems': {
        const { activePath, items } = services.diagnostics();
        return staging.stage(problemsBlock(items, activePath));
      }
      case 'diff':
        return staging.stage(diffBlock(await services.gitDiff()));
      case 'terminal': {
        const { name, text } = await services.terminalOutput();
        return staging.stage(terminalBlock(name, text));
      }
    }
  };

  return {
    pickFiles: async () => stageUris(await services.pickFiles(), false),
    attachData: ({ name, data }) => {
      const bytes = Buffer.from(data, 'base64');
      return Promise.resolve({ chip: staging.stageAttachment(readAttachment(name.split(/[\\/]/).pop() || 'pasted', bytes, limits())) });
    },
    attachUris: ({ uris }) => stageUris(uris, true),
    searchMentions: async ({ query }) => ({ candidates: mentions.search(query, await services.workspaceFiles()) }),
    resolveMention: async ({ kind, path }) => ({ chip: await resolve(kind, path) }),
    listCommands: async () => {
      const commands = await controller.commands.list(controller.sessionKey);
      return {
        commands: commands.map((c) => {
          const view: RequestResult<'listCommands'>['commands'][number] = { name: c.name, description: c.description, takesArgs: c.takesArgs };
          if (c.argsHint) view.args = c.argsHint;
          return view;
        }),
      };
    },
    setModel: async ({ model }) => {
      await controller.controls.setModel(controller.sessionKey, model);
      return {};
    },
    setThinking: async ({ level }) => {
      await controller.controls.setThinking(controller.sessionKey, level);
      return {};
    },
    setBusyMode: async ({ mode }) => {
      await services.saveBusyMode(mode);
      controller.refreshControls();
      return {};
    },
  };
}
